/**
 * What travels between the control plane and the auto-fix workflow, on the repository's state branch
 * (like plans and integration results): the control plane writes the request when it dispatches
 * (`.autodev/auto-fix/<workflow run id>.json`: where the progress comment is, which run to fix, the
 * cap), the auto-fix action writes its report next to it (`<workflow run id>.result.json`) before it
 * ends, and when GitHub reports the workflow run completed the control plane reads both and finishes
 * the progress comment. The workflow run id is the key both sides know: the dispatch returns it and
 * the job sees it as `github.run_id`.
 */
import type { RepoRef } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import { StateBranchFiles } from '../store/state-branch-files.js';
import type { AutoFixResult } from './auto-fix.js';
import { asAutoFixReport } from './auto-fix-report.js';

/** The auto-fix workflow's file in .github/workflows/. */
export const AUTO_FIX_WORKFLOW = 'autodev-auto-fix.yml';

export interface AutoFixRequest {
  /** The auto-fix workflow run. */
  workflowRunId: number;
  workflowRunUrl: string;
  /** Where the progress comment is: the pull request or the failure issue. */
  issueNumber: number;
  on: 'pull-request' | 'failure-issue';
  commentId: number;
  /** The failed CI run being fixed. */
  failedRun: { id: number; url: string; workflow: string; headSha: string };
  attempts: number;
  /** push: commit to the pull request's branch; pull-request: open a fix pull request instead. */
  deliver: 'push' | 'pull-request';
  /** The branch the fix is based on (the PR head, or the default branch for a failure issue). */
  branch: string;
  /** Why the fix goes into a new pull request, when it does. */
  deliverReason?: string;
  requestedBy: string;
  requestedAt: string;
}

/** What the auto-fix action reports at its end. */
export interface AutoFixReport extends Pick<
  AutoFixResult,
  'fixed' | 'reason' | 'attempts' | 'modelCalls' | 'fixedBy'
> {
  workflowRunId: number;
  /** The fix commit pushed to the pull request's branch. */
  pushed?: { branch: string; sha: string };
  /** The pull request opened with the fix. */
  pullRequest?: { number: number; url: string };
}

export function autoFixRequestPath(workflowRunId: number): string {
  return `auto-fix/${workflowRunId}.json`;
}

export function autoFixReportPath(workflowRunId: number): string {
  return `auto-fix/${workflowRunId}.result.json`;
}

function files(scm: Scm, repo: RepoRef): StateBranchFiles {
  return new StateBranchFiles(scm, repo);
}

export async function saveAutoFixRequest(scm: Scm, repo: RepoRef, request: AutoFixRequest): Promise<void> {
  const written = await files(scm, repo).write(
    autoFixRequestPath(request.workflowRunId),
    request,
    null,
    `auto-fix request ${request.workflowRunId} (#${request.issueNumber})`,
  );
  if (written === 'conflict') {
    throw new Error(`the auto-fix request of workflow run ${request.workflowRunId} was already written`);
  }
}

/** For the auto-fix action: publishes its report (replacing an earlier one of the same run). */
export async function publishAutoFixReport(scm: Scm, repo: RepoRef, report: AutoFixReport): Promise<void> {
  const state = files(scm, repo);
  const path = autoFixReportPath(report.workflowRunId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await state.read<AutoFixReport>(path);
    const written = await state.write(
      path,
      report,
      current?.sha ?? null,
      `auto-fix report ${report.workflowRunId}`,
    );
    if (written !== 'conflict') return;
  }
  throw new Error(
    `could not write the auto-fix report of workflow run ${report.workflowRunId}: it kept changing`,
  );
}

export async function readAutoFixRequest(
  scm: Scm,
  repo: RepoRef,
  workflowRunId: number,
): Promise<AutoFixRequest | null> {
  return (await files(scm, repo).read<AutoFixRequest>(autoFixRequestPath(workflowRunId)))?.value ?? null;
}

/** The action's report, or null when there is none or it is not a report. */
export async function readAutoFixReport(
  scm: Scm,
  repo: RepoRef,
  workflowRunId: number,
): Promise<AutoFixReport | null> {
  try {
    const read = await files(scm, repo).read<unknown>(autoFixReportPath(workflowRunId));
    // Checked with the schema the action wrote it with; a report of another run does not count.
    const report = read ? asAutoFixReport(read.value) : null;
    return report?.workflowRunId === workflowRunId ? report : null;
  } catch {
    // An unreadable report counts as no report: the comment then says the workflow did not report.
    return null;
  }
}
