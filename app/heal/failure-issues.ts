/**
 * Failure issues: when a workflow fails on the default branch, autodev reads the logs of its failed
 * jobs, classifies the failure (analyse-failure.ts) and keeps one issue per failure signature. A new
 * signature opens an issue (labelled with `onFailure.label` and the class); the same signature again
 * comments on its issue instead; when the workflow passes again on the branch, its open failure issues
 * get a recovery note and are closed. A closed issue whose failure comes back is reopened rather than
 * duplicated, so one signature keeps one issue and its history. With `onFailure.autoFix`, a new (or
 * returning) failure starts an auto-fix on its issue.
 *
 * Decisions:
 * - Only runs of the repository's own commits on the default branch count: a pull request from a fork
 *   whose branch is also called `main` is not the default branch.
 * - autodev's own workflows (`autodev*.yml` and the configured agents workflow) never open issues.
 * - Recovery closes: the evidence is a green run of the same workflow on the same branch, newer than
 *   the failure. A flaky failure thus reopens the same issue rather than piling up new ones.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { CompletedWorkflowRun } from '../core/detect-trigger.js';
import type { Log } from '../core/logger.js';
import type { RepoRef } from '../runs/run.js';
import { type CiScm, type IssueSummary, type Scm, ScmError } from '../scm/scm.js';
import { analyseFailure } from './analyse-failure.js';
import type { JobLog } from './failure-analysis.js';
import {
  type FailedRunFacts,
  type FailureMarker,
  failureIssueBody,
  failureIssueTitle,
  parseMarker,
  recoveryComment,
  recurrenceComment,
  renderMarker,
  withMarker,
} from './failure-issue-text.js';

/** Logs of at most this many failed jobs are read per run (a matrix can fail everywhere at once). */
export const MAX_JOB_LOGS = 5;
const FAILED = new Set(['failure', 'timed_out']);
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review']);

export interface WorkflowRunEvent {
  repo: RepoRef;
  workflowRunId: number;
  workflowPath: string;
  conclusion: string;
  run: CompletedWorkflowRun;
}

export interface FailureIssueContext {
  scm: Scm & CiScm;
  config: AutodevConfig;
  log: Log;
  /** Starts an auto-fix for a failure issue (onFailure.autoFix); absent: never on its own. */
  startAutoFix?: (issueNumber: number, marker: FailureMarker) => Promise<void>;
}

export type FailureIssueOutcome =
  | { kind: 'ignored'; reason: string }
  | { kind: 'opened' | 'commented' | 'reopened'; issueNumber: number; signature: string }
  | { kind: 'already-recorded'; issueNumber: number }
  | { kind: 'recovered'; issueNumbers: number[] };

/** True for autodev's own workflows, whose failures are reported on their runs, not as issues. */
export function isAutodevWorkflow(path: string, config: Pick<AutodevConfig, 'dispatch'>): boolean {
  const file = path.split('/').pop() ?? path;
  return file === config.dispatch.workflow || /^autodev[-.]/.test(file);
}

/** Why this run is not a run of the default branch, or null when it is. */
export function notOnDefaultBranch(event: WorkflowRunEvent, defaultBranch: string): string | null {
  const { run } = event;
  if (run.headBranch !== defaultBranch)
    return `ran on ${run.headBranch || 'no branch'}, not ${defaultBranch}`;
  if (PULL_REQUEST_EVENTS.has(run.event))
    return `started by ${run.event}, not by a change of ${defaultBranch}`;
  const own = `${event.repo.owner}/${event.repo.repo}`.toLowerCase();
  if (run.headRepo !== null && run.headRepo.toLowerCase() !== own) return `its commit is in ${run.headRepo}`;
  return null;
}

export async function handleWorkflowRun(
  ctx: FailureIssueContext,
  event: WorkflowRunEvent,
): Promise<FailureIssueOutcome> {
  const { scm, config } = ctx;
  if (!config.onFailure.openIssue) return ignored('onFailure.openIssue is off');
  if (isAutodevWorkflow(event.workflowPath, config)) return ignored('one of autodev’s own workflows');
  const failed = FAILED.has(event.conclusion);
  if (!failed && event.conclusion !== 'success') return ignored(`concluded ${event.conclusion}`);
  const defaultBranch = event.run.defaultBranch ?? (await scm.defaultBranch(event.repo));
  const off = notOnDefaultBranch(event, defaultBranch);
  if (off) return ignored(off);

  const facts: FailedRunFacts = {
    repo: event.repo,
    workflowName: event.run.name || event.workflowPath,
    workflowPath: event.workflowPath,
    runId: event.workflowRunId,
    runAttempt: event.run.runAttempt,
    runUrl: event.run.url,
    branch: event.run.headBranch,
    headSha: event.run.headSha,
    repoUrl: event.run.repoUrl,
  };
  return failed ? recordFailure(ctx, facts) : recordRecovery(ctx, facts);
}

