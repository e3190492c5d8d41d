/**
 * The dashboard on the app's own HTTP server (mounted through Probot's `addHandler`, so `autodev start`
 * and the sandbox serve the same page):
 *
 *   GET  /dashboard             the page (the login form without a session)
 *   POST /dashboard/login       checks the token, sets the session cookie
 *   POST /dashboard/logout      clears it
 *   GET  /dashboard/api/runs    the runs as JSON (dashboard-view.ts)
 *   GET  /dashboard/events      the same JSON pushed as server-sent events whenever a run changes
 *   GET  /dashboard/assets/*    the page's script and stylesheet (no data in them)
 *
 * Access rules are in dashboard-access.ts. Requests for any other path are left to the next handler.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { packageRoot } from '../cli/repo-root.js';
import type { Log } from '../core/logger.js';
import type { Store } from '../store/store.js';
import {
  checkCredentials,
  dashboardAccess,
  sameSecret,
  sessionCookie,
  sessionValue,
} from './dashboard-access.js';
import { dashboardPage, disabledPage, loginPage } from './dashboard-page.js';
import { type DashboardSnapshot, dashboardView, snapshotKey } from './dashboard-view.js';
import { RunFeed } from './run-feed.js';

export interface DashboardOptions {
  /** The access token (AUTODEV_DASHBOARD_TOKEN); without one the dashboard is off. */
  token?: string | undefined;
  /** Where repositories open in a browser (default https://github.com). */
  webUrl?: string;
  /** How often the live feed reads the store while someone watches (default 1000 ms). */
  pollMs?: number;
  /** Runs shown, newest first (default 100). */
  runLimit?: number;
  /** Live connections served at once (default 20); more are refused with 503. */
  maxConnections?: number;
  /** Keep-alive comment interval on idle event streams (default 15 s). */
  heartbeatMs?: number;
}

export interface Dashboard {
  /** Probot handler: true when it answered the request. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Event streams currently open. */
  connections(): number;
  readonly feed: RunFeed<DashboardSnapshot>;
  close(): void;
}

const ASSETS: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: under that policy browsers send `Origin: null` with the login form, which the
  // same-origin check would refuse.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const MAX_FORM_BYTES = 4096;

