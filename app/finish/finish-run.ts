/**
 * Finishing a run whose tasks are all done: open (or update — never duplicate) the one pull request
 * from its integration branch into the default branch, have the reviewer agent review it, delete the
 * task branches whose work it holds, and answer the events that end the run.
 *
 * Every step can be repeated: the pull request is found by its head branch, a head already reviewed is
 * not reviewed again, and deleting a deleted branch is no error. So a run left in `integrating` by a
 * crash is finished again by the sweep, and the result is the same as if nothing had happened.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import type { Run, RunPullRequest } from '../runs/run.js';
import type { RunEvent } from '../runs/transitions.js';
import { hasPullRequests, type PullRequestRef, type PullRequestScm, type Scm, ScmError } from '../scm/scm.js';
import { integrationBranchName, taskBranchName } from '../workspace/git-worktrees.js';
import { splitComments } from './diff-lines.js';
import { type IntegrationSource, integrationsOf } from './integration-source.js';
import {
  draftReasons,
  latestMerges,
  type PullRequestContent,
  pullRequestTitle,
  renderPullRequestBody,
  type WaveReport,
} from './render-pull-request.js';
import { inertComments, reviewBody, reviewEvent } from './review-body.js';
import { ReviewError, type Reviewer } from './reviewer.js';

export interface FinishDeps {
  integrations: IntegrationSource;
  /** Without one the pull request is opened unreviewed. */
  reviewer?: Reviewer;
  log: Log;
}

export interface FinishScope {
  scm: Scm;
  config: AutodevConfig;
}

type Host = Scm & PullRequestScm;

/** Errors worth trying again later (the run stays `integrating` and the sweep resumes it). */
export function isTransient(error: unknown): boolean {
  return error instanceof ScmError && (error.kind === 'unavailable' || error.kind === 'rate-limited');
}

export async function finishRun(deps: FinishDeps, scope: FinishScope, run: Run): Promise<RunEvent[]> {
  const branch = integrationBranchName(run.id);
  const { scm } = scope;
  if (!hasPullRequests(scm)) {
    return [{ type: 'succeeded', note: `All tasks succeeded; the merged work is on branch ${branch}.` }];
  }
  const headSha = await scm.branchSha(run.repo, branch);
  if (!headSha) {
    return [
      {
        type: 'failed',
        reason:
          `All ${run.tasks.length} tasks succeeded, but the integration branch ${branch} does not exist, so there ` +
          'is no pull request to open: the integrate job did not push it (see its log in the last workflow run). ' +
          'The task branches are kept.',
      },
    ];
  }
  const integrations = await integrationsOf(deps.integrations, run);
  const reasons = draftReasons(run, integrations);
  let pr: PullRequestRef;
  try {
    pr = await openOrUpdate(scm, run, { branch, integrations, draftReasons: reasons });
  } catch (error) {
    if (isTransient(error) || !(error instanceof ScmError)) throw error;
    return [
      {
        type: 'failed',
        reason: `${error.message}. The merged work is on branch ${branch}; the task branches are kept.`,
      },
    ];
  }
  const notes: string[] = [];
  if (reasons.length > 0) notes.push(`Pull request #${pr.number} is a draft: ${reasons.join('; ')}.`);
  const review = await reviewOnce(deps, scope, run, pr, integrations, reasons.length > 0);
  if (review.note) notes.push(review.note);
  const cleanup = await deleteMergedBranches(deps, scm, run, integrations);
  if (cleanup) notes.push(cleanup);

  const pullRequest: RunPullRequest = {
    number: pr.number,
    url: pr.url,
    draft: pr.draft,
    ...(review.reviewedSha ? { reviewedSha: review.reviewedSha } : {}),
  };
  const events: RunEvent[] = [];
  if (review.tokens > 0 || review.costUsd > 0) {
    events.push({ type: 'usage', tokens: review.tokens, costUsd: review.costUsd });
  }
  events.push({ type: 'succeeded', pullRequest, ...(notes.length > 0 ? { note: notes.join(' ') } : {}) });
  return events;
}

