/**
 * What every simulated endpoint gets and returns. Handlers are keyed by GitHub's operationId, so the
 * OpenAPI router decides which one runs; a handler only sees requests that already fit the description.
 */
import { findRepository } from '../simulator-state.js';
import type { RepositoryRecord, SimulatorState } from '../simulator-state.js';
import type { ShapeContext } from '../shapes/user-shape.js';

export interface RouteRequest extends ShapeContext {
  state: SimulatorState;
  /** Raw path of the request, without the query string. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; already checked against the operation's schema. */
  body: unknown;
  /** Login of the authenticated caller (the app's bot for installation tokens). */
  actor: string;
  now: string;
}

export interface RouteResponse {
  status: number;
  /** undefined for bodiless answers such as 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: RouteRequest) => RouteResponse;

/** operationId → handler */
export type RouteTable = Record<string, RouteHandler>;

const DOCS = 'https://docs.github.com/rest';

export function ok(body: unknown, status = 200): RouteResponse {
  return { status, body };
}

export function noContent(): RouteResponse {
  return { status: 204 };
}

export function errorResponse(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): RouteResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

export function notFound(): RouteResponse {
  return errorResponse(404, 'Not Found');
}

/** GitHub's 422 shape: a message plus per-field errors. */
export function unprocessable(message: string, errors: unknown[] = []): RouteResponse {
  return errorResponse(422, message, errors.length ? { errors } : {});
}

/** Runs `handler` with the addressed repository, or answers 404 like GitHub does for unknown repos. */
export function withRepository(
  handler: (request: RouteRequest, repo: RepositoryRecord) => RouteResponse,
): RouteHandler {
  return (request) => {
    const repo = findRepository(request.state, request.params.owner ?? '', request.params.repo ?? '');
    return repo ? handler(request, repo) : notFound();
  };
}

/**
 * One page of a list by GitHub's `per_page` (default 30, max 100) and `page`, with the `Link` header
 * octokit's paginate follows to the next page.
 */
export function listPage<T>(request: RouteRequest, items: T[], render: (item: T) => unknown): RouteResponse {
  const perPage = Math.min(Number(request.query.per_page ?? 30) || 30, 100);
  const page = Math.max(Number(request.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage).map(render);
  if (page >= last) return { status: 200, body };
  const link = (target: number) => {
    const query = new URLSearchParams({ ...request.query, page: String(target), per_page: String(perPage) });
    return `<${request.baseUrl}${request.path}?${query.toString()}>`;
  };
  return { status: 200, body, headers: { link: `${link(page + 1)}; rel="next", ${link(last)}; rel="last"` } };
}
