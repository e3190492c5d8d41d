/** The run state machine: pure functions from (run, event, time) to the next run or a reason it cannot move. */
import { randomInt } from 'node:crypto';
import { type Plan, toPlanSummary } from '../planner/planner.js';
import {
  FINAL_RUN_STATES,
  RUN_STATES,
  type RepoRef,
  type Run,
  type RunState,
  type RunPullRequest,
  type RunTrigger,
  type Task,
  type TaskLinks,
  type Wave,
} from './run.js';

export type RunEvent =
  | { type: 'planned'; plan: Plan; requireApproval: boolean }
  | { type: 'replan'; feedback: string }
  | { type: 'approved'; by: string }
  /** The next wave was dispatched after integrating the previous one. */
  | { type: 'started' }
  | { type: 'integrating' }
  /** The run finished: with its pull request, and a note when something needs a person's eye. */
  | { type: 'succeeded'; note?: string; pullRequest?: RunPullRequest }
  | { type: 'failed'; reason: string }
  | { type: 'cancelled'; by: string }
  /**
   * `/retry <task>`, or (automatic) the recovery policy giving a failed task another go: that counts
   * against `retries.attempts`, may wait for a backoff (notBefore) and may hand it to another backend.
   */
  | { type: 'retry'; taskId: string; automatic?: boolean; notBefore?: string; reassignTo?: string }
  | { type: 'task-started'; taskId: string; agent: string; backend: string; at: string; links?: TaskLinks }
  | {
      type: 'task-finished';
      taskId: string;
      state: 'succeeded' | 'failed' | 'skipped';
      reason?: string;
      tokens?: number;
      costUsd?: number;
      links?: TaskLinks;
      at: string;
    }
  | { type: 'usage'; tokens: number; costUsd: number }
  /** A wave of tasks went out to GitHub Actions (their task-started events come with it). */
  | { type: 'wave-dispatched'; wave: Wave }
  | { type: 'wave-completed'; workflowRunId: number; at: string };

export type RunEventType = RunEvent['type'];

export type TransitionResult = { ok: true; run: Run } | { ok: false; error: string };

const ACTIVE: readonly RunState[] = ['planning', 'awaiting-approval', 'running', 'integrating'];

/** The states each event may be applied in; everything else is refused. */
export const RUN_EVENT_SOURCES: { readonly [K in RunEventType]: readonly RunState[] } = {
  planned: ['planning'],
  replan: ['awaiting-approval'],
  approved: ['awaiting-approval'],
  started: ['integrating'],
  integrating: ['running'],
  succeeded: ['integrating'],
  failed: ACTIVE,
  cancelled: ACTIVE,
  // A retry is the one way out of a final state: `/retry <task>` after a run failed.
  retry: ['running', 'integrating', 'failed'],
  'task-started': ['running', 'integrating'],
  'task-finished': ['running', 'integrating'],
  // Spending is recorded whenever it is reported, even after the run ended (e.g. a late review).
  usage: RUN_STATES,
  'wave-dispatched': ['running'],
  // A wave may report back after the run was cancelled or failed; its record is still worth keeping.
  'wave-completed': RUN_STATES,
};

const VERBS: { readonly [K in RunEventType]: string } = {
  planned: 'record a plan for',
  replan: 're-plan',
  approved: 'approve',
  started: 'start the next wave of',
  integrating: 'integrate',
  succeeded: 'complete',
  failed: 'fail',
  cancelled: 'cancel',
  retry: 'retry a task of',
  'task-started': 'start a task of',
  'task-finished': 'finish a task of',
  usage: 'record usage on',
  'wave-dispatched': 'dispatch a wave of',
  'wave-completed': 'complete a wave of',
};

const STATE_PHRASES: { readonly [K in RunState]: string } = {
  planning: 'is planning',
  'awaiting-approval': 'is awaiting approval',
  running: 'is running',
  integrating: 'is integrating',
  succeeded: 'has succeeded',
  failed: 'has failed',
  cancelled: 'was cancelled',
};

export function isFinalRunState(state: RunState): boolean {
  return FINAL_RUN_STATES.includes(state);
}

/** Whether `type` may be applied to a run in `state` (other preconditions may still refuse it). */
export function canApply(state: RunState, type: RunEventType): boolean {
  return RUN_EVENT_SOURCES[type].includes(state);
}

export function applyRunEvent(run: Run, event: RunEvent, at: Date): TransitionResult {
  const sources = RUN_EVENT_SOURCES[event.type] as readonly RunState[] | undefined;
  if (!sources) return { ok: false, error: `unknown run event "${String(event.type)}"` };
  if (!sources.includes(run.state)) {
    return { ok: false, error: `cannot ${VERBS[event.type]} a run that ${STATE_PHRASES[run.state]}` };
  }
  if (Number.isNaN(at.getTime())) return { ok: false, error: 'the event time is not a valid date' };
  // Handlers mutate a private copy, so the caller's run is never touched even when a handler refuses halfway.
  const next = structuredClone(run);
  const now = at.toISOString();
  const error = apply(next, event, now);
  if (error !== undefined) return { ok: false, error };
  next.updatedAt = now;
  return { ok: true, run: next };
}