async function openOrUpdate(
  scm: Host,
  run: Run,
  content: Omit<PullRequestContent, 'run' | 'draftMismatch'>,
): Promise<PullRequestRef> {
  const base = await scm.defaultBranch(run.repo);
  const title = pullRequestTitle(run);
  const draft = content.draftReasons.length > 0;
  const update = async (existing: PullRequestRef): Promise<PullRequestRef> => {
    const mismatch =
      existing.draft === draft
        ? undefined
        : draft
          ? ('should-be-draft' as const)
          : ('should-be-ready' as const);
    const body = renderPullRequestBody({ run, ...content, ...(mismatch ? { draftMismatch: mismatch } : {}) });
    await scm.updatePullRequest(run.repo, existing.number, { title, body });
    return existing;
  };
  const existing = await scm.findPullRequest(run.repo, content.branch, base);
  if (existing) return update(existing);
  const body = renderPullRequestBody({ run, ...content });
  try {
    return await scm.createPullRequest(run.repo, { head: content.branch, base, title, body, draft });
  } catch (error) {
    if (!(error instanceof ScmError && error.kind === 'invalid')) throw error;
    // Another writer opened it between our look and our create: update theirs.
    const raced = await scm.findPullRequest(run.repo, content.branch, base);
    if (raced) return update(raced);
    // Some repositories (private ones on free plans) have no draft pull requests.
    if (!draft) throw error;
    const ready = await scm.createPullRequest(run.repo, {
      head: content.branch,
      base,
      title,
      body: renderPullRequestBody({ run, ...content, draftMismatch: 'should-be-draft' }),
      draft: false,
    });
    return ready;
  }
}

interface ReviewOutcome {
  reviewedSha?: string;
  note?: string;
  tokens: number;
  costUsd: number;
}

async function reviewOnce(
  deps: FinishDeps,
  scope: FinishScope,
  run: Run,
  pr: PullRequestRef,
  integrations: WaveReport[],
  draft: boolean,
): Promise<ReviewOutcome> {
  const previous = run.pullRequest;
  if (previous?.number === pr.number && previous.reviewedSha === pr.headSha) {
    return { reviewedSha: pr.headSha, tokens: 0, costUsd: 0 };
  }
  if (!deps.reviewer) return { tokens: 0, costUsd: 0 };
  const scm = scope.scm as Host;
  let spent = { tokens: 0, costUsd: 0 };
  try {
    const files = await scm.listPullRequestFiles(run.repo, pr.number);
    const answer = await deps.reviewer.review({ run, config: scope.config, scm, files, integrations });
    spent = { tokens: answer.tokens, costUsd: answer.costUsd };
    const { onDiff, offDiff } = splitComments(answer.review.comments, files);
    const review = {
      body: reviewBody(answer.review, offDiff),
      comments: inertComments(onDiff),
      commitId: pr.headSha,
    };
    const event = reviewEvent(answer.review.verdict, draft);
    try {
      await scm.createReview(run.repo, pr.number, { ...review, event });
    } catch (error) {
      // GitHub refuses to let an author approve or request changes on their own pull request, which
      // autodev's is: the verdict still reads in the body.
      if (!(error instanceof ScmError && error.kind === 'invalid' && event !== 'COMMENT')) throw error;
      await scm.createReview(run.repo, pr.number, { ...review, event: 'COMMENT' });
    }
    return { reviewedSha: pr.headSha, ...spent };
  } catch (error) {
    if (error instanceof ReviewError) spent = error.spent;
    const message = error instanceof Error ? error.message : String(error);
    deps.log.warn({ runId: run.id, err: error }, 'the review was not posted');
    return { note: `The reviewer agent's review was not posted: ${message}.`, ...spent };
  }
}

/**
 * Deletes the branches of tasks the integrate job reported merged. A branch whose merge was not
 * reported, or conflicted, may hold work found nowhere else, so it stays.
 */
async function deleteMergedBranches(
  deps: FinishDeps,
  scm: Host,
  run: Run,
  integrations: WaveReport[],
): Promise<string | undefined> {
  const merges = latestMerges(integrations);
  const kept: string[] = [];
  const failed: string[] = [];
  for (const task of run.tasks) {
    const status = merges.get(task.id)?.status;
    if (status !== 'merged' && status !== 'resolved') {
      if (status !== 'missing') kept.push(task.id);
      continue;
    }
    try {
      // A best-of-N task's work was on its winning candidate's branch.
      const winner = merges.get(task.id)?.competition?.winner;
      await scm.deleteBranch(run.repo, taskBranchName(run.id, winner ?? task.id));
    } catch (error) {
      deps.log.warn({ runId: run.id, taskId: task.id, err: error }, 'could not delete a task branch');
      failed.push(task.id);
    }
  }
  const notes: string[] = [];
  if (kept.length > 0) notes.push(`Task branches kept (not reported merged): ${kept.join(', ')}.`);
  if (failed.length > 0) notes.push(`Task branches that could not be deleted: ${failed.join(', ')}.`);
  return notes.length > 0 ? notes.join(' ') : undefined;
}