async function recordFailure(ctx: FailureIssueContext, run: FailedRunFacts): Promise<FailureIssueOutcome> {
  const logs = await failedJobLogs(ctx, run);
  if (logs.length === 0) return ignored('no failed job with a readable log');
  const analysis = analyseFailure(logs);
  const { scm, config } = ctx;
  const label = config.onFailure.label;
  const issues = await scm.listIssuesByLabel(run.repo, label, 'all');
  const existing = findIssueOf(issues, analysis.signature);

  if (!existing) {
    const marker: FailureMarker = {
      signature: analysis.signature,
      workflow: run.workflowPath,
      run: run.runId,
      attempt: run.runAttempt,
      count: 1,
    };
    // Appended, never substituted: the marker autodev wrote is always the body's last one.
    const text = failureIssueBody(analysis, run, { autoFixOnItsOwn: shouldAutoFix(ctx) });
    const body = `${text}\n\n${renderMarker(marker)}\n`;
    const created = await scm.createIssue(run.repo, {
      title: failureIssueTitle(analysis, run.workflowName),
      body,
      labels: [label, analysis.class],
    });
    ctx.log.info({ issue: created.number, signature: analysis.signature }, 'opened a failure issue');
    await autoFix(ctx, created.number, marker);
    return { kind: 'opened', issueNumber: created.number, signature: analysis.signature };
  }

  const { issue, marker } = existing;
  // The same delivery twice, or a re-run reported again: the issue already counts this run.
  if (marker.run === run.runId && marker.attempt === run.runAttempt) {
    return { kind: 'already-recorded', issueNumber: issue.number };
  }
  const next: FailureMarker = { ...marker, run: run.runId, attempt: run.runAttempt, count: marker.count + 1 };
  const reopened = issue.state === 'closed';
  await scm.updateIssue(run.repo, issue.number, {
    body: withMarker(issue.body, next),
    ...(reopened ? { state: 'open' as const, stateReason: 'reopened' as const } : {}),
  });
  await scm.createComment(run.repo, issue.number, recurrenceComment(run, next.count, reopened));
  if (reopened) await autoFix(ctx, issue.number, next);
  return {
    kind: reopened ? 'reopened' : 'commented',
    issueNumber: issue.number,
    signature: analysis.signature,
  };
}

async function recordRecovery(ctx: FailureIssueContext, run: FailedRunFacts): Promise<FailureIssueOutcome> {
  const { scm, config } = ctx;
  const open = await scm.listIssuesByLabel(run.repo, config.onFailure.label, 'open');
  const recovered: number[] = [];
  for (const issue of open) {
    const marker = parseMarker(issue.body);
    // Run ids grow; an older success delivered late says nothing about a newer failure.
    if (!marker || marker.workflow !== run.workflowPath || marker.run > run.runId) continue;
    if (marker.run === run.runId && marker.attempt >= run.runAttempt) continue;
    await scm.createComment(run.repo, issue.number, recoveryComment(run));
    await scm.updateIssue(run.repo, issue.number, { state: 'closed', stateReason: 'completed' });
    recovered.push(issue.number);
  }
  if (recovered.length === 0) return ignored('passed; no open failure issue of this workflow');
  ctx.log.info({ issues: recovered }, 'failure issues recovered');
  return { kind: 'recovered', issueNumbers: recovered };
}

/** The logs of the run's failed jobs; a log that cannot be read (expired, removed) is skipped. */
async function failedJobLogs(ctx: FailureIssueContext, run: FailedRunFacts): Promise<JobLog[]> {
  const jobs = await ctx.scm.listWorkflowJobs(run.repo, run.runId);
  const failed = jobs.filter((job) => job.conclusion !== null && FAILED.has(job.conclusion));
  const logs: JobLog[] = [];
  for (const job of failed.slice(0, MAX_JOB_LOGS)) {
    if (job.id === undefined) continue;
    try {
      const log = await ctx.scm.downloadJobLog(run.repo, job.id);
      logs.push({ jobName: job.name, log, jobId: job.id, ...(job.url ? { url: job.url } : {}) });
    } catch (error) {
      if (!(error instanceof ScmError && (error.kind === 'not-found' || error.kind === 'forbidden')))
        throw error;
      ctx.log.warn({ job: job.id, err: error.message }, 'could not read a job log');
    }
  }
  return logs;
}

/** The issue of a signature: an open one first, else the most recent closed one. */
function findIssueOf(
  issues: IssueSummary[],
  signature: string,
): { issue: IssueSummary; marker: FailureMarker } | null {
  let closed: { issue: IssueSummary; marker: FailureMarker } | null = null;
  for (const issue of issues) {
    const marker = parseMarker(issue.body);
    if (marker?.signature !== signature) continue;
    if (issue.state === 'open') return { issue, marker };
    closed ??= { issue, marker };
  }
  return closed;
}

function shouldAutoFix(ctx: FailureIssueContext): boolean {
  return ctx.config.onFailure.autoFix && ctx.startAutoFix !== undefined;
}

async function autoFix(ctx: FailureIssueContext, issueNumber: number, marker: FailureMarker): Promise<void> {
  if (!shouldAutoFix(ctx)) return;
  await ctx.startAutoFix?.(issueNumber, marker);
}

function ignored(reason: string): FailureIssueOutcome {
  return { kind: 'ignored', reason };
}
