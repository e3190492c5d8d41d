/**
 * The metrics endpoint and the GitHub rate-limit reading, on a real HTTP server: open without a token,
 * HEAD and wrong methods, and x-ratelimit headers taken from answers and from error answers alike.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { meteredRequest, metricsHandler } from '../../app/observability/metrics-handler.js';
import { Metrics } from '../../app/observability/metrics.js';

const metrics = new Metrics();
let server: Server;
let base: string;

beforeAll(async () => {
  const handle = metricsHandler({ metrics });
  server = createServer((req, res) => {
    void handle(req, res).then((answered) => {
      if (!answered) res.writeHead(404).end('not mine');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('/metrics without a token', () => {
  it('serves the exposition format and leaves other paths to the next handler', async () => {
    metrics.webhookReceived('issues', 'recorded', 0.004);
    const response = await fetch(`${base}/metrics?x=1`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('# TYPE autodev_webhook_deliveries_total counter');
    expect(body).toContain('autodev_webhook_deliveries_total{event="issues",result="recorded"} 1');
    expect(body).toContain('autodev_webhook_ack_seconds_bucket{le="0.005",event="issues"} 1');
    expect((await fetch(`${base}/api/github/webhooks`)).status).toBe(404);
  });

  it('answers HEAD without a body and refuses writes', async () => {
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GitHub rate limit', () => {
  /** A GitHub-like API that answers with the rate-limit headers, 403 once the limit is spent. */
  let api: Server;
  let remaining = 5000;
  beforeAll(async () => {
    api = createServer((_req, res) => {
      remaining = Math.max(0, remaining - 2500);
      res
        .writeHead(remaining > 0 ? 200 : 403, {
          'content-type': 'application/json',
          'x-ratelimit-remaining': String(remaining),
          'x-ratelimit-resource': 'core',
        })
        .end('{}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  /** The shape of octokit's request: resolves with headers, rejects with error.response.headers. */
  const request = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${(api.address() as AddressInfo).port}${path}`);
    const headers = Object.fromEntries(response.headers.entries());
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response: { headers } });
    return { status: response.status, headers, data: await response.json() };
  };

  it('reports the remaining requests from answers and refusals', async () => {
    const metered = meteredRequest(request, metrics);
    const gauge = async () =>
      /autodev_github_rate_limit_remaining\{resource="core"\} (\d+)/.exec(
        await metrics.registry.metrics(),
      )?.[1];
    await metered('/repos/a/b');
    expect(await gauge()).toBe('2500');
    await expect(metered('/repos/a/b')).rejects.toThrow('HTTP 403');
    expect(await gauge()).toBe('0');
  });
});
