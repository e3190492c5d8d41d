/**
 * Pull requests and reviews. The refusals GitHub is known for are kept (missing branches, no commits
 * between, a second open PR for the same head, approving your own PR) so the app meets them in tests.
 */
import { branchSha, isAncestor } from '../git-store.js';
import { ensureUser, nextId } from '../simulator-state.js';
import type { IssueRecord, PullRecord, RepositoryRecord, ReviewRecord } from '../simulator-state.js';
import { currentHeadSha, renderPull, renderPullSimple, renderReview } from '../shapes/pull-shapes.js';
import { applyIssueState } from './issue-routes.js';
import { listPage, notFound, ok, unprocessable, withRepository } from './route-handler.js';
import type { RouteRequest, RouteResponse, RouteTable } from './route-handler.js';

interface PullBody {
  title?: string;
  body?: string;
  head?: string;
  base?: string;
  draft?: boolean;
  state?: 'open' | 'closed';
  maintainer_can_modify?: boolean;
}

const REVIEW_STATES = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
} as const;

function invalid(field: string): RouteResponse {
  return unprocessable('Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);
}

function custom(message: string): RouteResponse {
  return unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
}

/** `owner:branch` or `branch` → branch (forks are not simulated). */
function headBranch(head: string): string {
  return head.includes(':') ? head.slice(head.indexOf(':') + 1) : head;
}

function pullWithIssue(repo: RepositoryRecord, number: number): [PullRecord, IssueRecord] | undefined {
  const pull = repo.pulls.find((candidate) => candidate.number === number);
  const issue = repo.issues.find((candidate) => candidate.number === number);
  return pull && issue ? [pull, issue] : undefined;
}

function createPull(request: RouteRequest, repo: RepositoryRecord): RouteResponse {
  const body = request.body as PullBody & { head: string; base: string };
  const head = headBranch(body.head);
  const headSha = branchSha(repo, head);
  const baseSha = branchSha(repo, body.base);
  if (!baseSha) return invalid('base');
  if (!headSha) return invalid('head');
  if (!body.title)
    return unprocessable('Validation Failed', [{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
  const open = repo.pulls.find((pull) => {
    const issue = repo.issues.find((candidate) => candidate.number === pull.number);
    return pull.head === head && pull.base === body.base && issue?.state === 'open';
  });
  if (open) return custom(`A pull request already exists for ${repo.owner}:${head}.`);
  if (isAncestor(repo, headSha, baseSha)) return custom(`No commits between ${body.base} and ${head}`);
  ensureUser(request.state, request.actor);
  const number = repo.nextNumber++;
  const issue: IssueRecord = {
    id: nextId(request.state),
    number,
    title: body.title,
    body: body.body ?? null,
    user: request.actor,
    state: 'open',
    stateReason: null,
    labels: [],
    isPullRequest: true,
    reactions: [],
    createdAt: request.now,
    updatedAt: request.now,
    closedAt: null,
  };
  const pull: PullRecord = {
    id: nextId(request.state),
    number,
    head,
    headSha,
    base: body.base,
    draft: body.draft ?? false,
    maintainerCanModify: body.maintainer_can_modify ?? true,
  };
  repo.issues.push(issue);
  repo.pulls.push(pull);
  return ok(renderPull(request, repo, pull, issue), 201);
}

export const pullRoutes: RouteTable = {
  'pulls/create': withRepository(createPull),

  'pulls/list': withRepository((request, repo) => {
    const { state = 'open', head, base } = request.query;
    const pulls = repo.pulls
      .map((pull) => [pull, repo.issues.find((issue) => issue.number === pull.number)] as const)
      .filter((pair): pair is readonly [PullRecord, IssueRecord] => pair[1] !== undefined)
      .filter(([, issue]) => state === 'all' || issue.state === state)
      .filter(([pull]) => !head || pull.head === headBranch(head))
      .filter(([pull]) => !base || pull.base === base)
      .sort(([a], [b]) => (request.query.direction === 'asc' ? a.number - b.number : b.number - a.number));
    return listPage(request, pulls, ([pull, issue]) => renderPullSimple(request, repo, pull, issue));
  }),

  'pulls/get': withRepository((request, repo) => {
    const found = pullWithIssue(repo, Number(request.params.pull_number));
    return found ? ok(renderPull(request, repo, ...found)) : notFound();
  }),

  'pulls/update': withRepository((request, repo) => {
    const found = pullWithIssue(repo, Number(request.params.pull_number));
    if (!found) return notFound();
    const [pull, issue] = found;
    const body = (request.body ?? {}) as PullBody;
    if (body.base !== undefined) {
      if (!branchSha(repo, body.base)) return invalid('base');
      pull.base = body.base;
    }
    if (body.title !== undefined) issue.title = body.title;
    if (body.body !== undefined) issue.body = body.body;
    if (body.maintainer_can_modify !== undefined) pull.maintainerCanModify = body.maintainer_can_modify;
    applyIssueState(issue, body, request.now);
    pull.headSha = currentHeadSha(repo, pull);
    issue.updatedAt = request.now;
    return ok(renderPull(request, repo, pull, issue));
  }),

  'pulls/create-review': withRepository((request, repo) => {
    const found = pullWithIssue(repo, Number(request.params.pull_number));
    if (!found) return notFound();
    const [pull, issue] = found;
    const body = (request.body ?? {}) as {
      body?: string;
      event?: keyof typeof REVIEW_STATES;
      commit_id?: string;
      comments?: unknown[];
    };
    const state = body.event ? REVIEW_STATES[body.event] : 'PENDING';
    if ((state === 'APPROVED' || state === 'CHANGES_REQUESTED') && issue.user === request.actor) {
      const verb = state === 'APPROVED' ? 'approve' : 'request changes on';
      return unprocessable(`Unprocessable Entity`, [`Can not ${verb} your own pull request`]);
    }
    if ((state === 'CHANGES_REQUESTED' || state === 'COMMENTED') && !body.body && !body.comments?.length) {
      return unprocessable('Unprocessable Entity', [`Review Comment is missing.`]);
    }
    const review: ReviewRecord = {
      id: nextId(request.state),
      pullNumber: pull.number,
      user: request.actor,
      body: body.body ?? '',
      state,
      commitId: body.commit_id ?? currentHeadSha(repo, pull),
      comments: body.comments ?? [],
      submittedAt: state === 'PENDING' ? null : request.now,
    };
    repo.reviews.push(review);
    return ok(renderReview(request, repo, review));
  }),

  'pulls/list-reviews': withRepository((request, repo) => {
    const number = Number(request.params.pull_number);
    if (!pullWithIssue(repo, number)) return notFound();
    const reviews = repo.reviews.filter((review) => review.pullNumber === number);
    return listPage(request, reviews, (review) => renderReview(request, repo, review));
  }),
};
