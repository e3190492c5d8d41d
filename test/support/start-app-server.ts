/**
 * The autodev Probot app behind a real HTTP server on 127.0.0.1, pointed at a GitHub API base URL
 * (the simulator). Shared by the end-to-end harness and the benchmarks.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';
import { autodevApp, type AutodevOptions, type AutodevRuntime } from '../../app/index.js';
import { UnthrottledOctokit } from '../../app/runtime/unthrottled-octokit.js';

export interface AppServer {
  webhookUrl: string;
  runtime: AutodevRuntime;
  close(): Promise<void>;
}

let sharedKey: string | undefined;

/** One throwaway RSA key per process: the simulator accepts any well-formed app JWT. */
export function testPrivateKey(): string {
  sharedKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return sharedKey;
}

export async function startAppServer(options: {
  baseUrl: string;
  secret: string;
  appId?: number;
  app: AutodevOptions;
}): Promise<AppServer> {
  const probot = new Probot({
    appId: options.appId ?? 1,
    privateKey: testPrivateKey(),
    secret: options.secret,
    baseUrl: options.baseUrl,
    logLevel: 'fatal',
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (!runtime) throw new Error('autodev app did not wire its runtime');
  const wired = runtime;
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    runtime: wired,
    async close() {
      await wired.worker.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