function apply(run: Run, event: RunEvent, now: string): string | undefined {
  switch (event.type) {
    case 'planned':
      return applyPlan(run, event.plan, event.requireApproval);
    case 'replan':
      run.state = 'planning';
      run.reason = `Re-planning with feedback: ${event.feedback}`;
      delete run.plan;
      run.tasks = [];
      return undefined;
    case 'approved':
      run.state = 'running';
      run.reason = `Approved by @${event.by}`;
      return undefined;
    case 'started':
      run.state = 'running';
      delete run.reason;
      return undefined;
    case 'integrating':
      run.state = 'integrating';
      return undefined;
    case 'succeeded': {
      const unfinished = run.tasks.find((t) => t.state === 'queued' || t.state === 'running');
      if (unfinished) return `cannot complete the run: task "${unfinished.id}" is still ${unfinished.state}`;
      run.state = 'succeeded';
      if (event.note) run.reason = event.note;
      else delete run.reason;
      if (event.pullRequest) run.pullRequest = structuredClone(event.pullRequest);
      run.finishedAt = now;
      return undefined;
    }
    case 'failed':
      endRun(run, 'failed', event.reason, now);
      return undefined;
    case 'cancelled':
      endRun(run, 'cancelled', `Cancelled by @${event.by}`, now);
      return undefined;
    case 'retry':
      return retryTask(run, event);
    case 'task-started':
      return startTask(run, event);
    case 'task-finished':
      return finishTask(run, event);
    case 'usage':
      return addUsage(run, undefined, event.tokens, event.costUsd);
    case 'wave-dispatched':
      if (run.waves?.some((w) => w.number === event.wave.number)) {
        return `wave ${event.wave.number} was already dispatched`;
      }
      run.waves = [...(run.waves ?? []), structuredClone(event.wave)];
      return undefined;
    case 'wave-completed': {
      const wave = run.waves?.find((w) => w.workflowRuns.some((r) => r.id === event.workflowRunId));
      const workflowRun = wave?.workflowRuns.find((r) => r.id === event.workflowRunId);
      if (!wave || !workflowRun) return `run ${run.id} has no workflow run ${event.workflowRunId}`;
      if (workflowRun.completedAt) return `workflow run ${event.workflowRunId} was already recorded`;
      workflowRun.completedAt = event.at;
      if (wave.workflowRuns.every((r) => r.completedAt)) wave.completedAt = event.at;
      return undefined;
    }
  }
}

/**
 * What `transition` would make of `events` (refused ones skipped, as it does), without saving: lets a
 * caller decide follow-up events from the state the first ones lead to, then save all at once.
 */
export function applyRunEvents(run: Run, events: readonly RunEvent[], at: Date): Run {
  let current = run;
  for (const event of events) {
    const result = applyRunEvent(current, event, at);
    if (result.ok) current = result.run;
  }
  return current;
}

function applyPlan(run: Run, plan: Plan, requireApproval: boolean): string | undefined {
  if (plan.tasks.length === 0) return 'the plan has no tasks';
  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id)) return `the plan has two tasks with id "${task.id}"`;
    ids.add(task.id);
  }
  for (const task of plan.tasks) {
    const unknown = task.dependsOn.find((dep) => !ids.has(dep));
    if (unknown !== undefined) return `task "${task.id}" depends on "${unknown}", which is not in the plan`;
  }
  const usageError = addUsage(run, undefined, plan.tokens ?? 0, plan.costUsd ?? 0);
  if (usageError) return usageError;
  run.plan = toPlanSummary(plan);
  run.tasks = plan.tasks.map((t) => ({
    id: t.id,
    title: t.title,
    role: t.role,
    dependsOn: [...t.dependsOn],
    state: 'queued',
    links: {},
    tokens: 0,
    costUsd: 0,
  }));
  run.state = requireApproval ? 'awaiting-approval' : 'running';
  delete run.reason;
  return undefined;
}

/** Nothing may stay queued or running once a run has ended: work not begun is skipped, work under way failed. */
function endRun(run: Run, state: 'failed' | 'cancelled', reason: string, now: string): void {
  run.state = state;
  run.reason = reason;
  run.finishedAt = now;
  for (const task of run.tasks) {
    if (task.state === 'queued') task.state = 'skipped';
    else if (task.state === 'running') task.state = 'failed';
    else continue;
    task.reason = reason;
    task.finishedAt = now;
  }
}

