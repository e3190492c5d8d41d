/**
 * Strategies shape the task graph after it was validated. Each strategy gives every task a rank
 * (its phase) and then:
 *   1. a dependency on a task of a higher rank runs against the strategy, so it is replaced by that
 *      task's own dependencies (recursively), which keeps the rest of the original ordering;
 *   2. the strategy's own dependencies are added, always from a task to tasks of a lower rank.
 * Every cross-rank edge then points to a lower rank, and same-rank edges only connect tasks the
 * original (acyclic) plan already ordered, so shaping can never create a cycle.
 */
import type { Strategy } from '../commands/command.js';
import type { AgentRole } from '../runs/run.js';
import type { PrpTask } from './prp-schema.js';
import { classifyArea, isMarkedMvp, isSpike, testsCovering, type Area } from './task-areas.js';
import { slugifyTaskId } from './task-ids.js';

export interface ShapeResult {
  tasks: PrpTask[];
  /** One or two sentences for the plan: what the strategy did to the order. */
  note: string;
}

/**
 * What each strategy asks of the planner model. It lives next to the code that enforces the same
 * order, so the prompt and the post-processing cannot disagree.
 */
export const STRATEGY_GUIDANCE: Record<Strategy, string> = {
  waterfall:
    'Phases in order: design and docs, then code, then integration, then tests, then review. Each phase starts when the previous one is done.',
  agile:
    'Start with a minimal runnable slice (mark its tasks "mvp": true, keep it small), then the tasks that grow it.',
  'feature-first':
    'Backend (server, API, database) first, then frontend (UI, components, styles), then integration and end-to-end work.',
  'test-driven':
    'Tester tasks write the failing tests first; each coder task makes the tests for its files pass. Give tests and code overlapping file names.',
  'risk-driven':
    'Begin with one spike task (id "spike") that proves out the riskiest part; every other task waits for it.',
};

type Deps = Map<string, string[]>;

export function shapeByStrategy(tasks: readonly PrpTask[], strategy: Strategy): ShapeResult {
  switch (strategy) {
    case 'waterfall':
      return waterfall(tasks);
    case 'agile':
      return agile(tasks);
    case 'feature-first':
      return featureFirst(tasks);
    case 'test-driven':
      return testDriven(tasks);
    case 'risk-driven':
      return riskDriven(tasks);
  }
}

const WATERFALL_PHASES: Record<AgentRole, number> = {
  planner: 0,
  docs: 0,
  coder: 1,
  integrator: 2,
  tester: 3,
  reviewer: 4,
};

function waterfall(tasks: readonly PrpTask[]): ShapeResult {
  const rank = new Map(tasks.map((t) => [t.id, WATERFALL_PHASES[t.role]]));
  const { deps, dropped } = respectRanks(tasks, rank);
  chainPhases(tasks, rank, deps);
  const phases = new Set(rank.values()).size;
  return {
    tasks: withDeps(tasks, deps),
    note: sentence(
      `Waterfall: ${phases === 1 ? 'one phase' : `${phases} phases`} in the order design/docs → code → integration → tests → review; each phase starts when the one before it is done.`,
      dropped,
    ),
  };
}

function featureFirst(tasks: readonly PrpTask[]): ShapeResult {
  const order: Record<Area, number> = { backend: 0, frontend: 1, integration: 2 };
  const areas = new Map(tasks.map((t) => [t.id, classifyArea(t)]));
  const rank = new Map(tasks.map((t) => [t.id, order[areas.get(t.id) ?? 'backend']]));
  const { deps, dropped } = respectRanks(tasks, rank);
  chainPhases(tasks, rank, deps);
  const count = (area: Area) => [...areas.values()].filter((a) => a === area).length;
  return {
    tasks: withDeps(tasks, deps),
    note: sentence(
      `Feature-first: ${count('backend')} backend and shared, then ${count('frontend')} frontend, then ${count('integration')} integration tasks; each group starts when the one before it is done.`,
      dropped,
    ),
  };
}

