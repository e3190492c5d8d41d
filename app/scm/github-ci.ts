/**
 * The CI-healing verbs of the Scm over GitHub's REST API (GitHubScm delegates to this): workflow runs
 * of a branch or commit, job logs, the pull request a command is about, and labelled issues.
 */
import type { RepoRef } from '../runs/run.js';
import type { GitHubCall } from './github-pull-requests.js';
import {
  type CiScm,
  type IssueSummary,
  type IssueUpdate,
  type NewIssue,
  type PullRequestDetails,
  type WorkflowRunFilter,
  type WorkflowRunSummary,
} from './scm.js';

interface RunJson {
  id: number;
  name?: string | null;
  path?: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  head_branch: string | null;
  head_sha: string;
  html_url: string;
  run_number: number;
  run_attempt?: number;
  created_at: string;
}

interface IssueJson {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  state: string;
  labels: (string | { name?: string })[];
  pull_request?: unknown;
}

/** Past this a log is cut from the front: the errors that ended a job are at its end. */
export const MAX_LOG_CHARS = 4_000_000;
const ISSUE_PAGES = 10;

function toRun(run: RunJson): WorkflowRunSummary {
  return {
    id: run.id,
    name: run.name ?? '',
    path: run.path ?? '',
    event: run.event,
    status: run.status ?? '',
    conclusion: run.conclusion,
    headBranch: run.head_branch ?? '',
    headSha: run.head_sha,
    url: run.html_url,
    runNumber: run.run_number,
    runAttempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
  };
}

function toIssue(issue: IssueJson): IssueSummary {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    url: issue.html_url,
    state: issue.state === 'closed' ? 'closed' : 'open',
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}

function logText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString();
  return '';
}

export class GitHubCi implements CiScm {
  constructor(private readonly call: GitHubCall) {}

  async listWorkflowRuns(repo: RepoRef, filter: WorkflowRunFilter): Promise<WorkflowRunSummary[]> {
    const limit = filter.limit ?? 100;
    const runs: WorkflowRunSummary[] = [];
    for (let page = 1; runs.length < limit && page <= 10; page++) {
      const perPage = Math.min(limit - runs.length, 100);
      const data = await this.call<{ workflow_runs: RunJson[] }>(
        `list the workflow runs of ${repo.owner}/${repo.repo}`,
        'GET /repos/{owner}/{repo}/actions/runs',
        {
          ...repo,
          ...(filter.branch ? { branch: filter.branch } : {}),
          ...(filter.headSha ? { head_sha: filter.headSha } : {}),
          ...(filter.event ? { event: filter.event } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          per_page: perPage,
          page,
        },
      );
      runs.push(...data.workflow_runs.map(toRun));
      if (data.workflow_runs.length < perPage) break;
    }
    return runs.slice(0, limit);
  }

  async getWorkflowRun(repo: RepoRef, runId: number): Promise<WorkflowRunSummary> {
    const data = await this.call<RunJson>(
      `read workflow run ${runId}`,
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
      { ...repo, run_id: runId },
    );
    return toRun(data);
  }

  async downloadJobLog(repo: RepoRef, jobId: number): Promise<string> {
    // GitHub answers 302 to a short-lived signed URL; fetch follows it and returns the log text.
    const data = await this.call<unknown>(
      `download the log of job ${jobId}`,
      'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
      { ...repo, job_id: jobId },
    );
    const text = logText(data);
    return text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
  }

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestDetails> {
    const data = await this.call<{
      number: number;
      html_url: string;
      state: string;
      head: { ref: string; sha: string; repo: { full_name: string } | null };
      base: { ref: string };
    }>(`read pull request #${number}`, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: number,
    });
    return {
      number: data.number,
      url: data.html_url,
      state: data.state === 'closed' ? 'closed' : 'open',
      headRef: data.head.ref,
      headSha: data.head.sha,
      headRepo: data.head.repo?.full_name ?? null,
      baseRef: data.base.ref,
    };
  }

  async listIssuesByLabel(repo: RepoRef, label: string, state: 'open' | 'all'): Promise<IssueSummary[]> {
    const issues: IssueSummary[] = [];
    for (let page = 1; page <= ISSUE_PAGES; page++) {
      const data = await this.call<IssueJson[]>(
        `list issues labelled ${label}`,
        'GET /repos/{owner}/{repo}/issues',
        { ...repo, labels: label, state, sort: 'created', direction: 'desc', per_page: 100, page },
      );
      // The issues endpoint lists pull requests too; they carry a pull_request key.
      for (const issue of data) if (issue.pull_request === undefined) issues.push(toIssue(issue));
      if (data.length < 100) break;
    }
    return issues;
  }

  async createIssue(repo: RepoRef, issue: NewIssue): Promise<{ number: number; url: string }> {
    const data = await this.call<{ number: number; html_url: string }>(
      `open the issue "${issue.title}"`,
      'POST /repos/{owner}/{repo}/issues',
      { ...repo, title: issue.title, body: issue.body, labels: issue.labels },
    );
    return { number: data.number, url: data.html_url };
  }

  async updateIssue(repo: RepoRef, number: number, update: IssueUpdate): Promise<void> {
    await this.call(`update issue #${number}`, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...repo,
      issue_number: number,
      ...(update.body !== undefined ? { body: update.body } : {}),
      ...(update.state ? { state: update.state } : {}),
      ...(update.stateReason ? { state_reason: update.stateReason } : {}),
    });
  }
}
