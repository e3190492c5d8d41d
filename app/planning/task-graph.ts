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
  const { deps, order } = indexGraph(tasks);
  // Visiting in topological order makes each dependency's level final before it is read.
  const level = new Array<number>(tasks.length).fill(0);
  for (const i of order) {
    for (const d of deps[i] as number[]) level[i] = Math.max(level[i] as number, (level[d] as number) + 1);
  }
  const waves: T[][] = [];
  tasks.forEach((task, i) => {
    const k = level[i] as number;
    while (waves.length <= k) waves.push([]);
    (waves[k] as T[]).push(task);
  });
  return waves;
}

/** Ids with every task after its dependencies; tasks on a cycle are left out. */
export function topologicalOrder(tasks: readonly GraphTask[]): string[] {
  return indexGraph(tasks).order.map((i) => (tasks[i] as GraphTask).id);
}

interface IndexedGraph {
  /** Per task (by position), the positions of its known dependencies, each once. */
  deps: number[][];
  /** Positions in topological order (Kahn's algorithm, plan order among the ready). */
  order: number[];
}

/** Positions instead of ids: waves and the critical path walk thousands of edges per plan. */
function indexGraph(tasks: readonly GraphTask[]): IndexedGraph {
  const position = new Map<string, number>();
  tasks.forEach((t, i) => {
    if (!position.has(t.id)) position.set(t.id, i);
  });
  const deps: number[][] = [];
  const dependents: number[][] = tasks.map(() => []);
  const waiting: number[] = [];
  // seenBy[d] === i marks d as already counted for task i: duplicates cost nothing to skip.
  const seenBy = new Array<number>(tasks.length).fill(-1);
  tasks.forEach((task, i) => {
    const mine: number[] = [];
    for (const id of task.dependsOn) {
      const d = position.get(id);
      if (d === undefined || seenBy[d] === i) continue;
      seenBy[d] = i;
      mine.push(d);
      (dependents[d] as number[]).push(i);
    }
    deps.push(mine);
    waiting.push(mine.length);
  });
  const order: number[] = [];
  waiting.forEach((count, i) => {
    if (count === 0) order.push(i);
  });
  for (let k = 0; k < order.length; k++) {
    for (const next of dependents[order[k] as number] as number[]) {
      waiting[next] = (waiting[next] as number) - 1;
      if (waiting[next] === 0) order.push(next);
    }
  }
  return { deps, order };
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
  const { deps, order } = indexGraph(tasks);
  const finish = new Array<number>(tasks.length).fill(0);
  const via = new Array<number>(tasks.length).fill(-1);
  let end = -1;
  for (const i of order) {
    let start = 0;
    for (const d of deps[i] as number[]) {
      if ((finish[d] as number) > start) {
        start = finish[d] as number;
        via[i] = d;
      }
    }
    finish[i] = start + minutesOf(tasks[i] as T);
    if (end < 0 || (finish[i] as number) > (finish[end] as number)) end = i;
  }
  const path: string[] = [];
  for (let i = end; i >= 0; i = via[i] as number) path.push((tasks[i] as T).id);
  path.reverse();
  return { minutes: end < 0 ? 0 : (finish[end] as number), path };
}
