/**
 * Pure decisions after a wave's workflow run completes: what each task's job says about it, which
 * queued tasks can no longer run, and what the run should do next.
 */
import type { Run, Task } from '../runs/run.js';
import type { RunEvent } from '../runs/transitions.js';
import type { WorkflowJob } from '../scm/scm.js';
import { parseJobId, taskIdOfJob } from './job-names.js';

/** Queued tasks whose dependencies have all succeeded and whose retry backoff (if any) is over at `now`. */
export function readyTasks(run: Run, now: Date = new Date()): Task[] {
  const succeeded = new Set(run.tasks.filter((t) => t.state === 'succeeded').map((t) => t.id));
  return run.tasks.filter(
    (t) => t.state === 'queued' && t.dependsOn.every((d) => succeeded.has(d)) && isDue(t, now),
  );
}

function isDue(task: Task, now: Date): boolean {
  return task.notBefore === undefined || Date.parse(task.notBefore) <= now.getTime();
}

/** The workflow run that last carried `taskId`: only its report speaks for the task's current attempt. */
export function latestWorkflowRunOf(run: Run, taskId: string): number | undefined {
  let latest: number | undefined;
  for (const wave of run.waves ?? []) {
    for (const workflowRun of wave.workflowRuns)
      if (workflowRun.taskIds.includes(taskId)) latest = workflowRun.id;
  }
  return latest;
}

export function waveOutcomeEvents(
  run: Run,
  workflowRunId: number,
  jobs: WorkflowJob[],
  at: string,
): RunEvent[] {
  const workflowRun = run.waves?.flatMap((w) => w.workflowRuns).find((r) => r.id === workflowRunId);
  // Already recorded (a redelivery), or timed out by the sweep: a late report must not speak for a retry.
  if (!workflowRun || workflowRun.completedAt) return [];
  // A best-of-N task has one job per candidate (`<task>.c<n>`): it succeeded when any of them did.
  const jobsOf = new Map<string, WorkflowJob[]>();
  for (const job of jobs) {
    const id = taskIdOfJob(job.name);
    if (id === null) continue;
    const { taskId } = parseJobId(id);
    jobsOf.set(taskId, [...(jobsOf.get(taskId) ?? []), job]);
  }
  const events: RunEvent[] = [];
  const failed = new Set(run.tasks.filter((t) => t.state === 'failed').map((t) => t.id));
  for (const taskId of workflowRun.taskIds) {
    const task = run.tasks.find((t) => t.id === taskId);
    if (!task || task.state !== 'running' || latestWorkflowRunOf(run, taskId) !== workflowRunId) continue;
    const taskJobs = jobsOf.get(taskId) ?? [];
    const succeeded = taskJobs.find((j) => j.conclusion === 'success');
    if (succeeded) {
      events.push({
        type: 'task-finished',
        taskId,
        state: 'succeeded',
        at,
        links: { jobLog: succeeded.url },
      });
      continue;
    }
    const job = taskJobs[0];
    const reason =
      taskJobs.length > 1
        ? `none of its ${taskJobs.length} candidates' jobs succeeded (${taskJobs.map((j) => j.conclusion ?? 'no conclusion').join(', ')})`
        : job
          ? `its job ended ${job.conclusion ?? 'without a conclusion'}`
          : 'the workflow run ended without a job for this task';
    events.push({
      type: 'task-finished',
      taskId,
      state: 'failed',
      reason,
      at,
      ...(job?.url ? { links: { jobLog: job.url } } : {}),
    });
    failed.add(taskId);
  }
  events.push(...skipEvents(run.tasks, failed, at));
  events.push({ type: 'wave-completed', workflowRunId, at });
  return events;
}

/**
 * Skips the queued tasks that wait, directly or not, on a failed one; without this a run whose failed
 * task gets no retry would wait forever. A retry of the failed task requeues them.
 */
export function skipEvents(tasks: Task[], failed: Set<string>, at: string): RunEvent[] {
  return blockedBy(tasks, failed).map((task) => ({
    type: 'task-finished',
    taskId: task.id,
    state: 'skipped',
    reason: `waits for failed task ${task.dependsOn.find((d) => failed.has(d)) ?? [...failed][0]}`,
    at,
  }));
}

/** Queued tasks that depend, directly or not, on a failed one. */
function blockedBy(tasks: Task[], failed: Set<string>): Task[] {
  const blocked = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of tasks) {
      if (t.state !== 'queued' || blocked.has(t.id)) continue;
      if (t.dependsOn.some((d) => failed.has(d) || blocked.has(d))) {
        blocked.add(t.id);
        grew = true;
      }
    }
  }
  return tasks.filter((t) => blocked.has(t.id));
}

export type NextStep =
  { kind: 'wait' } | { kind: 'dispatch' } | { kind: 'succeed' } | { kind: 'fail'; reason: string };

export function nextStep(run: Run, now: Date = new Date()): NextStep {
  if (run.state !== 'running') return { kind: 'wait' };
  if (readyTasks(run, now).length > 0) return { kind: 'dispatch' };
  if (run.tasks.some((t) => t.state === 'running' || t.state === 'queued')) return { kind: 'wait' };
  const failed = run.tasks.filter((t) => t.state === 'failed');
  if (failed.length === 0) return { kind: 'succeed' };
  const skipped = run.tasks.filter((t) => t.state === 'skipped').length;
  const list = failed.map((t) => `${t.id} (${t.reason ?? 'failed'})${triedText(t)}`).join(', ');
  const tail = skipped > 0 ? `; ${skipped} dependent task${skipped === 1 ? ' was' : 's were'} skipped` : '';
  const retry = failed[0] ? ` Reply \`/retry ${failed[0].id}\` to run it again.` : '';
  return {
    kind: 'fail',
    reason: `${failed.length} task${failed.length === 1 ? '' : 's'} failed: ${list}${tail}.${retry}`,
  };
}

/** After automatic retries the reason says how hard autodev tried, and on what. */
function triedText(task: Task): string {
  if (!task.retries) return '';
  const on = task.reassignedTo ? `, the last on ${task.reassignedTo}` : '';
  return ` after ${task.retries + 1} attempts${on}`;
}
