/**
 * The autodev Probot app behind a plain HTTP server, pointed at a GitHub API base URL. Used by the
 * sandbox (against the simulator), the end-to-end tests and the benchmarks; `autodev start` uses
 * Probot's own server instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';
import { autodevApp, type AutodevOptions, type AutodevRuntime } from '../index.js';
import { UnthrottledOctokit } from './unthrottled-octokit.js';

export interface LocalAppServer {
  webhookUrl: string;
  port: number;
  runtime: AutodevRuntime;
  close(): Promise<void>;
}

export async function startLocalAppServer(options: {
  baseUrl: string;
  secret: string;
  privateKey: string;
  appId?: number;
  port?: number;
  host?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  app: AutodevOptions;
}): Promise<LocalAppServer> {
  const probot = new Probot({
    appId: options.appId ?? 1,
    privateKey: options.privateKey,
    secret: options.secret,
    baseUrl: options.baseUrl,
    logLevel: options.logLevel ?? 'fatal',
    Octokit: UnthrottledOctokit,
  });
  let runtime: AutodevRuntime | undefined;
  const middleware = await createNodeMiddleware(
    autodevApp({
      ...options.app,
      onRuntime: (r) => {
        runtime = r;
        options.app.onRuntime?.(r);
      },
    }),
    { probot },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  if (!runtime) throw new Error('autodev app did not wire its runtime');
  const wired = runtime;
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://${options.host ?? '127.0.0.1'}:${port}/api/github/webhooks`,
    port,
    runtime: wired,
    async close() {
      await wired.worker.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
