/**
 * A seeded simulation of backend choice: backends with hidden success rates per kind of task, a
 * sequence of runs, and the bandit (chooseArm, learning per task kind from each result it sees) against
 * always using one backend. It measures what the bandit costs while it learns.
 *
 * Regret here is the expected (pseudo-)regret: for each run, the hidden success rate of the best
 * backend for that task kind minus the hidden rate of the backend the policy used, summed over runs. It
 * does not depend on the luck of individual outcomes, only on the choices made. A fixed backend's
 * regret is therefore exact, and the best fixed backend for a single task kind has regret 0 — but only
 * someone who already knew the hidden rates could make that choice. Realised successes (the same random
 * draw per run decides every policy's outcome, so they are comparable) are reported alongside.
 */
import { chooseArm } from './bandit.js';
import { mulberry32 } from './random.js';
import type { ArmStats } from '../memory/memory-store.js';

export interface SimulatedBackend {
  name: string;
  /** Hidden success rate for each task kind, in [0, 1]. */
  successRates: Record<string, number>;
}

export interface BanditScenario {
  backends: readonly SimulatedBackend[];
  /** The kinds of task; run t is of kind taskKinds[t mod n]. */
  taskKinds: readonly string[];
  runs: number;
}

export interface PolicyResult {
  /** "bandit" or "always <backend>". */
  policy: string;
  regret: number;
  successes: number;
  /** How many runs each backend got. */
  picks: Record<string, number>;
}

export interface SimulationResult {
  seed: number;
  runs: number;
  /** Expected successes of always using the best backend for each task kind (the hidden optimum). */
  optimalExpectedSuccesses: number;
  bandit: PolicyResult;
  /** One per backend, in the scenario's order. */
  fixed: PolicyResult[];
}

/** The setting: one kind of task, three backends that succeed 55 %, 70 % and 85 % of the time. */
export const ONE_TASK_KIND: BanditScenario = {
  backends: [
    { name: 'aider', successRates: { coder: 0.55 } },
    { name: 'codex', successRates: { coder: 0.7 } },
    { name: 'claude', successRates: { coder: 0.85 } },
  ],
  taskKinds: ['coder'],
  runs: 200,
};

/** Backends good at different kinds of task, as autodev chooses per task kind: no single backend is best. */
export const TWO_TASK_KINDS: BanditScenario = {
  backends: [
    { name: 'aider', successRates: { coder: 0.75, tester: 0.7 } },
    { name: 'codex', successRates: { coder: 0.55, tester: 0.85 } },
    { name: 'claude', successRates: { coder: 0.85, tester: 0.55 } },
  ],
  taskKinds: ['coder', 'tester'],
  runs: 200,
};

export function simulateBandit(scenario: BanditScenario, seed: number): SimulationResult {
  checkScenario(scenario);
  const { backends, taskKinds, runs } = scenario;
  const names = backends.map((b) => b.name);
  const rate = (backend: string, kind: string): number =>
    backends.find((b) => b.name === backend)?.successRates[kind] ?? 0;
  const best = (kind: string): number => Math.max(...names.map((n) => rate(n, kind)));

  // Separate streams, so the bandit's own sampling never shifts which runs would succeed.
  const world = mulberry32(seed);
  const banditRng = mulberry32(seed ^ 0x5bd1e995);
  const learned = new Map<string, Map<string, ArmStats>>(taskKinds.map((k) => [k, new Map()]));

  const bandit = emptyResult('bandit', names);
  const fixed = names.map((n) => emptyResult(`always ${n}`, names));
  let optimalExpectedSuccesses = 0;

  for (let t = 0; t < runs; t++) {
    const kind = taskKinds[t % taskKinds.length] as string;
    const draw = world();
    optimalExpectedSuccesses += best(kind);

    const kindStats = learned.get(kind) as Map<string, ArmStats>;
    const { arm } = chooseArm([...kindStats.values()], names, banditRng);
    const success = draw < rate(arm, kind);
    record(bandit, arm, success, best(kind) - rate(arm, kind));
    const stats = kindStats.get(arm) ?? { arm, successes: 0, failures: 0, meanDurationMs: 0 };
    if (success) stats.successes += 1;
    else stats.failures += 1;
    kindStats.set(arm, stats);

    names.forEach((name, i) => {
      record(fixed[i] as PolicyResult, name, draw < rate(name, kind), best(kind) - rate(name, kind));
    });
  }
  return { seed, runs, optimalExpectedSuccesses, bandit, fixed };
}

function emptyResult(policy: string, names: readonly string[]): PolicyResult {
  return { policy, regret: 0, successes: 0, picks: Object.fromEntries(names.map((n) => [n, 0])) };
}

function record(result: PolicyResult, arm: string, success: boolean, regret: number): void {
  result.regret += regret;
  if (success) result.successes += 1;
  result.picks[arm] = (result.picks[arm] ?? 0) + 1;
}

function checkScenario({ backends, taskKinds, runs }: BanditScenario): void {
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`runs must be a positive whole number, not ${runs}`);
  if (backends.length === 0) throw new Error('a scenario needs at least one backend');
  if (taskKinds.length === 0) throw new Error('a scenario needs at least one task kind');
  for (const b of backends) {
    for (const kind of taskKinds) {
      const p = b.successRates[kind];
      if (p === undefined || !(p >= 0 && p <= 1)) {
        throw new Error(`backend ${b.name} needs a success rate between 0 and 1 for ${kind} tasks`);
      }
    }
  }
}
