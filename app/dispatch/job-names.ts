/**
 * How a matrix job names its task. The agents workflow sets `name: autodev task ${{ matrix.task }}`,
 * so the jobs of a finished workflow run map back to tasks by name.
 */
export const TASK_JOB_PREFIX = 'autodev task ';

export function taskJobName(taskId: string): string {
  return `${TASK_JOB_PREFIX}${taskId}`;
}

export function taskIdOfJob(jobName: string): string | null {
  if (!jobName.startsWith(TASK_JOB_PREFIX)) return null;
  const id = jobName.slice(TASK_JOB_PREFIX.length).trim();
  return id.length > 0 ? id : null;
}
