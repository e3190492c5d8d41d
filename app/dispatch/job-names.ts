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

/**
 * Best-of-N: each candidate of a task is a job of its own, `<task>.c<n>` (n from 1). Task ids hold only
 * lower-case letters, digits and dashes, so the dot cannot be part of one; the candidate's branch is
 * `autodev/<run>/<task>.c<n>` by the same naming as a task's.
 */
export function candidateJobId(taskId: string, candidate: number): string {
  return `${taskId}.c${candidate}`;
}

export interface JobId {
  taskId: string;
  /** 1-based; absent for a task run once. */
  candidate?: number;
}

export function parseJobId(jobId: string): JobId {
  const match = /^(.+)\.c([1-9]\d*)$/.exec(jobId);
  return match ? { taskId: match[1] as string, candidate: Number(match[2]) } : { taskId: jobId };
}

/** The matrix entries of a task: itself, or one per candidate. */
export function jobIdsOf(taskId: string, candidates = 1): string[] {
  if (candidates <= 1) return [taskId];
  return Array.from({ length: candidates }, (_, i) => candidateJobId(taskId, i + 1));
}