function testDriven(tasks: readonly PrpTask[]): ShapeResult {
  const phases: Partial<Record<AgentRole, number>> = { planner: 0, tester: 1, reviewer: 3 };
  const rank = new Map(tasks.map((t) => [t.id, phases[t.role] ?? 2]));
  const { deps, dropped } = respectRanks(tasks, rank);
  const tests = tasks.filter((t) => t.role === 'tester');
  const lastTests = lastOf(tests, deps);
  const coveringTests = testsCovering(tests);
  let matched = 0;
  let waitForAll = 0;
  for (const code of tasks.filter((t) => t.role === 'coder')) {
    const covering = coveringTests(code);
    if (covering.length > 0) matched++;
    else if (lastTests.length > 0) waitForAll++;
    addDeps(deps, code.id, covering.length > 0 ? covering : lastTests);
  }
  const note =
    tests.length === 0
      ? 'Test-driven: the plan has no tester tasks, so the order is unchanged.'
      : `Test-driven: tests come first; coder tasks wait for the tests of their files (${matched}) or, with no overlapping files, for all tests (${waitForAll}).`;
  return { tasks: withDeps(tasks, deps), note: sentence(note, dropped) };
}

const SPIKE_MINUTES = 30;

function riskDriven(tasks: readonly PrpTask[]): ShapeResult {
  const found = tasks.filter(isSpike);
  const all = found.length > 0 ? [...tasks] : [newSpike(tasks), ...tasks];
  const spikes = found.length > 0 ? found : all.slice(0, 1);
  const spikeIds = new Set(spikes.map((t) => t.id));
  const rank = new Map(all.map((t) => [t.id, spikeIds.has(t.id) ? 0 : 1]));
  const { deps, dropped } = respectRanks(all, rank);
  chainPhases(all, rank, deps);
  const what =
    found.length > 0
      ? `the spike${found.length === 1 ? '' : 's'} ${quoteIds(spikes)}`
      : `the spike "${spikes[0]?.id ?? 'spike'}" that was added`;
  return {
    tasks: withDeps(all, deps),
    note: sentence(`Risk-driven: every other task waits for ${what}.`, dropped),
  };
}

/** A spike for plans that forgot one: the strategy promises that risk is retired before the rest. */
function newSpike(tasks: readonly PrpTask[]): PrpTask {
  const taken = new Set(tasks.map((t) => t.id));
  let id = 'spike';
  for (let n = 2; taken.has(id); n++) id = slugifyTaskId(`spike-${n}`);
  const titles = tasks.slice(0, 5).map((t) => `- ${t.title}`);
  return {
    id,
    title: 'Spike: prove out the riskiest part of the plan',
    role: 'coder',
    description: `Find the part of this plan most likely to fail and prove it works with the smallest change that runs. Report what you learned. The plan begins with:\n${titles.join('\n')}`,
    files: [],
    dependsOn: [],
    acceptance: [
      'The riskiest assumption of the plan is tried in running code, and the result is written down.',
    ],
    estimate: SPIKE_MINUTES,
  };
}

function agile(tasks: readonly PrpTask[]): ShapeResult {
  const marked = tasks.filter(isMarkedMvp);
  const seeds = marked.length > 0 ? marked : smallestCoderTask(tasks);
  const mvp = closure(seeds, tasks);
  const rank = new Map(tasks.map((t) => [t.id, mvp.has(t.id) ? 0 : 1]));
  const { deps, dropped } = respectRanks(tasks, rank);
  chainPhases(tasks, rank, deps);
  const why = marked.length > 0 ? 'the tasks marked MVP' : 'the smallest coder task';
  const rest = tasks.length - mvp.size;
  return {
    tasks: withDeps(tasks, deps),
    note: sentence(
      `Agile: an MVP of ${mvp.size} task${mvp.size === 1 ? '' : 's'} (${why} and what it needs) runs first; the other ${rest} follow.`,
      dropped,
    ),
  };
}

