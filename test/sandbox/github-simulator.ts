/**
 * A stateful local GitHub REST API for end-to-end tests and `npm run sandbox`. Every request and response
 * is checked against GitHub's OpenAPI description; whatever does not fit is recorded as a Violation,
 * logged to stderr, and (for requests) refused, so a test that passes here used GitHub's API as documented.
 *
 * Besides GitHub's paths it serves `/_sandbox/…` (state snapshot, reset, finishing workflow runs).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadOpenApiValidator } from './openapi-validator.js';
import type { OpenApiValidator } from './openapi-validator.js';
import { handleSandboxRequest } from './sandbox-endpoints.js';
import { createSimulatorState } from './simulator-seed.js';
import type { SimulatorSeed } from './simulator-seed.js';
import { timestamp } from './simulator-state.js';
import type { RunConclusion, SimulatorState, WorkflowRunRecord } from './simulator-state.js';
import { completeWorkflowRun, startWorkflowRun } from './routes/action-routes.js';
import { issueInstallationToken } from './routes/app-routes.js';
import { answerGitHubRequest } from './simulator-pipeline.js';
import type { RecordedRequest, Violation } from './simulator-pipeline.js';

export type { SimulatorSeed } from './simulator-seed.js';
export type { SimulatorState } from './simulator-state.js';
export type { RecordedRequest, Violation } from './simulator-pipeline.js';

export interface GitHubSimulator {
  url: string;
  port: number;
  /** The live state (mutating it arranges a scenario); `GET /_sandbox/state` serves a snapshot. */
  state(): SimulatorState;
  violations: Violation[];
  requests: RecordedRequest[];
  /** Starts over from `seed` (default: the seed given at start) and clears violations and requests. */
  reset(seed?: SimulatorSeed): void;
  /** Issues an installation token, as `POST /app/installations/{id}/access_tokens` would. */
  createInstallationToken(): string;
  startWorkflowRun(id: number): WorkflowRunRecord | undefined;
  completeWorkflowRun(id: number, conclusion: RunConclusion): WorkflowRunRecord | undefined;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  seed: SimulatorSeed;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Called for each violation; defaults to a loud line on stderr. */
  onViolation?: (violation: Violation) => void;
  /** Defaults to the process-wide validator over @octokit/openapi's api.github.com description. */
  validator?: OpenApiValidator;
}

export async function startGitHubSimulator(options: SimulatorOptions): Promise<GitHubSimulator> {
  const validator = options.validator ?? loadOpenApiValidator();
  let seed = options.seed;
  let state = createSimulatorState(seed);
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const report = options.onViolation ?? logViolation;
  let baseUrl = '';

  const simulator: GitHubSimulator = {
    url: '',
    port: 0,
    state: () => state,
    violations,
    requests,
    reset(next = seed) {
      seed = next;
      state = createSimulatorState(next);
      violations.length = 0;
      requests.length = 0;
    },
    createInstallationToken: () => issueInstallationToken(state).token,
    startWorkflowRun: (id) => startWorkflowRun(state, id, timestamp()),
    completeWorkflowRun: (id, conclusion) => completeWorkflowRun(state, id, conclusion, timestamp()),
    close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      console.error('[github-simulator] internal error', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `simulator error: ${String(error)}` }));
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const url = new URL(request.url ?? '/', baseUrl);
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/_sandbox/')) {
      const answer = handleSandboxRequest(simulator, method, url.pathname, raw);
      if (answer.text !== undefined) {
        response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
        return void response.end(answer.text);
      }
      return send(response, answer.status, answer.body, {});
    }
    const answer = answerGitHubRequest(
      { validator, state, baseUrl, appPublicKey: seed.app?.publicKey },
      { method, url, authorization: request.headers.authorization, body: raw },
    );
    for (const violation of answer.violations) {
      violations.push(violation);
      report(violation);
    }
    requests.push(answer.record);
    send(response, answer.status, answer.body, answer.headers);
  }

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ready());
  });
  // Keep-alive sockets from clients must not hold close() open at the end of a test.
  server.keepAliveTimeout = 1000;
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  simulator.url = baseUrl;
  simulator.port = port;
  return simulator;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-github-media-type': 'github.v3; format=json',
    ...headers,
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

function logViolation(violation: Violation): void {
  const operation = violation.operationId ? ` (${violation.operationId})` : '';
  console.error(
    `[github-simulator] ✖ OpenAPI violation in the ${violation.where}: ${violation.method} ${violation.path}${operation}\n` +
      violation.errors.map((error) => `    - ${error}`).join('\n'),
  );
}
