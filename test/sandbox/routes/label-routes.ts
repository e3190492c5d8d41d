/**
 * Repository labels and the labels on an issue or pull request.
 */
import { nextId } from '../simulator-state.js';
import { renderLabel } from '../shapes/issue-shapes.js';
import { findIssue, labelNames, setIssueLabels } from './issue-routes.js';
import {
  errorResponse,
  listPage,
  noContent,
  notFound,
  ok,
  unprocessable,
  withRepository,
} from './route-handler.js';
import type { RouteTable } from './route-handler.js';

type LabelsBody = { labels?: (string | { name?: string })[] } | undefined;

export const labelRoutes: RouteTable = {
  'issues/list-labels-for-repo': withRepository((request, repo) =>
    listPage(request, repo.labels, (label) => renderLabel(request, repo, label)),
  ),

  'issues/create-label': withRepository((request, repo) => {
    const body = request.body as { name: string; color?: string; description?: string };
    if (repo.labels.some((label) => label.name.toLowerCase() === body.name.toLowerCase())) {
      return unprocessable('Validation Failed', [
        { resource: 'Label', code: 'already_exists', field: 'name' },
      ]);
    }
    const label = {
      id: nextId(request.state),
      name: body.name,
      color: (body.color ?? 'ededed').replace(/^#/, ''),
      description: body.description ?? null,
    };
    repo.labels.push(label);
    return ok(renderLabel(request, repo, label), 201);
  }),

  'issues/list-labels-on-issue': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    const labels = repo.labels.filter((label) => issue.labels.includes(label.name));
    return listPage(request, labels, (label) => renderLabel(request, repo, label));
  }),

  'issues/add-labels': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    const added = labelNames((request.body as LabelsBody)?.labels ?? []);
    setIssueLabels(request, repo, issue, [...issue.labels, ...added]);
    issue.updatedAt = request.now;
    return ok(
      repo.labels
        .filter((label) => issue.labels.includes(label.name))
        .map((l) => renderLabel(request, repo, l)),
    );
  }),

  'issues/set-labels': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    setIssueLabels(request, repo, issue, labelNames((request.body as LabelsBody)?.labels ?? []));
    issue.updatedAt = request.now;
    return ok(
      repo.labels
        .filter((label) => issue.labels.includes(label.name))
        .map((l) => renderLabel(request, repo, l)),
    );
  }),

  'issues/remove-label': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    const name = (request.params.name ?? '').toLowerCase();
    if (!issue || !issue.labels.some((label) => label.toLowerCase() === name)) {
      return errorResponse(404, 'Label does not exist');
    }
    issue.labels = issue.labels.filter((label) => label.toLowerCase() !== name);
    issue.updatedAt = request.now;
    return ok(
      repo.labels
        .filter((label) => issue.labels.includes(label.name))
        .map((l) => renderLabel(request, repo, l)),
    );
  }),

  'issues/remove-all-labels': withRepository((request, repo) => {
    const issue = findIssue(repo, Number(request.params.issue_number));
    if (!issue) return notFound();
    issue.labels = [];
    issue.updatedAt = request.now;
    return noContent();
  }),
};
