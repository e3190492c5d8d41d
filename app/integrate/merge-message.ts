/**
 * The message of the merge commit that brings one task into the integration branch: a subject in the
 * same `type(task): title` shape as the tasks' own commits, the branch it came from, and the run
 * trailer that ties the commit to its run. Pure.
 */

/** Long subjects are cut by `git log --oneline` and GitHub's UI alike. */
const SUBJECT_CHARS = 100;

export function mergeMessage(
  runId: string,
  task: { taskId: string; title: string; branch: string },
  into: string,
): string {
  let subject = `merge(${task.taskId}): ${task.title.replace(/\s+/g, ' ').trim() || task.taskId}`;
  if (subject.length > SUBJECT_CHARS) subject = `${subject.slice(0, SUBJECT_CHARS - 1)}…`;
  return `${subject}\n\nMerges ${task.branch} into ${into}.\n\nautodev-run: ${runId}\n`;
}
