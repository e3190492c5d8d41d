/**
 * Issues and issue comments (pull requests are issues too, so comments on them land here).
 */
import { ensureLabel, ensureUser, nextId } from '../simulator-state.js';
import type { IssueRecord, RepositoryRecord } from '../simulator-state.js';
import { renderComment, renderIssue } from '../shapes/issue-shapes.js';
import { listPage, noContent, notFound, ok, withRepository } from './route-handler.js';
import type { RouteRequest, RouteTable } from './route-handler.js';

type LabelInput = string | { name?: string };

interface IssueBody {
  title?: string | number | null;
  body?: string | null;
  state?: 'open' | 'closed';
  state_reason?: IssueRecord['stateReason'];
  labels?: LabelInput[];
}

export function findIssue(repo: RepositoryRecord, number: number): IssueRecord | undefined {
  return repo.issues.find((issue) => issue.number === number);
}

export function labelNames(labels: LabelInput[]): string[] {
  return labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter(Boolean);
}

/** Replaces an issue's labels; GitHub creates repository labels that do not exist yet. */
export function setIssueLabels(
  request: RouteRequest,
  repo: RepositoryRecord,
  issue: IssueRecord,
  names: string[],
) {
  issue.labels = [...new Set(names.map((name) => ensureLabel(request.state, repo, name).name))];
}

/** Opens, closes or reopens with the state_reason GitHub would record. */
export function applyIssueState(issue: IssueRecord, body: IssueBody, now: string): void {
  if (body.state === 'closed' && issue.state === 'open') {
    issue.state = 'closed';
    issue.closedAt = now;
    issue.stateReason = body.state_reason ?? 'completed';
  } else if (body.state === 'open' && issue.state === 'closed') {
    issue.state = 'open';
    issue.closedAt = null;
    issue.stateReason = 'reopened';
  } else if (body.state_reason !== undefined && issue.state === 'closed') {
    issue.stateReason = body.state_reason;
  }
}

export const issueRoutes: RouteTable = {
  'issues/get': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    return issue ? ok(renderIssue(request, repo, issue)) : notFound();
  }),

  'issues/list-for-repo': withRepository((request, repo) => {
    const state = request.query.state ?? 'open';
    const labels = request.query.labels?.split(',').filter(Boolean) ?? [];
    const issues = repo.issues
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) => labels.every((label) => issue.labels.includes(label)))
      .sort((a, b) => (request.query.direction === 'asc' ? a.number - b.number : b.number - a.number));
    return listPage(request, issues, (issue) => renderIssue(request, repo, issue));
  }),

  'issues/create': withRepository((request, repo) => {
    const body = request.body as IssueBody & { title: string | number };
    const issue: IssueRecord = {
      id: nextId(request.state),
      number: repo.nextNumber++,
      title: String(body.title),
      body: body.body ?? null,
      user: request.actor,
      state: 'open',
      stateReason: null,
      labels: [],
      isPullRequest: false,
      reactions: [],
      createdAt: request.now,
      updatedAt: request.now,
      closedAt: null,
    };
    setIssueLabels(request, repo, issue, labelNames(body.labels ?? []));
    repo.issues.push(issue);
    return ok(renderIssue(request, repo, issue), 201);
  }),

  'issues/update': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    const body = (request.body ?? {}) as IssueBody;
    if (body.title !== undefined && body.title !== null) issue.title = String(body.title);
    if (body.body !== undefined) issue.body = body.body;
    if (body.labels) setIssueLabels(request, repo, issue, labelNames(body.labels));
    applyIssueState(issue, body, request.now);
    issue.updatedAt = request.now;
    return ok(renderIssue(request, repo, issue));
  }),

  'issues/list-comments': withRepository((request, repo) => {
    const number = Number(request.params.issue_number);
    if (!findIssue(repo, number)) return notFound();
    const since = request.query.since;
    const comments = repo.comments
      .filter((comment) => comment.issueNumber === number)
      .filter((comment) => !since || comment.updatedAt >= since);
    return listPage(request, comments, (comment) => renderComment(request, repo, comment));
  }),

  'issues/create-comment': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    ensureUser(request.state, request.actor);
    const comment = {
      id: nextId(request.state),
      issueNumber: issue.number,
      body: (request.body as { body: string }).body,
      user: request.actor,
      reactions: [],
      createdAt: request.now,
      updatedAt: request.now,
    };
    repo.comments.push(comment);
    issue.updatedAt = request.now;
    return ok(renderComment(request, repo, comment), 201);
  }),

  'issues/get-comment': withRepository((request, repo) => {
    const comment = repo.comments.find((candidate) => candidate.id === Number(request.params.comment_id));
    return comment ? ok(renderComment(request, repo, comment)) : notFound();
  }),

  'issues/update-comment': withRepository((request, repo) => {
    const comment = repo.comments.find((candidate) => candidate.id === Number(request.params.comment_id));
    if (!comment) return notFound();
    comment.body = (request.body as { body: string }).body;
    comment.updatedAt = request.now;
    return ok(renderComment(request, repo, comment));
  }),

  'issues/delete-comment': withRepository((request, repo) => {
    const index = repo.comments.findIndex((candidate) => candidate.id === Number(request.params.comment_id));
    if (index < 0) return notFound();
    repo.comments.splice(index, 1);
    return noContent();
  }),
};
