/**
 * One GitHub API request through the simulator: find the operation in GitHub's description, authorise,
 * check the request, run the handler, check the response. Pure apart from the state the handler mutates,
 * so the HTTP server around it stays a thin adapter.
 */
import type { OpenApiValidator, RouteMatch } from './openapi-validator.js';
import { actionRoutes } from './routes/action-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { checkRoutes } from './routes/check-routes.js';
import { contentRoutes } from './routes/content-routes.js';
import { gitRoutes } from './routes/git-routes.js';
import { issueRoutes } from './routes/issue-routes.js';
import { labelRoutes } from './routes/label-routes.js';
import { pullFileRoutes } from './routes/pull-file-routes.js';
import { pullRoutes } from './routes/pull-routes.js';
import { reactionRoutes } from './routes/reaction-routes.js';
import { repositoryRoutes } from './routes/repository-routes.js';
import { errorResponse } from './routes/route-handler.js';
import type { RouteResponse, RouteTable } from './routes/route-handler.js';
import { authorize } from './simulator-auth.js';
import { timestamp } from './simulator-state.js';
import type { SimulatorState } from './simulator-state.js';

export interface Violation {
  method: string;
  path: string;
  operationId?: string;
  where: 'route' | 'request' | 'response';
  errors: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  requestBody?: unknown;
  status: number;
  /** Time spent finding the operation and validating request and response. */
  validationMs: number;
}

export interface PipelineContext {
  validator: OpenApiValidator;
  state: SimulatorState;
  baseUrl: string;
  appPublicKey: string | undefined;
}

export interface IncomingGitHubRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  /** Raw body text ('' when none). */
  body: string;
}

export interface PipelineAnswer extends RouteResponse {
  headers: Record<string, string>;
  violations: Violation[];
  record: RecordedRequest;
}

/** Every simulated endpoint, keyed by GitHub's operationId. */
export const SIMULATED_ROUTES: RouteTable = {
  ...appRoutes,
  ...repositoryRoutes,
  ...issueRoutes,
  ...labelRoutes,
  ...reactionRoutes,
  ...contentRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...pullFileRoutes,
  ...actionRoutes,
  ...checkRoutes,
};

const REJECTION = "not allowed by GitHub's OpenAPI description";

export function answerGitHubRequest(
  context: PipelineContext,
  incoming: IncomingGitHubRequest,
): PipelineAnswer {
  const { method, url } = incoming;
  const query = Object.fromEntries(url.searchParams);
  const violations: Violation[] = [];
  let validationMs = 0;
  const timed = <T>(work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      validationMs += performance.now() - start;
    }
  };
  const violation = (where: Violation['where'], errors: string[], operationId?: string) =>
    violations.push({
      method,
      path: url.pathname + url.search,
      ...(operationId ? { operationId } : {}),
      where,
      errors,
    });

  const match = timed(() => context.validator.findOperation(method, url.pathname));
  const finish = (response: RouteResponse, requestBody?: unknown): PipelineAnswer => ({
    status: response.status,
    body: response.body,
    headers: { 'x-github-request-id': `SIM-${Date.now().toString(16)}`, ...response.headers },
    violations,
    record: {
      method,
      path: url.pathname,
      query,
      ...(match ? { operationId: match.operationId } : {}),
      ...(requestBody === undefined ? {} : { requestBody }),
      status: response.status,
      validationMs,
    },
  });

  if (!match) {
    const error = `${method} ${url.pathname} matches no operation`;
    violation('route', [error]);
    return finish(errorResponse(404, `Not Found: ${error}; ${REJECTION}`));
  }
  const respond = (response: RouteResponse, requestBody?: unknown): PipelineAnswer => {
    const errors = timed(() => context.validator.validateResponse(match, response.status, response.body));
    if (errors.length) violation('response', errors, match.operationId);
    return finish(response, requestBody);
  };

  const auth = authorize(context.state, match.template, incoming.authorization, context.appPublicKey);
  if (!auth.ok) return respond(errorResponse(auth.status, auth.message));

  let body: unknown;
  if (incoming.body.trim()) {
    try {
      body = JSON.parse(incoming.body);
    } catch {
      violation('request', ['body is not valid JSON'], match.operationId);
      return respond(errorResponse(400, 'Problems parsing JSON'));
    }
  }
  const requestErrors = timed(() => context.validator.validateRequest(match, query, body));
  if (requestErrors.length) {
    violation('request', requestErrors, match.operationId);
    return respond(errorResponse(400, `Invalid request: ${REJECTION}: ${requestErrors.join('; ')}`), body);
  }

  const handler = SIMULATED_ROUTES[match.operationId];
  if (!handler) {
    // A real GitHub operation the sandbox has no model for: not the caller's fault, so no violation.
    console.error(`[github-simulator] not simulated: ${match.operationId} (${method} ${match.template})`);
    return finish(errorResponse(501, `The GitHub simulator does not implement ${match.operationId}`), body);
  }
  return respond(
    runHandler(context, match, handler, { query, body, actor: auth.actor, path: url.pathname }),
    body,
  );
}

function runHandler(
  context: PipelineContext,
  match: RouteMatch,
  handler: NonNullable<RouteTable[string]>,
  request: { query: Record<string, string>; body: unknown; actor: string; path: string },
): RouteResponse {
  return handler({
    state: context.state,
    baseUrl: context.baseUrl,
    params: match.params,
    now: timestamp(),
    ...request,
  });
}
