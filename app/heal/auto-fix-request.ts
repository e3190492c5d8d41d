/**
 * `/auto-fix` on the control plane: find the failed CI run to fix, post the progress comment, and
 * dispatch the auto-fix workflow (which does the fixing on a runner); when that workflow run completes,
 * finish the progress comment from the report the action left on the state branch.
 *
 * - On a pull request: the latest failed run of its head commit. The fix is pushed to the PR's branch
 *   when it lives in this repository; for a fork, the workflow opens a fix pull request instead — the
 *   workflow runs from the default branch, so the control plane never runs the fork's code, and no
 *   token is used to write to the fork.
 * - On a failure issue (failure-issues.ts): the run recorded in the issue's marker; the fix comes as a
 *   pull request against the default branch, never a push to it.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import type { RepoRef } from '../runs/run.js';
import { type CiScm, type Scm, ScmError, type WorkflowRunSummary } from '../scm/scm.js';
import { type AutoFixProgress, renderAutoFixComment } from './auto-fix-comment.js';
import {
  AUTO_FIX_WORKFLOW,
  type AutoFixRequest,
  readAutoFixReport,
  readAutoFixRequest,
  saveAutoFixRequest,
} from './auto-fix-state.js';
import { isAutodevWorkflow } from './failure-issues.js';
import { parseMarker } from './failure-issue-text.js';

export interface AutoFixContext {
  scm: Scm & CiScm;
  config: AutodevConfig;
  log: Log;
  now: () => Date;
}

export interface AutoFixAsk {
  repo: RepoRef;
  issueNumber: number;
  isPullRequest: boolean;
  /** The issue's body (a failure issue's marker names the run). */
  issueBody: string;
  actor: string;
  /** From `/auto-fix attempts=N`; else the config's autoFix.attempts. */
  attempts?: number;
}

const FAILED = new Set(['failure', 'timed_out']);

/**
 * The workflow_dispatch inputs of the auto-fix workflow (.github/workflows/autodev-auto-fix.yml): the
 * pull request, or for a failure issue the branch to fix (the fix then comes as a pull request); the
 * failed run; the attempt cap; the issue or pull request whose progress comment reports the run. The
 * workflow tells a fork by itself and then opens a fix pull request instead of pushing.
 */
export function autoFixInputs(
  request: Pick<AutoFixRequest, 'on' | 'issueNumber' | 'branch' | 'failedRun' | 'attempts'>,
): Record<string, string> {
  return {
    ...(request.on === 'pull-request'
      ? { pull_request: String(request.issueNumber) }
      : { branch: request.branch }),
    run_id: String(request.failedRun.id),
    attempts: String(request.attempts),
    issue: String(request.issueNumber),
  };
}

/** Handles `/auto-fix` on a pull request or a failure issue. */
export async function requestAutoFix(ctx: AutoFixContext, ask: AutoFixAsk): Promise<void> {
  const { scm } = ctx;
  const reply = (body: string) => scm.createComment(ask.repo, ask.issueNumber, body);
  const attempts = ask.attempts ?? ctx.config.autoFix.attempts;

  if (!ask.isPullRequest) {
    const marker = parseMarker(ask.issueBody);
    if (!marker) {
      await reply(
        '`/auto-fix` fixes failing CI: comment it on a pull request whose checks failed, or on an issue ' +
          'autodev opened for a failure on the default branch. This issue is neither.',
      );
      return;
    }
    const run = await scm.getWorkflowRun(ask.repo, marker.run);
    await dispatchAutoFix(ctx, ask, run, attempts, {
      on: 'failure-issue',
      deliver: 'pull-request',
      branch: run.headBranch,
      deliverReason: 'autodev never pushes to the default branch',
    });
    return;
  }

  const pr = await scm.getPullRequest(ask.repo, ask.issueNumber);
  if (pr.state === 'closed') {
    await reply(
      `Pull request #${pr.number} is closed, so \`/auto-fix\` has nothing to fix. Reopen it first.`,
    );
    return;
  }
  const runs = (await scm.listWorkflowRuns(ask.repo, { headSha: pr.headSha })).filter(
    (run) => !isAutodevWorkflow(run.path, ctx.config),
  );
  const failed = runs.find(
    (run) => run.status === 'completed' && run.conclusion !== null && FAILED.has(run.conclusion),
  );
  const sha = `\`${pr.headSha.slice(0, 7)}\``;
  if (!failed) {
    const running = runs.filter((run) => run.status !== 'completed');
    if (running.length > 0) {
      const names = running.map((run) => `\`${run.name || run.path}\``).join(', ');
      await reply(
        `CI is still running on ${sha} (${names}) and nothing has failed yet. Ask again with \`/auto-fix\` once a check has failed.`,
      );
    } else if (runs.length === 0) {
      await reply(
        `No CI workflow has run on ${sha}, the head of this pull request, so there is no failure to fix.`,
      );
    } else {
      await reply(
        `Every CI workflow run on ${sha} passed (${runs.length} run${runs.length === 1 ? '' : 's'}); there is nothing to fix.`,
      );
    }
    return;
  }
  const own = `${ask.repo.owner}/${ask.repo.repo}`.toLowerCase();
  const fork = pr.headRepo === null || pr.headRepo.toLowerCase() !== own;
  await dispatchAutoFix(ctx, ask, failed, attempts, {
    on: 'pull-request',
    deliver: fork ? 'pull-request' : 'push',
    branch: fork ? pr.baseRef : pr.headRef,
    ...(fork
      ? {
          deliverReason: `this pull request comes from ${pr.headRepo ?? 'a deleted fork'}, which autodev does not push to`,
        }
      : {}),
  });
}

