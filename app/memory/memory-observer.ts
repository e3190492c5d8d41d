/**
 * What memory learns from runs without taking part in them (a RunObserver): every task and run that
 * ends is recorded as an outcome (the bandit's evidence), a finished run leaves a success or failure
 * memory the next plans recall, and every decision the control plane makes — run states, the plan,
 * each task's dispatch and end, the pull request — is appended to the audit trail's hash chain.
 *
 * Observers must return at once and never throw into a run's path: the writes are queued in order
 * and a failing write is logged, not raised.
 */
import type { RunChange, RunObserver } from '../observability/run-observer.js';
import type { Log } from '../core/logger.js';
import { FINAL_RUN_STATES, FINAL_TASK_STATES, type Run, type Task } from '../runs/run.js';
import type { AuditEventInput, MemoryStore, OutcomeInput } from './memory-store.js';
import type { MemoryService } from './memory-service.js';

export interface MemoryObserverOptions {
  store: MemoryStore;
  /** Without one, outcomes and the audit trail are still kept, but no run memories. */
  service?: MemoryService;
  log?: Log;
  now?: () => Date;
}

export interface MemoryObserver extends RunObserver {
  /** Resolves when every write queued so far is done (tests, shutdown). */
  idle(): Promise<void>;
}

const repoName = (run: Run): string => `${run.repo.owner}/${run.repo.repo}`;

/** A short failure class from a task's reason, for outcome statistics; null for a success. */
export function failureClass(task: Pick<Task, 'state' | 'reason'>): string | null {
  if (task.state === 'succeeded') return null;
  if (task.state === 'skipped') return 'skipped';
  const reason = (task.reason ?? '').toLowerCase();
  if (/timed? ?out|never reported|time limit/.test(reason)) return 'timeout';
  if (/conflict/.test(reason)) return 'conflict';
  if (/budget|dollar|token limit/.test(reason)) return 'budget';
  if (/gate|test|lint|typecheck/.test(reason)) return 'gate_failed';
  if (/model|api key|rate limit|provider|quota/.test(reason)) return 'model_error';
  if (/cancel/.test(reason)) return 'cancelled';
  return 'job_failed';
}

/** "openai/gpt-4o-mini" names a model; "claude" or "best of 2: …" name a backend only. */
function modelOf(backend: string | undefined): string | null {
  return backend && /^[\w.-]+\/[\w.:-]+$/.test(backend) ? backend : null;
}