function smallestCoderTask(tasks: readonly PrpTask[]): PrpTask[] {
  const coders = tasks.filter((t) => t.role === 'coder');
  const pool = coders.length > 0 ? coders : tasks;
  const smallest = pool.reduce<PrpTask | undefined>(
    (best, t) => (!best || t.estimate < best.estimate ? t : best),
    undefined,
  );
  return smallest ? [smallest] : [];
}

/** The seeds and everything they depend on: an MVP must be able to run on its own. */
function closure(seeds: readonly PrpTask[], tasks: readonly PrpTask[]): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const found = new Set<string>();
  const stack = seeds.map((t) => t.id);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return found;
}

/** Step 1: dependencies on a higher rank are replaced by the dependencies they stood for. */
function respectRanks(tasks: readonly PrpTask[], rank: Map<string, number>): { deps: Deps; dropped: number } {
  const original = new Map(tasks.map((t) => [t.id, t.dependsOn]));
  const deps: Deps = new Map();
  let dropped = 0;
  for (const task of tasks) {
    const own = rank.get(task.id) ?? 0;
    const kept: string[] = [];
    const seen = new Set<string>();
    const stack = [...task.dependsOn].reverse();
    while (stack.length > 0) {
      const dep = stack.pop() as string;
      if (seen.has(dep)) continue;
      seen.add(dep);
      if ((rank.get(dep) ?? 0) <= own) kept.push(dep);
      else {
        if (task.dependsOn.includes(dep)) dropped++;
        stack.push(...[...(original.get(dep) ?? [])].reverse());
      }
    }
    deps.set(task.id, kept);
  }
  return { deps, dropped };
}

/** Step 2 for phase strategies: the first tasks of each phase wait for the last tasks of the phase before. */
function chainPhases(tasks: readonly PrpTask[], rank: Map<string, number>, deps: Deps): void {
  const levels = [...new Set(rank.values())].sort((a, b) => a - b);
  const phases = levels.map((level) => tasks.filter((t) => rank.get(t.id) === level));
  for (let k = 1; k < phases.length; k++) {
    const last = lastOf(phases[k - 1] ?? [], deps);
    const current = new Set((phases[k] ?? []).map((t) => t.id));
    for (const task of phases[k] ?? []) {
      const startsPhase = !(deps.get(task.id) ?? []).some((d) => current.has(d));
      if (startsPhase) addDeps(deps, task.id, last);
    }
  }
}

/** Tasks of the group no other task of the group depends on: waiting for them is waiting for the group. */
function lastOf(group: readonly PrpTask[], deps: Deps): string[] {
  const ids = new Set(group.map((t) => t.id));
  const needed = new Set<string>();
  for (const task of group) for (const d of deps.get(task.id) ?? []) if (ids.has(d)) needed.add(d);
  return group.filter((t) => !needed.has(t.id)).map((t) => t.id);
}

function addDeps(deps: Deps, id: string, more: readonly string[]): void {
  const list = deps.get(id) ?? [];
  // A phase barrier can add hundreds at once; a set keeps that linear.
  const present = new Set(list);
  for (const dep of more) {
    if (dep === id || present.has(dep)) continue;
    present.add(dep);
    list.push(dep);
  }
  deps.set(id, list);
}

function withDeps(tasks: readonly PrpTask[], deps: Deps): PrpTask[] {
  return tasks.map((t) => ({ ...t, dependsOn: deps.get(t.id) ?? [] }));
}

function sentence(note: string, dropped: number): string {
  if (dropped === 0) return note;
  const which = dropped === 1 ? '1 dependency that ran' : `${dropped} dependencies that ran`;
  return `${note} ${which} against this order ${dropped === 1 ? 'was' : 'were'} replaced by the dependencies behind ${dropped === 1 ? 'it' : 'them'}.`;
}

function quoteIds(tasks: readonly PrpTask[]): string {
  return tasks.map((t) => `"${t.id}"`).join(', ');
}
