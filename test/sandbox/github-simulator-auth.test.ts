import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import { DEMO_REPO, loadDemoSeed, simulatorOctokit } from './demo-simulator.js';
import { startGitHubSimulator } from './github-simulator.js';
import type { GitHubSimulator, Violation } from './github-simulator.js';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const seed = loadDemoSeed();
seed.app = { id: 42, slug: 'autodev', publicKey: keys.publicKey };

let simulator: GitHubSimulator;
let startMs: number;
const reported: Violation[] = [];

beforeAll(async () => {
  const started = performance.now();
  simulator = await startGitHubSimulator({ seed, onViolation: (violation) => reported.push(violation) });
  startMs = performance.now() - started;
});

afterAll(async () => {
  await simulator.close();
});

function signJwt(privateKey: string, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

function request(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `token ${init.token}`;
  return fetch(`${simulator.url}${path}`, { ...init, headers });
}

const now = () => Math.floor(Date.now() / 1000);

it('starts quickly (the description is parsed once per process)', () => {
  expect(startMs).toBeLessThan(3000);
});

describe('authentication like a GitHub App', () => {
  it('lets Probot authenticate as the app and as its installation', async () => {
    const probot = new Probot({
      appId: 42,
      privateKey: keys.privateKey,
      baseUrl: simulator.url,
      logLevel: 'fatal',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const asApp = await probot.auth();
    const { data: app } = await asApp.rest.apps.getAuthenticated();
    expect(app).toMatchObject({ id: 42, slug: 'autodev' });
    const { data: installation } = await asApp.rest.apps.getRepoInstallation(DEMO_REPO);
    expect(installation.id).toBe(1);

    const asInstallation = await probot.auth(installation.id);
    const { data: issue } = await asInstallation.rest.issues.get({ ...DEMO_REPO, issue_number: 1 });
    expect(issue.title).toBe('Add a farewell function');
    expect(simulator.state().tokens).toHaveLength(1);
  });

  it('refuses JWTs signed by another key, expired or issued for another app', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const valid = { iat: now() - 30, exp: now() + 540, iss: 42 };
    expect((await request('/app', { token: signJwt(keys.privateKey, valid) })).status).toBe(200);
    expect((await request('/app', { token: signJwt(other.privateKey, valid) })).status).toBe(401);
    const expired = signJwt(keys.privateKey, { ...valid, exp: now() - 600 });
    expect((await request('/app', { token: expired })).status).toBe(401);
    const foreign = signJwt(keys.privateKey, { ...valid, iss: 7 });
    expect((await request('/app', { token: foreign })).status).toBe(401);
    expect((await request('/app', { token: simulator.createInstallationToken() })).status).toBe(401);
  });

  it('requires an issued installation token for repository endpoints', async () => {
    expect((await request('/repos/octo-org/hello-world')).status).toBe(401);
    const bogus = await request('/repos/octo-org/hello-world', { token: 'ghs_made_up' });
    expect(bogus.status).toBe(401);
    expect(await bogus.json()).toMatchObject({ message: 'Bad credentials' });
    const jwt = signJwt(keys.privateKey, { iat: now(), exp: now() + 60, iss: 42 });
    expect((await request('/repos/octo-org/hello-world', { token: jwt })).status).toBe(401);
    const issued = await request('/repos/octo-org/hello-world', {
      token: simulator.createInstallationToken(),
    });
    expect(issued.status).toBe(200);
  });
});

describe("requests outside GitHub's OpenAPI description", () => {
  it('rejects a body the operation does not allow, records it, and changes nothing', async () => {
    reported.length = 0;
    const before = simulator.state().repositories[0]?.issues.length;
    const github = simulatorOctokit(simulator);
    // Deliberately outside the description (and so outside octokit's types too).
    const title = { text: 'x' } as unknown as string;
    const invalid = github.request('POST /repos/{owner}/{repo}/issues', { ...DEMO_REPO, title });
    await expect(invalid).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "not allowed by GitHub's OpenAPI description: body/title must be string",
      ),
    });
    expect(simulator.state().repositories[0]?.issues.length).toBe(before);
    expect(reported).toEqual([
      expect.objectContaining({ where: 'request', operationId: 'issues/create', method: 'POST' }),
    ]);
  });

  it('rejects a path no operation has, and bad query values', async () => {
    reported.length = 0;
    const token = simulator.createInstallationToken();
    const missing = await request('/repos/octo-org/hello-world/not-an-endpoint', { token });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toContain(
      "not allowed by GitHub's OpenAPI description",
    );
    const badQuery = await request('/repos/octo-org/hello-world/issues?state=opened', { token });
    expect(badQuery.status).toBe(400);
    const badJson = await request('/repos/octo-org/hello-world/issues', { token, method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
    expect(reported.map((violation) => violation.where)).toEqual(['route', 'request', 'request']);
    expect(simulator.violations).toEqual(expect.arrayContaining(reported));
  });

  it('answers 501 without a violation for real operations the sandbox does not model', async () => {
    reported.length = 0;
    const response = await request('/repos/octo-org/hello-world/releases', {
      token: simulator.createInstallationToken(),
    });
    expect(response.status).toBe(501);
    expect(reported).toEqual([]);
  });
});

describe('sandbox endpoints', () => {
  it('serves state and violations, and resets to the seed', async () => {
    const token = simulator.createInstallationToken();
    const seeded = simulator.state().repositories[0]?.comments.map((comment) => comment.body) ?? [];
    await request('/repos/octo-org/hello-world/issues/1/comments', {
      token,
      method: 'POST',
      body: JSON.stringify({ body: 'hello' }),
    });
    const state = (await (await fetch(`${simulator.url}/_sandbox/state`)).json()) as {
      repositories: { comments: { body: string }[] }[];
    };
    expect(state.repositories[0]?.comments.map((comment) => comment.body)).toEqual([...seeded, 'hello']);
    const violations = (await (await fetch(`${simulator.url}/_sandbox/violations`)).json()) as unknown[];
    expect(violations.length).toBe(simulator.violations.length);

    const reset = await fetch(`${simulator.url}/_sandbox/reset`, { method: 'POST' });
    expect(reset.status).toBe(204);
    expect(simulator.state().repositories[0]?.comments.map((comment) => comment.body)).toEqual(seeded);
    expect(simulator.violations).toEqual([]);
    expect((await request('/repos/octo-org/hello-world', { token })).status).toBe(401);
  });
});