function durationMs(from: string | undefined, to: string | undefined): number {
  if (!from || !to) return 0;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

function taskOutcome(run: Run, task: Task): OutcomeInput {
  return {
    repo: repoName(run),
    runId: run.id,
    taskId: task.id,
    scope: 'task',
    taskKind: task.role,
    success: task.state === 'succeeded',
    failureClass: failureClass(task),
    backend: task.backend ?? null,
    model: modelOf(task.backend),
    strategy: run.plan?.strategy ?? run.trigger.strategy ?? null,
    durationMs: durationMs(task.startedAt, task.finishedAt),
    tokens: task.tokens,
    costUsd: task.costUsd,
    ...(task.finishedAt ? { at: task.finishedAt } : {}),
  };
}

function runOutcome(run: Run): OutcomeInput {
  return {
    repo: repoName(run),
    runId: run.id,
    taskId: null,
    scope: 'run',
    taskKind: 'run',
    success: run.state === 'succeeded',
    failureClass: run.state === 'succeeded' ? null : run.state === 'cancelled' ? 'cancelled' : 'run_failed',
    backend: null,
    model: null,
    strategy: run.plan?.strategy ?? run.trigger.strategy ?? null,
    durationMs: durationMs(run.createdAt, run.finishedAt ?? run.updatedAt),
    tokens: run.tasks.reduce((sum, t) => sum + t.tokens, 0),
    costUsd: run.tasks.reduce((sum, t) => sum + t.costUsd, 0),
    ...(run.finishedAt ? { at: run.finishedAt } : {}),
  };
}

/** What the next plan on this repository should know about a finished run, in a few lines. */
export function runMemoryText(run: Run): string {
  const what = run.plan?.goal || run.trigger.title;
  const strategy = run.plan?.strategy ?? run.trigger.strategy;
  const head = `Run ${run.id} (#${run.issueNumber}) "${what}" ${run.state}${strategy ? ` with strategy ${strategy}` : ''}.`;
  const lines = run.tasks.map((t) => {
    const how = t.backend ? ` on ${t.backend}` : '';
    const why = t.state === 'succeeded' || !t.reason ? '' : `: ${t.reason}`;
    return `- ${t.id} (${t.role}) ${t.state}${how}${why}`;
  });
  const reason = run.state !== 'succeeded' && run.reason ? [`Reason: ${run.reason}`] : [];
  return [head, ...reason, ...lines].join('\n').slice(0, 4000);
}

/** The audit events one saved change stands for, in the order they happened. */
export function auditEventsOf(change: Pick<RunChange, 'before' | 'after'>): AuditEventInput[] {
  const { before, after } = change;
  const base = { repo: repoName(after), runId: after.id, actor: 'autodev' };
  const events: AuditEventInput[] = [];
  if (!before.plan && after.plan) {
    events.push({
      ...base,
      action: 'plan.made',
      detail: {
        requestedBy: after.trigger.actor,
        issue: after.issueNumber,
        tasks: after.tasks.map((t) => ({ id: t.id, role: t.role, dependsOn: t.dependsOn })),
        ...(after.plan.strategy ? { strategy: after.plan.strategy } : {}),
      },
    });
  }
  if (before.state !== after.state) {
    events.push({
      ...base,
      action: `run.${after.state}`,
      detail: { from: before.state, ...(after.reason ? { reason: after.reason } : {}) },
    });
  }
  for (const task of after.tasks) {
    const was = before.tasks.find((t) => t.id === task.id);
    // New tasks arrive queued with the plan, which plan.made already lists.
    if (was?.state === task.state || (!was && task.state === 'queued')) continue;
    events.push({
      ...base,
      actor: task.agent ? `agent:${task.agent}` : 'autodev',
      action: `task.${task.state}`,
      detail: {
        taskId: task.id,
        ...(was ? { from: was.state } : {}),
        ...(task.backend ? { backend: task.backend } : {}),
        ...(task.reason && task.state !== 'succeeded' ? { reason: task.reason } : {}),
        ...(task.state === 'succeeded' || task.state === 'failed'
          ? { tokens: task.tokens, costUsd: task.costUsd }
          : {}),
      },
    });
  }
  if (!before.pullRequest && after.pullRequest) {
    events.push({ ...base, action: 'pr.opened', detail: { ...after.pullRequest } });
  }
  return events;
}

export function memoryObserver(options: MemoryObserverOptions): MemoryObserver {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, work: () => Promise<unknown>) => {
    queue = queue.then(work).then(
      () => undefined,
      (error: unknown) => options.log?.warn({ err: String(error) }, `memory: could not record ${what}`),
    );
  };
  return {
    runChanged({ before, after }) {
      for (const event of auditEventsOf({ before, after })) {
        enqueue(`audit event ${event.action}`, () => options.store.appendAudit(event));
      }
      for (const task of after.tasks) {
        const was = before.tasks.find((t) => t.id === task.id);
        const ended = FINAL_TASK_STATES.includes(task.state) && task.state !== 'skipped';
        if (ended && was?.state !== task.state) {
          enqueue(`the outcome of task ${task.id}`, () =>
            options.store.recordOutcome(taskOutcome(after, task)),
          );
        }
      }
      if (FINAL_RUN_STATES.includes(after.state) && !FINAL_RUN_STATES.includes(before.state)) {
        enqueue(`the outcome of run ${after.id}`, () => options.store.recordOutcome(runOutcome(after)));
        const service = options.service;
        if (service && after.state !== 'cancelled') {
          enqueue(`what run ${after.id} taught`, () =>
            service.remember({
              repo: repoName(after),
              kind: after.state === 'succeeded' ? 'success' : 'failure',
              content: runMemoryText(after),
              metadata: { source: `run:${after.id}`, runId: after.id, issue: after.issueNumber },
            }),
          );
        }
      }
    },
    idle: () => queue,
  };
}
