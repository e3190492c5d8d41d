/**
 * Check runs on commits. As on GitHub, giving a conclusion completes the run, and a completed run needs one.
 */
import { resolveCommit } from '../git-store.js';
import { nextId } from '../simulator-state.js';
import type { CheckRunRecord } from '../simulator-state.js';
import { renderCheckRun } from '../shapes/action-shapes.js';
import { listPage, notFound, ok, unprocessable, withRepository } from './route-handler.js';
import type { RouteResponse, RouteTable } from './route-handler.js';

interface CheckBody {
  name?: string;
  head_sha?: string;
  status?: CheckRunRecord['status'];
  conclusion?: string;
  details_url?: string;
  external_id?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
}

/** Applies a create/update body; returns a refusal when GitHub would refuse it. */
function applyCheckBody(check: CheckRunRecord, body: CheckBody, now: string): RouteResponse | undefined {
  const status = body.conclusion ? 'completed' : (body.status ?? check.status);
  const conclusion = body.conclusion ?? (status === 'completed' ? check.conclusion : null);
  if (status === 'completed' && !conclusion)
    return unprocessable('Invalid request.\n\nconclusion is missing.');
  check.status = status;
  check.conclusion = conclusion;
  if (body.name !== undefined) check.name = body.name;
  if (body.details_url !== undefined) check.detailsUrl = body.details_url;
  if (body.external_id !== undefined) check.externalId = body.external_id;
  if (body.started_at !== undefined) check.startedAt = body.started_at;
  check.completedAt = status === 'completed' ? (body.completed_at ?? check.completedAt ?? now) : null;
  if (body.output) {
    check.output = {
      title: body.output.title ?? null,
      summary: body.output.summary ?? null,
      text: body.output.text ?? null,
      annotationsCount: check.output.annotationsCount + (body.output.annotations?.length ?? 0),
    };
  }
  return undefined;
}

export const checkRoutes: RouteTable = {
  'checks/create': withRepository((request, repo) => {
    const body = request.body as CheckBody & { name: string; head_sha: string };
    if (!repo.commits[body.head_sha]) return unprocessable(`No commit found for SHA: ${body.head_sha}`);
    const check: CheckRunRecord = {
      id: nextId(request.state),
      name: body.name,
      headSha: body.head_sha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      detailsUrl: null,
      startedAt: request.now,
      completedAt: null,
      output: { title: null, summary: null, text: null, annotationsCount: 0 },
    };
    const refusal = applyCheckBody(check, body, request.now);
    if (refusal) return refusal;
    repo.checkRuns.push(check);
    return ok(renderCheckRun(request, repo, check), 201);
  }),

  'checks/update': withRepository((request, repo) => {
    const check = repo.checkRuns.find((candidate) => candidate.id === Number(request.params.check_run_id));
    if (!check) return notFound();
    const draft = structuredClone(check);
    const refusal = applyCheckBody(draft, (request.body ?? {}) as CheckBody, request.now);
    if (refusal) return refusal;
    Object.assign(check, draft);
    return ok(renderCheckRun(request, repo, check));
  }),

  'checks/get': withRepository((request, repo) => {
    const check = repo.checkRuns.find((candidate) => candidate.id === Number(request.params.check_run_id));
    return check ? ok(renderCheckRun(request, repo, check)) : notFound();
  }),

  'checks/list-for-ref': withRepository((request, repo) => {
    const ref = request.params.ref ?? '';
    const sha = resolveCommit(repo, ref);
    if (!sha) return unprocessable(`No commit found for SHA: ${ref}`);
    const { check_name: name, status } = request.query;
    const checks = repo.checkRuns
      .filter((check) => check.headSha === sha)
      .filter((check) => !name || check.name === name)
      .filter((check) => !status || check.status === status)
      .sort((a, b) => b.id - a.id);
    const page = listPage(request, checks, (check) => renderCheckRun(request, repo, check));
    return { ...page, body: { total_count: checks.length, check_runs: page.body } };
  }),
};
