/**
 * Scm over GitHub's REST API. Takes any octokit that has `request` (Probot's, @octokit/rest's or
 * @actions/github's — their class types differ, the request function does not).
 */
import type { RepoRef } from '../runs/run.js';
import { GitHubCi } from './github-ci.js';
import { toScmError } from './github-errors.js';
import { GitHubPullRequests } from './github-pull-requests.js';
import {
  type CheckRunUpdate,
  type CiScm,
  type IssueSummary,
  type IssueUpdate,
  type NewIssue,
  type PullRequestDetails,
  type WorkflowRunFilter,
  type WorkflowRunSummary,
  type NewCheckRun,
  type NewPullRequest,
  type NewReview,
  type PermissionLevel,
  type PullRequestFile,
  type PullRequestRef,
  type PullRequestScm,
  type Reaction,
  type Scm,
  ScmError,
  type WorkflowJob,
} from './scm.js';

export { toScmError } from './github-errors.js';

export interface OctokitRequest {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
}

const ROLE_LEVELS: Record<string, PermissionLevel> = {
  admin: 'admin',
  maintain: 'maintain',
  write: 'write',
  push: 'write',
  triage: 'triage',
  read: 'read',
  pull: 'read',
  none: 'none',
};

export class GitHubScm implements Scm, PullRequestScm, CiScm {
  private readonly pulls: GitHubPullRequests;
  private readonly ci: GitHubCi;

  constructor(private readonly octokit: OctokitRequest) {
    this.pulls = new GitHubPullRequests((what, route, parameters) => this.call(what, route, parameters));
    this.ci = new GitHubCi((what, route, parameters) => this.call(what, route, parameters));
  }

  private async call<T>(what: string, route: string, parameters: Record<string, unknown>): Promise<T> {
    try {
      const response = await this.octokit.request(route, parameters);
      return response.data as T;
    } catch (error) {
      throw toScmError(error, what);
    }
  }

  findPullRequest(repo: RepoRef, head: string, base: string): Promise<PullRequestRef | null> {
    return this.pulls.findPullRequest(repo, head, base);
  }

  createPullRequest(repo: RepoRef, pr: NewPullRequest): Promise<PullRequestRef> {
    return this.pulls.createPullRequest(repo, pr);
  }

  updatePullRequest(repo: RepoRef, number: number, update: { title?: string; body?: string }): Promise<void> {
    return this.pulls.updatePullRequest(repo, number, update);
  }

  listPullRequestFiles(repo: RepoRef, number: number): Promise<PullRequestFile[]> {
    return this.pulls.listPullRequestFiles(repo, number);
  }

  createReview(repo: RepoRef, number: number, review: NewReview): Promise<{ id: number; url: string }> {
    return this.pulls.createReview(repo, number, review);
  }

  branchSha(repo: RepoRef, branch: string): Promise<string | null> {
    return this.pulls.branchSha(repo, branch);
  }

  deleteBranch(repo: RepoRef, branch: string): Promise<void> {
    return this.pulls.deleteBranch(repo, branch);
  }

  listWorkflowRuns(repo: RepoRef, filter: WorkflowRunFilter): Promise<WorkflowRunSummary[]> {
    return this.ci.listWorkflowRuns(repo, filter);
  }

  getWorkflowRun(repo: RepoRef, runId: number): Promise<WorkflowRunSummary> {
    return this.ci.getWorkflowRun(repo, runId);
  }

  downloadJobLog(repo: RepoRef, jobId: number): Promise<string> {
    return this.ci.downloadJobLog(repo, jobId);
  }

  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestDetails> {
    return this.ci.getPullRequest(repo, number);
  }

  listIssuesByLabel(repo: RepoRef, label: string, state: 'open' | 'all'): Promise<IssueSummary[]> {
    return this.ci.listIssuesByLabel(repo, label, state);
  }

  createIssue(repo: RepoRef, issue: NewIssue): Promise<{ number: number; url: string }> {
    return this.ci.createIssue(repo, issue);
  }

  updateIssue(repo: RepoRef, number: number, update: IssueUpdate): Promise<void> {
    return this.ci.updateIssue(repo, number, update);
  }

