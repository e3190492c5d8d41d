/**
 * Cumulative regret of the backend-choosing bandit in the seeded simulation (app/learning/
 * simulate-bandit.ts), averaged over many seeds, against always using one backend. Regret is expected
 * regret: per run, the hidden success rate of the best backend for the task kind minus that of the
 * backend used. With one task kind the best fixed backend has regret 0 by definition — an oracle that
 * needs the hidden rates — so it is printed but not counted as beaten; with backends good at different
 * task kinds every fixed choice has positive regret.
 */
import {
  type BanditScenario,
  ONE_TASK_KIND,
  simulateBandit,
  TWO_TASK_KINDS,
} from '../../app/learning/simulate-bandit.js';

const SEEDS = 200;

export interface ScenarioRegret {
  name: string;
  runs: number;
  seeds: number;
  banditMeanRegret: number;
  /** Regret in the worst tenth of the seeds. */
  banditP90Regret: number;
  fixed: { policy: string; regret: number }[];
  /** Fixed choices with positive regret: the ones a user could have configured without the hidden rates. */
  beatable: { policy: string; regret: number }[];
  /** Share of seeds where the bandit's regret is below every beatable fixed choice. */
  winShare: number;
}

function regretOf(name: string, scenario: BanditScenario): ScenarioRegret {
  const results = Array.from({ length: SEEDS }, (_, i) => simulateBandit(scenario, i + 1));
  const regrets = results.map((r) => r.bandit.regret).sort((a, b) => a - b);
  const fixed = (results[0]?.fixed ?? []).map((f) => ({ policy: f.policy, regret: f.regret }));
  const beatable = fixed.filter((f) => f.regret > 1e-9);
  const bar = Math.min(...beatable.map((f) => f.regret));
  return {
    name,
    runs: scenario.runs,
    seeds: SEEDS,
    banditMeanRegret: regrets.reduce((a, b) => a + b, 0) / regrets.length,
    banditP90Regret: regrets[Math.ceil(0.9 * regrets.length) - 1] ?? NaN,
    fixed,
    beatable,
    winShare: regrets.filter((r) => r < bar).length / regrets.length,
  };
}

export async function benchBanditRegret(): Promise<ScenarioRegret[]> {
  return [
    regretOf('one task kind, backends at 55 / 70 / 85 % success', ONE_TASK_KIND),
    regretOf('two task kinds, each backend best at a different kind', TWO_TASK_KINDS),
  ];
}

/** The per-policy lines `npm run bench` prints under its PASS/FAIL line. */
export function describeRegret(s: ScenarioRegret): string {
  const fixed = s.fixed.map((f) => `${f.policy} ${f.regret.toFixed(1)}${f.regret > 1e-9 ? '' : ' (oracle)'}`);
  return `bandit ${s.banditMeanRegret.toFixed(1)} (p90 ${s.banditP90Regret.toFixed(1)}, below every non-oracle fixed choice in ${(100 * s.winShare).toFixed(1)} % of seeds) vs ${fixed.join(', ')}`;
}
