/**
 * The order a wave's branches are merged in: every task after the tasks it depends on, otherwise the
 * order the tasks were given (the plan's). Stable, so the same wave always gives the same history and a
 * re-run of the integration meets its conflicts in the same places. Pure.
 */

export interface OrderedTask {
  taskId: string;
  dependsOn: readonly string[];
}

/**
 * Kahn's algorithm that always takes the earliest ready task. Dependencies outside the wave were merged
 * by an earlier wave and do not constrain the order. Quadratic in the wave's size, which is at most a
 * matrix (256 tasks): far below the cost of one git merge.
 */
export function mergeOrder<T extends OrderedTask>(tasks: readonly T[]): T[] {
  const inWave = new Set(tasks.map((task) => task.taskId));
  if (inWave.size !== tasks.length) {
    const seen = new Set<string>();
    const twice = tasks.find((task) => seen.size === seen.add(task.taskId).size);
    throw new Error(`The wave lists the task ${twice?.taskId ?? '?'} twice; each task is merged once.`);
  }
  const placed = new Set<string>();
  const ordered: T[] = [];
  let pending = [...tasks];
  while (pending.length > 0) {
    const next = pending.find((task) =>
      task.dependsOn.every((dep) => dep === task.taskId || !inWave.has(dep) || placed.has(dep)),
    );
    if (next === undefined) {
      const stuck = pending.map((task) => task.taskId).join(', ');
      throw new Error(
        `The tasks ${stuck} depend on each other in a cycle, so no merge order exists; fix their dependsOn in the plan.`,
      );
    }
    placed.add(next.taskId);
    ordered.push(next);
    pending = pending.filter((task) => task !== next);
  }
  return ordered;
}