/** Starts an auto-fix for a failure issue on its own (onFailure.autoFix). */
export async function autoFixFailureIssue(
  ctx: AutoFixContext,
  repo: RepoRef,
  issueNumber: number,
  failedRunId: number,
  actor: string,
): Promise<void> {
  const run = await ctx.scm.getWorkflowRun(repo, failedRunId);
  await dispatchAutoFix(
    ctx,
    { repo, issueNumber, isPullRequest: false, issueBody: '', actor },
    run,
    ctx.config.autoFix.attempts,
    {
      on: 'failure-issue',
      deliver: 'pull-request',
      branch: run.headBranch,
      deliverReason: 'autodev never pushes to the default branch',
    },
  );
}

async function dispatchAutoFix(
  ctx: AutoFixContext,
  ask: AutoFixAsk,
  failed: WorkflowRunSummary,
  attempts: number,
  how: Pick<AutoFixRequest, 'on' | 'deliver' | 'branch' | 'deliverReason'>,
): Promise<void> {
  const { scm, config } = ctx;
  const base: Omit<AutoFixRequest, 'workflowRunId' | 'workflowRunUrl' | 'commentId'> = {
    issueNumber: ask.issueNumber,
    failedRun: {
      id: failed.id,
      url: failed.url,
      workflow: failed.name || failed.path,
      headSha: failed.headSha,
    },
    attempts,
    requestedBy: ask.actor,
    requestedAt: ctx.now().toISOString(),
    ...how,
  };
  // The comment exists before the dispatch so the workflow can be told where it is.
  const draft = { ...base, commentId: 0, workflowRunId: 0, workflowRunUrl: '' };
  const comment = await scm.createComment(
    ask.repo,
    ask.issueNumber,
    renderAutoFixComment(draft, { state: 'queued' }),
  );
  const ref = config.dispatch.ref ?? (await scm.defaultBranch(ask.repo));
  let started: { runId: number; url: string };
  try {
    started = await scm.dispatchWorkflow(ask.repo, AUTO_FIX_WORKFLOW, ref, autoFixInputs(base));
  } catch (error) {
    await scm.updateComment(ask.repo, comment.id, whyNotDispatched(error, ref));
    ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'auto-fix not dispatched');
    return;
  }
  const request: AutoFixRequest = {
    ...base,
    commentId: comment.id,
    workflowRunId: started.runId,
    workflowRunUrl: started.url,
  };
  await saveAutoFixRequest(scm, ask.repo, request);
  await scm.updateComment(ask.repo, comment.id, renderAutoFixComment(request, { state: 'queued' }));
  ctx.log.info({ workflowRunId: started.runId, failedRun: failed.id }, 'auto-fix dispatched');
}

function whyNotDispatched(error: unknown, ref: string): string {
  if (error instanceof ScmError && error.kind === 'not-found') {
    return (
      `### 🔧 autodev auto-fix — not started\n\nThe workflow \`.github/workflows/${AUTO_FIX_WORKFLOW}\` was not ` +
      `found on \`${ref}\`. Add it (see the README, "Self-healing CI"), then ask again with \`/auto-fix\`.`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return `### 🔧 autodev auto-fix — not started\n\nGitHub did not start the auto-fix workflow: ${message}`;
}

/** The auto-fix workflow run ended: show its report (or that there is none) in the progress comment. */
export async function autoFixCompleted(
  ctx: AutoFixContext,
  repo: RepoRef,
  workflowRunId: number,
  conclusion: string,
): Promise<void> {
  const request = await readAutoFixRequest(ctx.scm, repo, workflowRunId);
  if (!request) {
    ctx.log.info({ workflowRunId }, 'no auto-fix request for this workflow run');
    return;
  }
  const report = await readAutoFixReport(ctx.scm, repo, workflowRunId);
  const progress: AutoFixProgress = report
    ? { state: 'finished', report }
    : {
        state: 'unreported',
        conclusion,
        jobs: (await ctx.scm.listWorkflowJobs(repo, workflowRunId)).map((job) => ({
          name: job.name,
          conclusion: job.conclusion,
        })),
      };
  await ctx.scm.updateComment(repo, request.commentId, renderAutoFixComment(request, progress));
}
