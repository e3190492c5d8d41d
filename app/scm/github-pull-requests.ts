/**
 * The pull-request verbs of the Scm over GitHub's REST API (GitHubScm delegates to this). Only REST:
 * marking a draft ready for review exists only in GraphQL, so callers say so in the body instead.
 */
import type { RepoRef } from '../runs/run.js';
import {
  type NewPullRequest,
  type NewReview,
  type PullRequestFile,
  type PullRequestRef,
  type PullRequestScm,
  ScmError,
} from './scm.js';

/** GitHubScm's request wrapper: `what` names the action in the ScmError it throws. */
export type GitHubCall = <T>(what: string, route: string, parameters: Record<string, unknown>) => Promise<T>;

interface PullJson {
  number: number;
  html_url: string;
  draft?: boolean;
  head: { sha: string };
}

function toRef(pull: PullJson): PullRequestRef {
  return { number: pull.number, url: pull.html_url, draft: pull.draft ?? false, headSha: pull.head.sha };
}

/** GitHub lists at most 3,000 files of a pull request, 100 per page. */
const FILE_PAGES = 30;

export class GitHubPullRequests implements PullRequestScm {
  constructor(private readonly call: GitHubCall) {}

  async findPullRequest(repo: RepoRef, head: string, base: string): Promise<PullRequestRef | null> {
    const pulls = await this.call<PullJson[]>(
      `look for a pull request from ${head}`,
      'GET /repos/{owner}/{repo}/pulls',
      // GitHub matches head only in the `owner:branch` form; a bare branch name filters nothing.
      { ...repo, head: `${repo.owner}:${head}`, base, state: 'open', per_page: 10 },
    );
    const [first] = pulls;
    return first ? toRef(first) : null;
  }

  async createPullRequest(repo: RepoRef, pr: NewPullRequest): Promise<PullRequestRef> {
    const pull = await this.call<PullJson>(
      `open a pull request from ${pr.head} into ${pr.base}`,
      'POST /repos/{owner}/{repo}/pulls',
      { ...repo, head: pr.head, base: pr.base, title: pr.title, body: pr.body, draft: pr.draft },
    );
    return toRef(pull);
  }

  async updatePullRequest(
    repo: RepoRef,
    number: number,
    update: { title?: string; body?: string },
  ): Promise<void> {
    await this.call(`update pull request #${number}`, 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: number,
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { body: update.body } : {}),
    });
  }

  async listPullRequestFiles(repo: RepoRef, number: number): Promise<PullRequestFile[]> {
    const files: PullRequestFile[] = [];
    for (let page = 1; page <= FILE_PAGES; page++) {
      const data = await this.call<
        { filename: string; status: string; patch?: string; previous_filename?: string }[]
      >(`list the files of pull request #${number}`, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        ...repo,
        pull_number: number,
        per_page: 100,
        page,
      });
      for (const f of data) {
        files.push({
          path: f.filename,
          status: f.status,
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
          ...(f.previous_filename !== undefined ? { previousPath: f.previous_filename } : {}),
        });
      }
      if (data.length < 100) break;
    }
    return files;
  }

  async createReview(repo: RepoRef, number: number, review: NewReview): Promise<{ id: number; url: string }> {
    const data = await this.call<{ id: number; html_url: string }>(
      `review pull request #${number}`,
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      {
        ...repo,
        pull_number: number,
        body: review.body,
        event: review.event,
        ...(review.commitId ? { commit_id: review.commitId } : {}),
        // `line` + `side` address the new version's line; `position` (diff offsets) is the legacy form.
        comments: review.comments.map((c) => ({ path: c.path, line: c.line, side: 'RIGHT', body: c.body })),
      },
    );
    return { id: data.id, url: data.html_url };
  }

  async branchSha(repo: RepoRef, branch: string): Promise<string | null> {
    try {
      const data = await this.call<{ object: { sha: string } }>(
        `read branch ${branch}`,
        'GET /repos/{owner}/{repo}/git/ref/{ref}',
        { ...repo, ref: `heads/${branch}` },
      );
      return data.object.sha;
    } catch (error) {
      if (error instanceof ScmError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  async deleteBranch(repo: RepoRef, branch: string): Promise<void> {
    try {
      await this.call(`delete branch ${branch}`, 'DELETE /repos/{owner}/{repo}/git/refs/{ref}', {
        ...repo,
        ref: `heads/${branch}`,
      });
    } catch (error) {
      // GitHub answers 422 "Reference does not exist" (sometimes 404) for a branch already deleted.
      if (error instanceof ScmError && (error.kind === 'invalid' || error.kind === 'not-found')) return;
      throw error;
    }
  }
}