export function createDashboard(
  // Only listRuns is used: anything that lists runs (a local run's record too) can back the dashboard.
  options: DashboardOptions & { store: Pick<Store, 'listRuns'>; log: Log; now?: () => Date },
): Dashboard {
  const access = dashboardAccess(options.token);
  if (!access.enabled && options.token) options.log.warn(access.reason);
  const now = options.now ?? (() => new Date());
  const webUrl = options.webUrl ?? 'https://github.com';
  const maxConnections = options.maxConnections ?? 20;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const load = async (): Promise<DashboardSnapshot> =>
    dashboardView(await options.store.listRuns({ limit: options.runLimit ?? 100 }), { now: now(), webUrl });
  const feed = new RunFeed<DashboardSnapshot>({
    load,
    key: snapshotKey,
    intervalMs: options.pollMs ?? 1000,
    onError: (error) => options.log.warn({ err: error }, 'dashboard: could not read the runs'),
  });
  const streams = new Set<() => void>();
  const assets = new Map<string, Buffer>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, ...extra });
    res.end(body);
  };
  const html = (res: ServerResponse, status: number, body: string, extra = {}) =>
    send(res, status, 'text/html; charset=utf-8', body, extra);
  const json = (res: ServerResponse, status: number, body: unknown, extra = {}) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), extra);

  async function asset(name: string, res: ServerResponse): Promise<void> {
    let body = assets.get(name);
    if (!body) {
      body = await readFile(join(packageRoot(), 'app', 'dashboard', 'static', name));
      assets.set(name, body);
    }
    // Assets hold no data, so they may be cached (briefly: an upgrade should show quickly).
    send(res, 200, ASSETS[name]!, body, { 'Cache-Control': 'public, max-age=300' });
  }

  async function login(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    if (!sameOrigin(req)) {
      html(res, 403, loginPage("The login form must be sent from this server's own page."));
      return;
    }
    const form = await readForm(req);
    if (form === null) {
      html(res, 413, loginPage('The login form was too large; send only the token.'));
      return;
    }
    const given = form.get('token')?.trim() ?? '';
    if (!given || !sameSecret(given, token)) {
      options.log.warn('dashboard: a login with a wrong token was refused');
      html(res, 401, loginPage('That token is not the dashboard token. Check AUTODEV_DASHBOARD_TOKEN.'));
      return;
    }
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      Location: '/dashboard',
      'Set-Cookie': sessionCookie(sessionValue(token), { secure: isHttps(req) }),
    });
    res.end();
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    if (streams.size >= maxConnections) {
      json(res, 503, {
        error: `The dashboard already serves ${maxConnections} live views; close one and reload.`,
      });
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    // A slow reader gets the newest snapshot once it catches up, never a growing backlog.
    let pending: string | undefined;
    const write = (snapshot: DashboardSnapshot) => {
      const frame = `event: runs\ndata: ${JSON.stringify(snapshot)}\n\n`;
      if (res.writableNeedDrain) pending = frame;
      else res.write(frame);
    };
    const onDrain = () => {
      if (pending === undefined) return;
      const frame = pending;
      pending = undefined;
      res.write(frame);
    };
    res.on('drain', onDrain);
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': keep-alive\n\n');
    }, heartbeatMs);
    heartbeat.unref();
    const unsubscribe = feed.subscribe(write);
    let closed = false;
    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      res.off('drain', onDrain);
      streams.delete(cleanup);
      if (!res.writableEnded) res.end();
    };
    streams.add(cleanup);
    req.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://dashboard.invalid').pathname;
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    const method = req.method ?? 'GET';
    const route = path.replace(/\/+$/, '') || '/dashboard';

    if (route.startsWith('/dashboard/assets/')) {
      const name = route.slice('/dashboard/assets/'.length);
      if (method !== 'GET' || !(name in ASSETS))
        html(res, 404, disabledPage(`No dashboard asset "${name}".`));
      else await asset(name, res);
      return true;
    }
    if (!access.enabled) {
      if (route === '/dashboard') html(res, 404, disabledPage(access.reason));
      else json(res, 404, { error: access.reason });
      return true;
    }
    if (route === '/dashboard/login') {
      if (method === 'POST') await login(req, res, access.token);
      else if (method === 'GET') html(res, 200, loginPage());
      else methodNotAllowed(res, 'GET, POST');
      return true;
    }
    if (route === '/dashboard/logout') {
      if (method !== 'POST') methodNotAllowed(res, 'POST');
      else {
        res.writeHead(303, {
          ...SECURITY_HEADERS,
          Location: '/dashboard/login',
          'Set-Cookie': sessionCookie('', { secure: isHttps(req), maxAgeSeconds: 0 }),
        });
        res.end();
      }
      return true;
    }

    const credentials = checkCredentials(
      { authorization: req.headers.authorization, cookie: req.headers.cookie },
      access.token,
    );
    if (credentials !== 'ok') {
      const message =
        credentials === 'missing'
          ? 'The dashboard needs the token: log in at /dashboard/login or send "Authorization: Bearer <token>".'
          : 'The dashboard token or session is not valid (the token may have changed): log in again at /dashboard/login.';
      if (route === '/dashboard') html(res, 401, loginPage(credentials === 'wrong' ? message : undefined));
      else json(res, 401, { error: message }, { 'WWW-Authenticate': 'Bearer realm="autodev dashboard"' });
      return true;
    }
    if (method !== 'GET') {
      methodNotAllowed(res, 'GET');
      return true;
    }
    switch (route) {
      case '/dashboard':
        html(res, 200, dashboardPage());
        break;
      case '/dashboard/api/runs':
        json(res, 200, await load());
        break;
      case '/dashboard/events':
        events(req, res);
        break;
      default:
        json(res, 404, { error: `No dashboard page at ${route}; the page is /dashboard.` });
    }
    return true;
  }

  function methodNotAllowed(res: ServerResponse, allow: string): void {
    json(res, 405, { error: `Use ${allow} here.` }, { Allow: allow });
  }

  return {
    handle,
    connections: () => streams.size,
    feed,
    close() {
      for (const cleanup of [...streams]) cleanup();
      feed.close();
    },
  };
}

function isHttps(req: IncomingMessage): boolean {
  return Boolean((req.socket as TLSSocket).encrypted) || req.headers['x-forwarded-proto'] === 'https';
}

/** A browser names the page a form was sent from; a form from another site is refused. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The url-encoded form body, or null when it is larger than a login form can be. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
