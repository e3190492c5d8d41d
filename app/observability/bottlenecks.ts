/**
 * What a person watching many runs wants at a glance, computed from stored runs alone: each run's
 * tasks with their durations, agents and spend, and the bottlenecks — a task blocked for good behind a
 * failed dependency, a task far over its planner estimate, a backend whose recent tasks keep failing.
 * Pure functions of (runs, now); `autodev status` and the dashboard both render from them.
 */
import {
  FINAL_RUN_STATES,
  type Run,
  type RunState,
  type Task,
  TASK_STATES,
  type TaskState,
} from '../runs/run.js';

export interface TaskSummary {
  id: string;
  title: string;
  role: Task['role'];
  state: TaskState;
  dependsOn: string[];
  agent?: string;
  backend?: string;
  startedAt?: string;
  finishedAt?: string;
  /** From start to finish, or to `now` while it runs; absent before it started. */
  durationMs?: number;
  /** The planner's estimate, when the plan had one. */
  estimateMinutes?: number;
  /** Ran longer than the estimate allows (see BottleneckOptions). */
  overEstimate: boolean;
  /** Unfinished dependencies that failed or were skipped: the task cannot start without a /retry. */
  blockedBy: string[];
  retries: number;
  tokens: number;
  costUsd: number;
  reason?: string;
  jobLog?: string;
}

export interface WaveSummary {
  number: number;
  taskIds: string[];
  dispatchedAt: string;
  completedAt?: string;
  durationMs: number;
}

/** Spend and outcomes per agent backend within one run. */
export interface BackendSummary {
  backend: string;
  tasks: number;
  running: number;
  succeeded: number;
  failed: number;
  tokens: number;
  costUsd: number;
}

export interface RunSummary {
  id: string;
  /** "owner/name". */
  repo: string;
  issueNumber: number;
  title: string;
  state: RunState;
  final: boolean;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** From creation to finish, or to `now` while it is unfinished. */
  durationMs: number;
  tokens: number;
  costUsd: number;
  tasks: TaskSummary[];
  taskCounts: Record<TaskState, number>;
  waves: WaveSummary[];
  backends: BackendSummary[];
  pullRequest?: { number: number; url: string; draft: boolean };
}

export type Bottleneck =
  | {
      kind: 'blocked-task';
      runId: string;
      repo: string;
      taskId: string;
      blockedBy: string[];
      message: string;
    }
  | {
      kind: 'over-estimate';
      runId: string;
      repo: string;
      taskId: string;
      elapsedMs: number;
      estimateMs: number;
      message: string;
    }
  | {
      kind: 'failing-backend';
      backend: string;
      /** Failures in a row among the backend's most recently finished tasks. */
      failures: number;
      /** The failed tasks, newest first, as `runId/taskId`. */
      tasks: string[];
      lastReason?: string;
      message: string;
    };

export interface BottleneckOptions {
  /** A task is over its estimate once it ran this many times the estimate… (default 2) */
  overEstimateFactor: number;
  /** …and at least this much longer than it (default 5 minutes), so tiny estimates do not cry wolf. */
  overEstimateMinMs: number;
  /** Failures in a row that make a backend a bottleneck (default 3). */
  backendFailureStreak: number;
}

export const DEFAULT_BOTTLENECK_OPTIONS: BottleneckOptions = {
  overEstimateFactor: 2,
  overEstimateMinMs: 5 * 60_000,
  backendFailureStreak: 3,
};

const BLOCKING_STATES: readonly TaskState[] = ['failed', 'skipped'];

export function summariseRun(
  run: Run,
  now: Date,
  options: BottleneckOptions = DEFAULT_BOTTLENECK_OPTIONS,
): RunSummary {
  const byId = new Map(run.tasks.map((t) => [t.id, t]));
  const final = FINAL_RUN_STATES.includes(run.state);
  const tasks = run.tasks.map((task) => summariseTask(run, task, byId, now, final, options));
  const taskCounts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const task of tasks) taskCounts[task.state]++;
  return {
    id: run.id,
    repo: `${run.repo.owner}/${run.repo.repo}`,
    issueNumber: run.issueNumber,
    title: run.trigger.title,
    state: run.state,
    final,
    ...(run.reason ? { reason: run.reason } : {}),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    durationMs: span(run.createdAt, run.finishedAt, now),
    tokens: run.tokens,
    costUsd: run.costUsd,
    tasks,
    taskCounts,
    waves: (run.waves ?? []).map((wave) => ({
      number: wave.number,
      taskIds: wave.taskIds,
      dispatchedAt: wave.dispatchedAt,
      ...(wave.completedAt ? { completedAt: wave.completedAt } : {}),
      durationMs: span(wave.dispatchedAt, wave.completedAt, now),
    })),
    backends: backendsOf(tasks),
    ...(run.pullRequest
      ? {
          pullRequest: {
            number: run.pullRequest.number,
            url: run.pullRequest.url,
            draft: run.pullRequest.draft,
          },
        }
      : {}),
  };
}