  async getPermission(repo: RepoRef, login: string): Promise<PermissionLevel> {
    try {
      const data = await this.call<{ permission?: string; role_name?: string }>(
        `read ${login}'s permission on ${repo.owner}/${repo.repo}`,
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { ...repo, username: login },
      );
      // role_name distinguishes maintain/triage, which the legacy `permission` field folds away.
      return ROLE_LEVELS[data.role_name ?? ''] ?? ROLE_LEVELS[data.permission ?? ''] ?? 'none';
    } catch (error) {
      // GitHub answers 404 for someone who is not a collaborator at all.
      if (error instanceof ScmError && error.kind === 'not-found') return 'none';
      throw error;
    }
  }

  async readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null> {
    return (await this.readContent(repo, path, ref))?.text ?? null;
  }

  async readFileWithSha(
    repo: RepoRef,
    path: string,
    ref: string,
  ): Promise<{ text: string; sha: string } | null> {
    return this.readContent(repo, path, ref);
  }

  private async readContent(
    repo: RepoRef,
    path: string,
    ref?: string,
  ): Promise<{ text: string; sha: string } | null> {
    try {
      const data = await this.call<{ type?: string; content?: string; encoding?: string; sha: string }>(
        `read ${path} in ${repo.owner}/${repo.repo}`,
        'GET /repos/{owner}/{repo}/contents/{path}',
        { ...repo, path, ...(ref ? { ref } : {}) },
      );
      if (data.type !== 'file' || typeof data.content !== 'string') {
        throw new ScmError('invalid', `${path} in ${repo.owner}/${repo.repo} is not a file`);
      }
      const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      return { text, sha: data.sha };
    } catch (error) {
      if (error instanceof ScmError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  async defaultBranch(repo: RepoRef): Promise<string> {
    const data = await this.call<{ default_branch: string }>(
      `read ${repo.owner}/${repo.repo}`,
      'GET /repos/{owner}/{repo}',
      { ...repo },
    );
    return data.default_branch;
  }

  async writeFile(
    repo: RepoRef,
    change: { branch: string; path: string; text: string; message: string; expectedSha: string | null },
  ): Promise<{ sha: string }> {
    try {
      const data = await this.call<{ content: { sha: string } | null }>(
        `write ${change.path} on ${change.branch}`,
        'PUT /repos/{owner}/{repo}/contents/{path}',
        {
          ...repo,
          path: change.path,
          branch: change.branch,
          message: change.message,
          content: Buffer.from(change.text, 'utf8').toString('base64'),
          ...(change.expectedSha ? { sha: change.expectedSha } : {}),
        },
      );
      return { sha: data.content?.sha ?? '' };
    } catch (error) {
      // GitHub answers 409 for a stale sha and 422 when a file exists but no sha was sent.
      if (error instanceof ScmError && (error.kind === 'conflict' || error.kind === 'invalid')) {
        throw new ScmError('conflict', `${change.path} on ${change.branch} changed meanwhile`, error.status, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async ensureBranch(repo: RepoRef, branch: string, from: string): Promise<void> {
    try {
      await this.call('read a branch', 'GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...repo,
        ref: `heads/${branch}`,
      });
      return;
    } catch (error) {
      if (!(error instanceof ScmError && error.kind === 'not-found')) throw error;
    }
    const base = await this.call<{ object: { sha: string } }>(
      `read branch ${from}`,
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { ...repo, ref: `heads/${from}` },
    );
    try {
      await this.call(`create branch ${branch}`, 'POST /repos/{owner}/{repo}/git/refs', {
        ...repo,
        ref: `refs/heads/${branch}`,
        sha: base.object.sha,
      });
    } catch (error) {
      // Someone else created it between our read and write: that is the state we wanted.
      if (!(error instanceof ScmError && error.kind === 'invalid')) throw error;
    }
  }

  async dispatchWorkflow(
    repo: RepoRef,
    workflow: string,
    ref: string,
    inputs: Record<string, string>,
  ): Promise<{ runId: number; url: string }> {
    const data = await this.call<{ workflow_run_id?: number; html_url?: string; run_url?: string }>(
      `start workflow ${workflow} on ${ref}`,
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      { ...repo, workflow_id: workflow, ref, inputs, return_run_details: true },
    );
    if (typeof data?.workflow_run_id !== 'number') {
      throw new ScmError('unknown', `GitHub started ${workflow} but did not say which run it is`);
    }
    return { runId: data.workflow_run_id, url: data.html_url ?? data.run_url ?? '' };
  }

  async reactToComment(repo: RepoRef, commentId: number, reaction: Reaction): Promise<void> {
    await this.call('add a reaction', 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
      ...repo,
      comment_id: commentId,
      content: reaction,
    });
  }

  async reactToIssue(repo: RepoRef, issueNumber: number, reaction: Reaction): Promise<void> {
    await this.call('add a reaction', 'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions', {
      ...repo,
      issue_number: issueNumber,
      content: reaction,
    });
  }

  async createComment(
    repo: RepoRef,
    issueNumber: number,
    body: string,
  ): Promise<{ id: number; url: string }> {
    const data = await this.call<{ id: number; html_url: string }>(
      `comment on #${issueNumber}`,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { ...repo, issue_number: issueNumber, body },
    );
    return { id: data.id, url: data.html_url };
  }

  async updateComment(repo: RepoRef, commentId: number, body: string): Promise<void> {
    await this.call('update a comment', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      ...repo,
      comment_id: commentId,
      body,
    });
  }

  async listComments(
    repo: RepoRef,
    issueNumber: number,
  ): Promise<{ id: number; body: string; author: string }[]> {
    const all: { id: number; body: string; author: string }[] = [];
    // Progress comments are usually near the top; pages of 100 keep this to one call on most issues.
    for (let page = 1; page <= 20; page++) {
      const data = await this.call<{ id: number; body?: string; user?: { login: string } | null }[]>(
        `list comments on #${issueNumber}`,
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        { ...repo, issue_number: issueNumber, per_page: 100, page },
      );
      for (const c of data) all.push({ id: c.id, body: c.body ?? '', author: c.user?.login ?? '' });
      if (data.length < 100) break;
    }
    return all;
  }

  async listWorkflowJobs(repo: RepoRef, runId: number): Promise<WorkflowJob[]> {
    const jobs: WorkflowJob[] = [];
    // A wave is at most 256 matrix jobs (plus an integrate job): three pages of 100.
    for (let page = 1; page <= 5; page++) {
      const data = await this.call<{
        jobs: {
          id: number;
          name: string;
          status: string;
          conclusion: string | null;
          html_url: string | null;
        }[];
      }>(`list the jobs of workflow run ${runId}`, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
        ...repo,
        run_id: runId,
        per_page: 100,
        page,
      });
      for (const j of data.jobs) {
        jobs.push({
          id: j.id,
          name: j.name,
          status: j.status,
          conclusion: j.conclusion,
          url: j.html_url ?? '',
        });
      }
      if (data.jobs.length < 100) break;
    }
    return jobs;
  }

  async createCheckRun(repo: RepoRef, check: NewCheckRun): Promise<{ id: number; url: string }> {
    const data = await this.call<{ id: number; html_url: string | null }>(
      `create check run "${check.name}"`,
      'POST /repos/{owner}/{repo}/check-runs',
      {
        ...repo,
        name: check.name,
        head_sha: check.headSha,
        ...(check.status ? { status: check.status } : {}),
        ...(check.externalId ? { external_id: check.externalId } : {}),
        ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
        ...(check.output ? { output: check.output } : {}),
      },
    );
    return { id: data.id, url: data.html_url ?? '' };
  }

  async updateCheckRun(repo: RepoRef, checkRunId: number, update: CheckRunUpdate): Promise<void> {
    await this.call(
      `update check run ${checkRunId}`,
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      {
        ...repo,
        check_run_id: checkRunId,
        ...(update.status ? { status: update.status } : {}),
        ...(update.conclusion ? { conclusion: update.conclusion } : {}),
        ...(update.detailsUrl ? { details_url: update.detailsUrl } : {}),
        ...(update.output ? { output: update.output } : {}),
      },
    );
  }
}
