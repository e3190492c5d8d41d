/**
 * Pure decisions about failed and silent work: which failed tasks get another go (after a backoff,
 * possibly on another backend) and which waves have gone quiet for too long. Nothing here sleeps: a
 * retry records when it may start (`notBefore`), and whoever looks next (a workflow_run, `/status`, the
 * periodic sweep) dispatches it once that time has passed, so every decision survives a restart.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Run, Task } from '../runs/run.js';
import type { RunEvent } from '../runs/transitions.js';
import { latestWorkflowRunOf, skipEvents } from './wave-outcome.js';

export interface RecoveryPolicy {
  /** Automatic retries per task before it is reassigned or the run fails. */
  attempts: number;
  /** Wait before the first retry; doubles for each further one. */
  backoffSeconds: number;
  /** Agent backend a task is handed to once its retries are used up. */
  reassignTo?: string;
  /** A workflow run silent for this long has its tasks failed. */
  jobTimeoutMinutes: number;
}

export function recoveryPolicy(config: Pick<AutodevConfig, 'retries' | 'jobTimeoutMinutes'>): RecoveryPolicy {
  return {
    attempts: config.retries.attempts,
    backoffSeconds: config.retries.backoffSeconds,
    ...(config.retries.reassignTo ? { reassignTo: config.retries.reassignTo } : {}),
    jobTimeoutMinutes: config.jobTimeoutMinutes,
  };
}

/** The wait before retry number `retry` (1-based): 60 s, 120 s, 240 s … for a 60 s backoff. */
export function backoffMs(policy: RecoveryPolicy, retry: number): number {
  return policy.backoffSeconds * 1000 * 2 ** Math.max(0, retry - 1);
}

/** How the policy treats a failed task: another attempt (maybe elsewhere), or none left. */
export function nextAttempt(
  task: Task,
  policy: RecoveryPolicy,
): { retry: number; reassignTo?: string } | undefined {
  const used = task.retries ?? 0;
  if (used < policy.attempts) return { retry: used + 1 };
  // One more attempt on another backend, once: a task that fails there too has had its chances.
  if (policy.reassignTo && task.reassignedTo === undefined) {
    return { retry: used + 1, reassignTo: policy.reassignTo };
  }
  return undefined;
}

/** Requeues each failed task that has an attempt left, due after its backoff. */
export function retryEvents(run: Run, policy: RecoveryPolicy, now: Date): RunEvent[] {
  if (run.state !== 'running') return [];
  const events: RunEvent[] = [];
  for (const task of run.tasks) {
    if (task.state !== 'failed') continue;
    const attempt = nextAttempt(task, policy);
    if (!attempt) continue;
    const notBefore = new Date(now.getTime() + backoffMs(policy, attempt.retry)).toISOString();
    events.push({
      type: 'retry',
      taskId: task.id,
      automatic: true,
      notBefore,
      ...(attempt.reassignTo ? { reassignTo: attempt.reassignTo } : {}),
    });
  }
  return events;
}

/**
 * Fails the tasks of workflow runs that have not reported back within the job timeout, and marks those
 * workflow runs completed so a report arriving later is ignored (it no longer speaks for the task).
 */
export function timeoutEvents(run: Run, policy: RecoveryPolicy, now: Date): RunEvent[] {
  if (run.state !== 'running') return [];
  const limitMs = policy.jobTimeoutMinutes * 60_000;
  const at = now.toISOString();
  const events: RunEvent[] = [];
  const failed = new Set<string>();
  for (const wave of run.waves ?? []) {
    if (now.getTime() - Date.parse(wave.dispatchedAt) < limitMs) continue;
    for (const workflowRun of wave.workflowRuns) {
      if (workflowRun.completedAt) continue;
      for (const taskId of workflowRun.taskIds) {
        const task = run.tasks.find((t) => t.id === taskId);
        if (task?.state !== 'running' || latestWorkflowRunOf(run, taskId) !== workflowRun.id) continue;
        events.push({
          type: 'task-finished',
          taskId,
          state: 'failed',
          reason: `no report from the agent job within ${policy.jobTimeoutMinutes} minutes`,
          at,
        });
        failed.add(taskId);
      }
      events.push({ type: 'wave-completed', workflowRunId: workflowRun.id, at });
    }
  }
  if (failed.size > 0) events.push(...skipEvents(run.tasks, failed, at));
  return events;
}

/**
 * Cheap check before a sweep spends GitHub calls on a run (reading its config): could anything be due?
 * A run left integrating longer than `finishStaleMs` lost its finisher.
 */
export function needsSweep(run: Run, now: Date, finishStaleMs: number): boolean {
  if (run.state === 'integrating') return now.getTime() - Date.parse(run.updatedAt) >= finishStaleMs;
  if (run.state !== 'running') return false;
  const due = run.tasks.some(
    (t) => t.state === 'queued' && t.notBefore !== undefined && Date.parse(t.notBefore) <= now.getTime(),
  );
  // The job timeout is at least a minute (config schema), so younger waves cannot be overdue yet.
  const silent = (run.waves ?? []).some(
    (w) => !w.completedAt && now.getTime() - Date.parse(w.dispatchedAt) >= 60_000,
  );
  return due || silent;
}
