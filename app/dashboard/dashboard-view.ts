/**
 * What the dashboard shows, as JSON: the stored runs grouped by repository, each run summarised by the
 * observability module (tasks, durations, waves, spend) plus the links a person clicks through to (the
 * issue, the pull request, workflow runs and job logs) and the bottlenecks that concern it. A pure
 * function of (runs, now), so the API, the live feed and the tests all see the same thing.
 */
import {
  type Bottleneck,
  type BottleneckOptions,
  DEFAULT_BOTTLENECK_OPTIONS,
  findBottlenecks,
  type RunSummary,
  summariseRun,
} from '../observability/bottlenecks.js';
import type { Run } from '../runs/run.js';

export interface DashboardTask {
  /** The agent backend the task was handed to after its retries ran out. */
  reassignedTo?: string;
  links: { jobLog?: string; branch?: string; pullRequest?: string };
}

export interface DashboardWave {
  number: number;
  workflowRuns: { id: number; url?: string }[];
}

export interface DashboardRun extends RunSummary {
  /** Bumped on every save; the page uses it to tell what changed. */
  version: number;
  links: { issue: string; pullRequest?: string };
  /** Extra task fields by task id (the summary keeps only what `autodev status` prints). */
  taskDetails: Record<string, DashboardTask>;
  waveDetails: DashboardWave[];
  /** Bottlenecks naming this run, or a backend that failed one of its tasks. */
  bottlenecks: Bottleneck[];
}

export interface DashboardRepository {
  /** "owner/name". */
  repo: string;
  url: string;
  runs: DashboardRun[];
}

export interface DashboardSnapshot {
  generatedAt: string;
  repositories: DashboardRepository[];
  bottlenecks: Bottleneck[];
}

export interface DashboardViewOptions {
  now: Date;
  /** Where people open repositories in a browser: https://github.com, or the simulator's URL. */
  webUrl: string;
  bottlenecks?: BottleneckOptions;
}

export function dashboardView(runs: readonly Run[], options: DashboardViewOptions): DashboardSnapshot {
  const web = options.webUrl.replace(/\/+$/, '');
  const settings = options.bottlenecks ?? DEFAULT_BOTTLENECK_OPTIONS;
  const bottlenecks = findBottlenecks(runs, options.now, settings);
  const byRepo = new Map<string, DashboardRepository>();
  // Newest first within a repository; repositories in order of their newest run.
  const ordered = [...runs].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
  );
  for (const run of ordered) {
    const name = `${run.repo.owner}/${run.repo.repo}`;
    let entry = byRepo.get(name);
    if (!entry) {
      entry = { repo: name, url: `${web}/${name}`, runs: [] };
      byRepo.set(name, entry);
    }
    entry.runs.push(dashboardRun(run, options.now, web, settings, bottlenecks));
  }
  return { generatedAt: options.now.toISOString(), repositories: [...byRepo.values()], bottlenecks };
}

function dashboardRun(
  run: Run,
  now: Date,
  web: string,
  settings: BottleneckOptions,
  all: readonly Bottleneck[],
): DashboardRun {
  const summary = summariseRun(run, now, settings);
  const pullRequest = safeUrl(run.pullRequest?.url);
  return {
    ...summary,
    version: run.version,
    links: {
      issue: `${web}/${summary.repo}/issues/${run.issueNumber}`,
      ...(pullRequest ? { pullRequest } : {}),
    },
    taskDetails: Object.fromEntries(
      run.tasks.map((task): [string, DashboardTask] => [
        task.id,
        {
          ...(task.reassignedTo ? { reassignedTo: task.reassignedTo } : {}),
          links: safeLinks(task.links),
        },
      ]),
    ),
    waveDetails: (run.waves ?? []).map((wave) => ({
      number: wave.number,
      workflowRuns: wave.workflowRuns.map((w) => {
        const url = safeUrl(w.url);
        return { id: w.id, ...(url ? { url } : {}) };
      }),
    })),
    bottlenecks: all.filter((b) => concerns(b, run.id)),
  };
}

function concerns(bottleneck: Bottleneck, runId: string): boolean {
  if (bottleneck.kind === 'failing-backend')
    return bottleneck.tasks.some((ref) => ref.startsWith(`${runId}/`));
  return bottleneck.runId === runId;
}

function safeLinks(links: Run['tasks'][number]['links']): DashboardTask['links'] {
  const jobLog = safeUrl(links.jobLog);
  const pullRequest = safeUrl(links.pullRequest);
  return {
    ...(jobLog ? { jobLog } : {}),
    ...(links.branch ? { branch: links.branch } : {}),
    ...(pullRequest ? { pullRequest } : {}),
  };
}

/** Only http(s) links reach the page: a stored `javascript:` URL must never become a clickable href. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What makes two snapshots different to a viewer: a run saved again, or a bottleneck appearing or going
 * (an over-estimate appears with time alone). The clock itself is left out, so an idle dashboard sends
 * nothing.
 */
export function snapshotKey(snapshot: DashboardSnapshot): string {
  const runs = snapshot.repositories.flatMap((r) => r.runs.map((run) => `${run.id}@${run.version}`));
  const bottlenecks = snapshot.bottlenecks.map((b) =>
    b.kind === 'failing-backend'
      ? `${b.kind}:${b.backend}:${b.failures}`
      : `${b.kind}:${b.runId}/${b.taskId}`,
  );
  return `${runs.join(',')}|${bottlenecks.join(',')}`;
}
