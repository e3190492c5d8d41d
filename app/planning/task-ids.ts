/**
 * Stable task ids. An id ends up in branch names (`autodev/<run>/<task>`), check-run names and
 * `/retry <task>`, so it must be short, lowercase and shell-safe whatever the model wrote.
 */

export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_ID_LENGTH = 40;

/** "Set up the API (v2)!" → "set-up-the-api-v2"; text with no usable character becomes "task". */
export function slugifyTaskId(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const id = trimTo(slug, MAX_ID_LENGTH) || 'task';
  // The run's integration branch is autodev/<run>/integration, beside the task branches.
  return id === 'integration' ? 'integration-task' : id;
}

function trimTo(slug: string, max: number): string {
  return slug.slice(0, max).replace(/-+$/, '');
}

export interface IdNormalisation<T> {
  tasks: T[];
  /** Dependencies that name no task, by the (new) id of the task that has them. */
  unknown: { taskId: string; missing: string }[];
}

/**
 * Gives every task a valid, unique id (duplicates get `-2`, `-3` …) and rewrites `dependsOn` to the new
 * ids. A dependency is matched on the id exactly as written first, then on its slug, so "Task A" finds
 * "task-a". When two tasks shared an id, a dependency on it means the first of them: the plan's order
 * is the only tie-breaker the model gave us.
 */
export function normaliseTaskIds<T extends { id: string; dependsOn: string[] }>(
  tasks: readonly T[],
): IdNormalisation<T> {
  const taken = new Set<string>();
  const byOriginal = new Map<string, string>();
  const bySlug = new Map<string, string>();
  const ids = tasks.map((task) => {
    const id = uniqueId(slugifyTaskId(task.id), taken);
    if (!byOriginal.has(task.id)) byOriginal.set(task.id, id);
    const slug = slugifyTaskId(task.id);
    if (!bySlug.has(slug)) bySlug.set(slug, id);
    return id;
  });
  const unknown: IdNormalisation<T>['unknown'] = [];
  const normalised = tasks.map((task, i) => {
    const id = ids[i] as string;
    const deps: string[] = [];
    for (const dep of task.dependsOn) {
      const target = byOriginal.get(dep) ?? bySlug.get(slugifyTaskId(dep));
      if (target === undefined) unknown.push({ taskId: id, missing: dep });
      else if (!deps.includes(target)) deps.push(target);
    }
    return { ...task, id, dependsOn: deps };
  });
  return { tasks: normalised, unknown };
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) {
    const suffix = `-${n}`;
    id = `${trimTo(base, MAX_ID_LENGTH - suffix.length)}${suffix}`;
  }
  taken.add(id);
  return id;
}
