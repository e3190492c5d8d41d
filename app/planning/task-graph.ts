/**
 * The task graph: checks (as a list of typed errors, so a planner can hand all of them back to the
 * model at once), waves by topological level, and the critical path. Pure and linear in tasks + edges,
 * so a 500-task plan costs well under a millisecond.
 */

export interface GraphTask {
  id: string;
  dependsOn: readonly string[];
}

export type GraphError =
  | { kind: 'duplicate-id'; taskId: string }
  | { kind: 'unknown-dependency'; taskId: string; missing: string }
  | { kind: 'self-dependency'; taskId: string }
  /** Task ids in dependency order: each depends on the next, and the last on the first. */
  | { kind: 'cycle'; cycle: string[] };

/** Cycles beyond this many add nothing the model or a person can act on. */
const MAX_REPORTED_CYCLES = 3;

export function checkGraph(tasks: readonly GraphTask[]): GraphError[] {
  const errors: GraphError[] = [];
  const ids = new Set<string>();
  for (const task of tasks) {
    if (ids.has(task.id)) errors.push({ kind: 'duplicate-id', taskId: task.id });
    ids.add(task.id);
  }
  for (const task of tasks) {
    for (const dep of task.dependsOn) {
      if (dep === task.id) errors.push({ kind: 'self-dependency', taskId: task.id });
      else if (!ids.has(dep)) errors.push({ kind: 'unknown-dependency', taskId: task.id, missing: dep });
    }
  }
  for (const cycle of findCycles(tasks)) errors.push({ kind: 'cycle', cycle });
  return errors;
}

export function formatGraphError(error: GraphError): string {
  switch (error.kind) {
    case 'duplicate-id':
      return `two tasks have the id "${error.taskId}"`;
    case 'unknown-dependency':
      return `task "${error.taskId}" depends on "${error.missing}", which is not a task in the plan`;
    case 'self-dependency':
      return `task "${error.taskId}" depends on itself`;
    case 'cycle':
      return `the plan has a cycle: ${[...error.cycle, error.cycle[0]].join(' → ')} (each task depends on the next)`;
  }
}

/**
 * Cycles by depth-first search over `dependsOn` (self-dependencies and unknown ids are reported
 * elsewhere and skipped here). Each cycle starts at its task that comes first in the plan, so the
 * same plan always gives the same message.
 */
function findCycles(tasks: readonly GraphTask[]): string[][] {
  const position = new Map(tasks.map((t, i) => [t.id, i] as const));
  const depsOf = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => d !== t.id && position.has(d))]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  for (const root of tasks) {
    if (state.has(root.id)) continue;
    // An explicit stack: a long chain of tasks must not exhaust the call stack.
    const path: string[] = [root.id];
    const next: number[] = [0];
    state.set(root.id, 'open');
    while (path.length > 0 && cycles.length < MAX_REPORTED_CYCLES) {
      const top = path.length - 1;
      const id = path[top] as string;
      const deps = depsOf.get(id) ?? [];
      const index = next[top] as number;
      if (index >= deps.length) {
        state.set(id, 'done');
        path.pop();
        next.pop();
        continue;
      }
      next[top] = index + 1;
      const dep = deps[index] as string;
      const seen = state.get(dep);
      if (seen === 'open') cycles.push(rotate(path.slice(path.indexOf(dep)), position));
      else if (seen === undefined) {
        state.set(dep, 'open');
        path.push(dep);
        next.push(0);
      }
    }
    if (cycles.length >= MAX_REPORTED_CYCLES) break;
  }
  return cycles;
}

function rotate(cycle: string[], position: Map<string, number>): string[] {
  let first = 0;
  cycle.forEach((id, i) => {
    if ((position.get(id) ?? 0) < (position.get(cycle[first] as string) ?? 0)) first = i;
  });
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}

/**
 * Tasks grouped by topological level: wave 0 has no dependencies, wave k holds the tasks whose deepest
 * dependency is in wave k-1. Within a wave tasks keep the plan's order. Expects a graph that passed
 * checkGraph; dependencies on unknown ids are ignored.
 */
export function computeWaves<T extends GraphTask>(tasks: readonly T[]): T[][] {
  const level = levels(tasks);
  const waves: T[][] = [];
  for (const task of tasks) {
    const k = level.get(task.id) ?? 0;
    while (waves.length <= k) waves.push([]);
    (waves[k] as T[]).push(task);
  }
  return waves;
}

/** Level of each task; tasks are visited in topological order (Kahn), so each level is final when read. */
function levels(tasks: readonly GraphTask[]): Map<string, number> {
  const order = topologicalOrder(tasks);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const level = new Map<string, number>();
  for (const id of order) {
    let k = 0;
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const depLevel = level.get(dep);
      if (depLevel !== undefined) k = Math.max(k, depLevel + 1);
    }
    level.set(id, k);
  }
  return level;
}

/** Ids with every task after its dependencies; tasks on a cycle are left out. */
export function topologicalOrder(tasks: readonly GraphTask[]): string[] {
  const known = new Set(tasks.map((t) => t.id));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks) {
    const deps = new Set(task.dependsOn.filter((d) => known.has(d)));
    waiting.set(task.id, deps.size);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(task.id);
      else dependents.set(dep, [task.id]);
    }
  }
  const order = tasks.filter((t) => waiting.get(t.id) === 0).map((t) => t.id);
  for (let i = 0; i < order.length; i++) {
    for (const next of dependents.get(order[i] as string) ?? []) {
      const left = (waiting.get(next) ?? 0) - 1;
      waiting.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  return order;
}

export interface CriticalPath {
  /** Sum of the estimates along the longest chain: the least wall time with unlimited agents. */
  minutes: number;
  /** That chain, first task first. */
  path: string[];
}

export function criticalPath<T extends GraphTask>(
  tasks: readonly T[],
  minutesOf: (task: T) => number,
): CriticalPath {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map<string, number>();
  const via = new Map<string, string>();
  let end: string | undefined;
  for (const id of topologicalOrder(tasks)) {
    const task = byId.get(id) as T;
    let start = 0;
    for (const dep of task.dependsOn) {
      const depFinish = finish.get(dep);
      if (depFinish !== undefined && depFinish > start) {
        start = depFinish;
        via.set(id, dep);
      }
    }
    finish.set(id, start + minutesOf(task));
    if (end === undefined || (finish.get(id) ?? 0) > (finish.get(end) ?? 0)) end = id;
  }
  const path: string[] = [];
  for (let id = end; id !== undefined; id = via.get(id)) path.push(id);
  path.reverse();
  return { minutes: end === undefined ? 0 : (finish.get(end) ?? 0), path };
}