function retryTask(run: Run, event: Extract<RunEvent, { type: 'retry' }>): string | undefined {
  const { taskId } = event;
  const target = findTask(run, taskId);
  if (typeof target === 'string') return target;
  if (target.state === 'succeeded') return `task "${taskId}" already succeeded`;
  if (target.state === 'queued') return `task "${taskId}" is already queued`;
  // Tasks downstream were skipped (or failed) because of this one; after a run ended, every skipped task
  // only lacked the chance to run. Either way, requeue them, or the retried run could never complete.
  const ended = isFinalRunState(run.state);
  const revive = dependentsOf(run.tasks, taskId);
  for (const task of run.tasks) {
    const requeue =
      task === target ||
      (revive.has(task.id) && task.state !== 'succeeded') ||
      (ended && task.state === 'skipped');
    if (requeue) requeueTask(task);
  }
  if (event.automatic) target.retries = (target.retries ?? 0) + 1;
  if (event.notBefore) target.notBefore = event.notBefore;
  if (event.reassignTo) target.reassignedTo = event.reassignTo;
  run.state = 'running';
  delete run.reason;
  delete run.finishedAt;
  return undefined;
}

function requeueTask(task: Task): void {
  task.state = 'queued';
  delete task.startedAt;
  delete task.finishedAt;
  delete task.reason;
  delete task.agent;
  delete task.backend;
  delete task.notBefore;
}

/** Ids of every task that depends on `taskId`, directly or through others. */
function dependentsOf(tasks: readonly Task[], taskId: string): Set<string> {
  const found = new Set<string>();
  let frontier = [taskId];
  while (frontier.length > 0) {
    const current = new Set(frontier);
    frontier = tasks
      .filter((t) => !found.has(t.id) && t.dependsOn.some((dep) => current.has(dep)))
      .map((t) => t.id);
    for (const id of frontier) found.add(id);
  }
  return found;
}

function startTask(run: Run, event: Extract<RunEvent, { type: 'task-started' }>): string | undefined {
  const task = findTask(run, event.taskId);
  if (typeof task === 'string') return task;
  if (task.state !== 'queued') return `cannot start task "${task.id}": it is ${task.state}, not queued`;
  for (const dep of task.dependsOn) {
    const state = run.tasks.find((t) => t.id === dep)?.state;
    if (state !== 'succeeded')
      return `cannot start task "${task.id}": it waits for "${dep}", which is ${state}`;
  }
  task.state = 'running';
  task.agent = event.agent;
  task.backend = event.backend;
  task.startedAt = event.at;
  if (event.links) task.links = { ...task.links, ...event.links };
  delete task.finishedAt;
  delete task.reason;
  delete task.notBefore;
  return undefined;
}

const FINISH_SOURCES: { readonly [K in 'succeeded' | 'failed' | 'skipped']: readonly Task['state'][] } = {
  succeeded: ['running'],
  failed: ['queued', 'running'],
  skipped: ['queued'],
};

function finishTask(run: Run, event: Extract<RunEvent, { type: 'task-finished' }>): string | undefined {
  const task = findTask(run, event.taskId);
  if (typeof task === 'string') return task;
  if (!FINISH_SOURCES[event.state].includes(task.state)) {
    return `task "${task.id}" cannot become ${event.state}: it is ${task.state}`;
  }
  const usageError = addUsage(run, task, event.tokens ?? 0, event.costUsd ?? 0);
  if (usageError) return usageError;
  task.state = event.state;
  task.finishedAt = event.at;
  if (event.reason !== undefined) task.reason = event.reason;
  else delete task.reason;
  if (event.links) task.links = { ...task.links, ...event.links };
  return undefined;
}

function findTask(run: Run, taskId: string): Task | string {
  const task = run.tasks.find((t) => t.id === taskId);
  if (task) return task;
  const known = run.tasks.map((t) => t.id).join(', ');
  return `run ${run.id} has no task "${taskId}"${known ? ` (its tasks: ${known})` : ''}`;
}

/** Adds spending to the run (and a task); refuses anything that would make a total go down or become NaN. */
function addUsage(run: Run, task: Task | undefined, tokens: number, costUsd: number): string | undefined {
  if (!Number.isSafeInteger(tokens) || tokens < 0) return `tokens must be a whole number ≥ 0, got ${tokens}`;
  if (!Number.isFinite(costUsd) || costUsd < 0) return `costUsd must be a number ≥ 0, got ${costUsd}`;
  run.tokens += tokens;
  run.costUsd += costUsd;
  if (task) {
    task.tokens += tokens;
    task.costUsd += costUsd;
  }
  return undefined;
}

export interface NewRunInit {
  /** Defaults to a fresh newRunId(). */
  id?: string;
  repo: RepoRef;
  issueNumber: number;
  deliveryId: string;
  trigger: RunTrigger;
  now: Date;
}

export function newRun(init: NewRunInit): Run {
  const now = init.now.toISOString();
  return {
    id: init.id ?? newRunId(),
    repo: { owner: init.repo.owner, repo: init.repo.repo },
    issueNumber: init.issueNumber,
    deliveryId: init.deliveryId,
    trigger: structuredClone(init.trigger),
    state: 'planning',
    tasks: [],
    tokens: 0,
    costUsd: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 10 random base-36 characters (~51 bits): short enough for branch names `autodev/<run>/<task>`. */
export function newRunId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
