/**
 * The dashboard over real HTTP on a real store: refused without credentials, served with the token or
 * the login cookie, and live — a run saved in the store reaches an open event stream, and a closed
 * stream leaves nothing polling. Also mounted in the real app, off until a token is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard, type Dashboard } from '../../app/dashboard/dashboard-handler.js';
import type { DashboardSnapshot } from '../../app/dashboard/dashboard-view.js';
import { silentLog } from '../../app/core/logger.js';
import { outlinePlanner } from '../../app/planner/scripted-planner.js';
import type { Run } from '../../app/runs/run.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { startGitHubSimulator } from '../sandbox/github-simulator.js';
import { aPlan, aRun, must } from '../runs/run-fixtures.js';
import { startAppServer } from '../support/start-app-server.js';
import { openEventStream } from './event-stream.js';

const TOKEN = 'test-dashboard-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };

let store: Store;
let dashboard: Dashboard;
let server: Server;
let base: string;
let run: Run;

beforeAll(async () => {
  store = await openStore({ dataDir: 'memory://' });
  ({ run } = await store.createRun(aRun({ id: 'run-dash-1' })));
  dashboard = createDashboard({
    store,
    log: silentLog,
    token: TOKEN,
    webUrl: 'https://github.example',
    pollMs: 20,
  });
  server = createServer((req, res) => {
    void dashboard.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('not the dashboard');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  dashboard?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await store?.close();
});

const request = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { redirect: 'manual', ...init });

function loginForm(token: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  };
}

async function logIn(): Promise<string> {
  const response = await request('/dashboard/login', loginForm(TOKEN, { origin: base }));
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('without credentials', () => {
  it('shows the login form instead of the page', async () => {
    const response = await request('/dashboard');
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(body).toContain('<form method="post" action="/dashboard/login">');
    expect(body).not.toContain('run-dash-1');
  });

  it('refuses the API and the event stream with a message saying how to get in', async () => {
    for (const path of ['/dashboard/api/runs', '/dashboard/events']) {
      const response = await request(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="autodev dashboard"');
      expect(await response.json()).toEqual({
        error: expect.stringContaining('log in at /dashboard/login or send "Authorization: Bearer <token>"'),
      });
    }
  });

  it('refuses a wrong token as bearer and in the login form', async () => {
    const api = await request('/dashboard/api/runs', { headers: { authorization: 'Bearer not-the-token' } });
    expect(api.status).toBe(401);
    expect((await api.json()) as { error: string }).toEqual({ error: expect.stringContaining('not valid') });
    const login = await request('/dashboard/login', loginForm('not-the-token'));
    expect(login.status).toBe(401);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await login.text()).toContain('That token is not the dashboard token');
  });

  it('refuses a login form posted from another site', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const response = await request('/dashboard/login', loginForm(TOKEN, { origin }));
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('still serves the static script and stylesheet, which hold no data', async () => {
    const script = await request('/dashboard/assets/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("new EventSource('/dashboard/events')");
    expect((await request('/dashboard/assets/secrets.json')).status).toBe(404);
  });

  it('leaves other paths to the next handler', async () => {
    const response = await request('/dashboards');
    expect(response.status).toBe(418);
  });
});

describe('with the token', () => {
  it('serves the runs as JSON to a bearer token', async () => {
    const response = await request('/dashboard/api/runs', { headers: bearer });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const view = (await response.json()) as DashboardSnapshot;
    expect(view.repositories.map((r) => r.repo)).toEqual(['acme/widgets']);
    expect(view.repositories[0]!.runs[0]).toMatchObject({
      id: 'run-dash-1',
      state: 'planning',
      links: { issue: 'https://github.example/acme/widgets/issues/7' },
    });
  });

  it('logs a browser in with an HttpOnly SameSite=Strict cookie that opens the page, and out again', async () => {
    const response = await request('/dashboard/login', loginForm(TOKEN, { origin: base }));
    expect(response.headers.get('location')).toBe('/dashboard');
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(
      /^autodev_dashboard=[\w-]+; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;

    const page = await request('/dashboard', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<h1>autodev runs</h1>');
    expect(html).toContain('aria-live="polite"');
    expect((await request('/dashboard/api/runs', { headers: { cookie } })).status).toBe(200);

    const out = await request('/dashboard/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^autodev_dashboard=; .*Max-Age=0/);
  });

  it('answers an unknown dashboard path and a wrong method with what to use', async () => {
    const missing = await request('/dashboard/nope', { headers: bearer });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'No dashboard page at /dashboard/nope; the page is /dashboard.',
    });
    const post = await request('/dashboard/api/runs', { method: 'POST', headers: bearer });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});

describe('the event stream', () => {
  it('sends the runs at once, then an update when a run changes, and stops polling when closed', async () => {
    const cookie = await logIn();
    const stream = await openEventStream(`${base}/dashboard/events`, { cookie });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const first = await stream.next<DashboardSnapshot>('runs');
    expect(first.repositories[0]!.runs.find((r) => r.id === run.id)!.state).toBe('planning');
    expect(dashboard.connections()).toBe(1);

    const planned = must(run, { type: 'planned', plan: aPlan(), requireApproval: false });
    run = await store.saveRun(planned);
    const update = await stream.next<DashboardSnapshot>('runs');
    const shown = update.repositories[0]!.runs.find((r) => r.id === run.id)!;
    expect(shown.state).toBe('running');
    expect(shown.tasks.map((t) => t.id)).toEqual(['a', 'b']);

    stream.close();
    const deadline = Date.now() + 10_000;
    while (dashboard.connections() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(dashboard.connections()).toBe(0);
    await dashboard.feed.settled();
    expect(dashboard.feed.listenerCount).toBe(0);
    expect(dashboard.feed.active).toBe(false);
  });

  it('refuses more live views than configured, saying so', async () => {
    const small = createDashboard({ store, log: silentLog, token: TOKEN, maxConnections: 1, pollMs: 50 });
    const one = createServer((req, res) => void small.handle(req, res));
    await new Promise<void>((resolve) => one.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(one.address() as AddressInfo).port}/dashboard/events`;
    const first = await openEventStream(url, bearer);
    await first.next('runs');
    const second = await fetch(url, { headers: bearer });
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ error: expect.stringContaining('already serves 1 live views') });
    first.close();
    small.close();
    one.closeAllConnections();
    await new Promise<void>((resolve) => one.close(() => resolve()));
  });
});

describe('mounted in the app', () => {
  it('is off without a token, saying how to enable it, and on with one', async () => {
    const github = await startGitHubSimulator({ seed: { users: [], repositories: [] }, port: 0 });
    const off = await startAppServer({
      baseUrl: github.url,
      secret: 's',
      app: { store, planner: outlinePlanner },
    });
    const on = await startAppServer({
      baseUrl: github.url,
      secret: 's',
      app: { store, planner: outlinePlanner, dashboard: { token: TOKEN } },
    });
    try {
      const dashboardOf = (server: { webhookUrl: string }, path: string, headers = {}) =>
        fetch(new URL(path, server.webhookUrl), { headers });
      const closed = await dashboardOf(off, '/dashboard', bearer);
      expect(closed.status).toBe(404);
      expect(await closed.text()).toContain('The dashboard is off. Set AUTODEV_DASHBOARD_TOKEN');
      expect((await dashboardOf(off, '/dashboard/api/runs', bearer)).status).toBe(404);

      expect((await dashboardOf(on, '/dashboard/api/runs')).status).toBe(401);
      const open = await dashboardOf(on, '/dashboard/api/runs', bearer);
      expect(open.status).toBe(200);
      expect(((await open.json()) as DashboardSnapshot).repositories[0]!.runs[0]!.id).toBe(run.id);
    } finally {
      await off.close();
      await on.close();
      await github.close();
    }
  });
});
