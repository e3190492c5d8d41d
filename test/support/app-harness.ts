/**
 * The real autodev Probot app behind a real HTTP server, talking to the GitHub simulator over real
 * HTTP, fed real signed deliveries. One per test file (PGlite and the key pair cost a second or two).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';
import { UnthrottledOctokit } from '../../app/runtime/unthrottled-octokit.js';
import { autodevApp, type AutodevOptions, type AutodevRuntime } from '../../app/index.js';
import type { Planner } from '../../app/planner/planner.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { deliverWebhook } from '../sandbox/deliver-webhook.js';
import {
  type GitHubSimulator,
  type SimulatorSeed,
  startGitHubSimulator,
} from '../sandbox/github-simulator.js';

export const WEBHOOK_SECRET = 'harness-secret';

export interface AppHarness {
  github: GitHubSimulator;
  store: Store;
  runtime: AutodevRuntime;
  webhookUrl: string;
  /** Delivers a signed event, then waits until the app has finished the work it caused. */
  deliver(
    name: string,
    payload: unknown,
    options?: { id?: string; secret?: string },
  ): Promise<{ status: number; id: string }>;
  close(): Promise<void>;
}

export async function startAppHarness(options: {
  seed: SimulatorSeed;
  planner: Planner;
  app?: Partial<AutodevOptions>;
  secret?: string;
}): Promise<AppHarness> {
  const secret = options.secret ?? WEBHOOK_SECRET;
  const github = await startGitHubSimulator({ seed: options.seed, port: 0 });
  const store = await openStore({ dataDir: 'memory://' });
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const probot = new Probot({
    appId: options.seed.app?.id ?? 1,
    privateKey,
    secret,
    baseUrl: github.url,
    logLevel: 'fatal',
    Octokit: UnthrottledOctokit,
  });
  let runtime: AutodevRuntime | undefined;
  const middleware = await createNodeMiddleware(
    autodevApp({
      store,
      planner: options.planner,
      ...options.app,
      onRuntime: (r) => {
        runtime = r;
      },
    }),
    { probot },
  );
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (!runtime) throw new Error('autodev app did not wire its runtime');
  const wired = runtime;
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;

  return {
    github,
    store,
    runtime: wired,
    webhookUrl,
    async deliver(name, payload, deliverOptions = {}) {
      const result = await deliverWebhook({
        url: webhookUrl,
        secret: deliverOptions.secret ?? secret,
        name,
        payload,
        id: deliverOptions.id ?? randomUUID(),
      });
      await wired.worker.idle();
      return { status: result.status, id: result.id };
    },
    async close() {
      await wired.worker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await github.close();
      await store.close();
    },
  };
}