function summariseTask(
  run: Run,
  task: Task,
  byId: Map<string, Task>,
  now: Date,
  runFinal: boolean,
  options: BottleneckOptions,
): TaskSummary {
  const estimateMinutes = run.plan?.briefs?.[task.id]?.estimateMinutes;
  // A run that ended stops its clock: a task left "running" in it is not running any more.
  const end = task.finishedAt ?? (runFinal ? run.finishedAt : undefined);
  const durationMs = task.startedAt ? span(task.startedAt, end, now) : undefined;
  const blockedBy =
    task.state === 'queued'
      ? task.dependsOn.filter((id) => BLOCKING_STATES.includes(byId.get(id)?.state ?? 'queued'))
      : [];
  return {
    id: task.id,
    title: task.title,
    role: task.role,
    state: task.state,
    dependsOn: task.dependsOn,
    ...(task.agent ? { agent: task.agent } : {}),
    ...(task.backend ? { backend: task.backend } : {}),
    ...(task.startedAt ? { startedAt: task.startedAt } : {}),
    ...(task.finishedAt ? { finishedAt: task.finishedAt } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(estimateMinutes !== undefined ? { estimateMinutes } : {}),
    overEstimate: isOverEstimate(durationMs, estimateMinutes, options),
    blockedBy,
    retries: task.retries ?? 0,
    tokens: task.tokens,
    costUsd: task.costUsd,
    ...(task.reason ? { reason: task.reason } : {}),
    ...(task.links.jobLog ? { jobLog: task.links.jobLog } : {}),
  };
}

function isOverEstimate(
  durationMs: number | undefined,
  estimateMinutes: number | undefined,
  options: BottleneckOptions,
): boolean {
  if (durationMs === undefined || !estimateMinutes || estimateMinutes <= 0) return false;
  const estimateMs = estimateMinutes * 60_000;
  return (
    durationMs >= estimateMs * options.overEstimateFactor &&
    durationMs - estimateMs >= options.overEstimateMinMs
  );
}

function backendsOf(tasks: TaskSummary[]): BackendSummary[] {
  const byBackend = new Map<string, BackendSummary>();
  for (const task of tasks) {
    if (!task.backend) continue;
    let entry = byBackend.get(task.backend);
    if (!entry) {
      entry = { backend: task.backend, tasks: 0, running: 0, succeeded: 0, failed: 0, tokens: 0, costUsd: 0 };
      byBackend.set(task.backend, entry);
    }
    entry.tasks++;
    if (task.state === 'running') entry.running++;
    if (task.state === 'succeeded') entry.succeeded++;
    if (task.state === 'failed') entry.failed++;
    entry.tokens += task.tokens;
    entry.costUsd += task.costUsd;
  }
  return [...byBackend.values()].sort((a, b) => a.backend.localeCompare(b.backend));
}

/**
 * Bottlenecks across runs: blocked and over-estimate tasks of unfinished runs (finished runs are
 * history, not something to act on), and backends whose latest finished tasks all failed, over every
 * run given. Ordered: failing backends first (they hold up many runs), then by run.
 */
export function findBottlenecks(
  runs: readonly Run[],
  now: Date,
  options: BottleneckOptions = DEFAULT_BOTTLENECK_OPTIONS,
): Bottleneck[] {
  const found: Bottleneck[] = failingBackends(runs, options);
  for (const run of runs) {
    if (FINAL_RUN_STATES.includes(run.state)) continue;
    const summary = summariseRun(run, now, options);
    for (const task of summary.tasks) {
      if (task.blockedBy.length > 0) {
        found.push({
          kind: 'blocked-task',
          runId: run.id,
          repo: summary.repo,
          taskId: task.id,
          blockedBy: task.blockedBy,
          message:
            `task ${task.id} of run ${run.id} cannot start: ${task.blockedBy.join(', ')} did not succeed ` +
            `(comment "/retry ${task.blockedBy[0]}" on #${run.issueNumber} to try again)`,
        });
      }
      if (task.overEstimate && task.state === 'running' && task.durationMs !== undefined) {
        const estimateMs = (task.estimateMinutes ?? 0) * 60_000;
        found.push({
          kind: 'over-estimate',
          runId: run.id,
          repo: summary.repo,
          taskId: task.id,
          elapsedMs: task.durationMs,
          estimateMs,
          message:
            `task ${task.id} of run ${run.id} has run ${formatDuration(task.durationMs)}, ` +
            `estimated ${formatDuration(estimateMs)}${task.jobLog ? ` (log: ${task.jobLog})` : ''}`,
        });
      }
    }
  }
  return found;
}

function failingBackends(runs: readonly Run[], options: BottleneckOptions): Bottleneck[] {
  const finished = new Map<string, { at: string; ref: string; failed: boolean; reason?: string }[]>();
  for (const run of runs) {
    for (const task of run.tasks) {
      if (!task.backend || !task.finishedAt) continue;
      if (task.state !== 'succeeded' && task.state !== 'failed') continue;
      const list = finished.get(task.backend) ?? [];
      list.push({
        at: task.finishedAt,
        ref: `${run.id}/${task.id}`,
        failed: task.state === 'failed',
        ...(task.reason ? { reason: task.reason } : {}),
      });
      finished.set(task.backend, list);
    }
  }
  const found: Bottleneck[] = [];
  for (const [backend, list] of [...finished.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => b.at.localeCompare(a.at));
    const streak: typeof list = [];
    for (const entry of list) {
      if (!entry.failed) break;
      streak.push(entry);
    }
    if (streak.length < options.backendFailureStreak) continue;
    const lastReason = streak[0]?.reason;
    found.push({
      kind: 'failing-backend',
      backend,
      failures: streak.length,
      tasks: streak.map((e) => e.ref),
      ...(lastReason ? { lastReason } : {}),
      message:
        `backend ${backend} failed its last ${streak.length} tasks` +
        (lastReason ? `; latest: ${lastReason}` : '') +
        ' (check its credentials and limits, or set retries.reassignTo to another backend)',
    });
  }
  return found;
}

/** `from` to `to`, or to `now` when there is no end yet; never negative. */
function span(from: string, to: string | undefined, now: Date): number {
  const end = to ? Date.parse(to) : now.getTime();
  return Math.max(0, end - Date.parse(from));
}

/** "45s", "12m 05s", "1h 05m": short enough for a table cell. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
