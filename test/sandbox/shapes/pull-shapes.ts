/**
 * Pull requests (full and list forms) and reviews as GitHub renders them.
 */
import { branchSha } from '../git-store.js';
import { findRepository } from '../simulator-state.js';
import type { IssueRecord, PullRecord, RepositoryRecord, ReviewRecord } from '../simulator-state.js';
import { renderIssue } from './issue-shapes.js';
import { renderRepository, repositoryApiUrl, repositoryHtmlUrl } from './repository-shape.js';
import { authorAssociation, nodeId, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

/** The head sha, following the branch while it exists (a fork's head is kept as recorded). */
export function currentHeadSha(repo: RepositoryRecord, pull: PullRecord): string {
  if (pull.headRepository) return pull.headSha;
  return branchSha(repo, pull.head) ?? pull.headSha;
}

/** The head end: in the base repository, or in the fork it comes from. */
function headEnd(context: ShapeContext, repo: RepositoryRecord, pull: PullRecord) {
  const sha = currentHeadSha(repo, pull);
  if (!pull.headRepository) return branchEnd(context, repo, pull.head, sha);
  const { owner, name } = pull.headRepository;
  const fork = findRepository(context.state, owner, name);
  // The description has no shape for a deleted fork (repo is required), so the sandbox keeps forks.
  if (!fork) throw new Error(`pull request #${pull.number} comes from ${owner}/${name}, which is not seeded`);
  return branchEnd(context, fork, pull.head, sha);
}

function branchEnd(context: ShapeContext, repo: RepositoryRecord, ref: string, sha: string) {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: renderUser(context, repo.owner),
    repo: renderRepository(context, repo),
  };
}

/** The fields pull-request-simple and pull-request share. */
export function renderPullSimple(
  context: ShapeContext,
  repo: RepositoryRecord,
  pull: PullRecord,
  issue: IssueRecord,
) {
  const api = `${repositoryApiUrl(context, repo)}/pulls/${pull.number}`;
  const html = `${repositoryHtmlUrl(context, repo)}/pull/${pull.number}`;
  const issueShape = renderIssue(context, repo, issue);
  const link = (href: string) => ({ href });
  return {
    url: api,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueShape.url,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repositoryApiUrl(context, repo)}/pulls/comments{/number}`,
    comments_url: issueShape.comments_url,
    statuses_url: `${repositoryApiUrl(context, repo)}/statuses/${currentHeadSha(repo, pull)}`,
    number: pull.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(context, issue.user),
    body: issue.body,
    labels: issueShape.labels,
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: headEnd(context, repo, pull),
    base: branchEnd(context, repo, pull.base, branchSha(repo, pull.base) ?? ''),
    _links: {
      self: link(api),
      html: link(html),
      issue: link(issueShape.url),
      comments: link(issueShape.comments_url),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${repositoryApiUrl(context, repo)}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${repositoryApiUrl(context, repo)}/statuses/${currentHeadSha(repo, pull)}`),
    },
    author_association: issueShape.author_association,
    auto_merge: null,
    draft: pull.draft,
  };
}

export function renderPull(
  context: ShapeContext,
  repo: RepositoryRecord,
  pull: PullRecord,
  issue: IssueRecord,
) {
  const head = repo.commits[currentHeadSha(repo, pull)];
  const base = repo.commits[branchSha(repo, pull.base) ?? ''];
  const changed = new Set([...Object.keys(head?.files ?? {}), ...Object.keys(base?.files ?? {})]);
  const changedFiles = [...changed].filter((path) => head?.files[path] !== base?.files[path]).length;
  return {
    ...renderPullSimple(context, repo, pull, issue),
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: repo.comments.filter((comment) => comment.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: countCommits(repo, head?.sha, base?.sha),
    additions: 0,
    deletions: 0,
    changed_files: changedFiles,
  };
}

/** Commits reachable from head but not from base (what GitHub counts in a pull request). */
function countCommits(repo: RepositoryRecord, head: string | undefined, base: string | undefined): number {
  const reachable = (start: string | undefined) => {
    const seen = new Set<string>();
    const pending = start ? [start] : [];
    for (let sha = pending.pop(); sha !== undefined; sha = pending.pop()) {
      if (seen.has(sha)) continue;
      seen.add(sha);
      pending.push(...(repo.commits[sha]?.parents ?? []));
    }
    return seen;
  };
  const fromBase = reachable(base);
  return [...reachable(head)].filter((sha) => !fromBase.has(sha)).length;
}

export function renderReview(context: ShapeContext, repo: RepositoryRecord, review: ReviewRecord) {
  const pullApi = `${repositoryApiUrl(context, repo)}/pulls/${review.pullNumber}`;
  const html = `${repositoryHtmlUrl(context, repo)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: renderUser(context, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullApi,
    _links: { html: { href: html }, pull_request: { href: pullApi } },
    ...(review.submittedAt ? { submitted_at: review.submittedAt } : {}),
    commit_id: review.commitId,
    author_association: authorAssociation(repo.owner, repo.collaborators, review.user),
  };
}
