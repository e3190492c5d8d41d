/**
 * The real autodev Probot app behind a real HTTP server, talking to the GitHub simulator over real
 * HTTP, fed real signed deliveries. One per test file (PGlite costs a second or two to start).
 */
import { randomUUID } from 'node:crypto';
import type { AutodevOptions, AutodevRuntime } from '../../app/index.js';
import type { Planner } from '../../app/planner/planner.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { deliverWebhook } from '../sandbox/deliver-webhook.js';
import {
  type GitHubSimulator,
  type SimulatorSeed,
  startGitHubSimulator,
} from '../sandbox/github-simulator.js';
import { startAppServer } from './start-app-server.js';

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
  seed?: SimulatorSeed;
  /** Share a simulator (and its state) with another harness, as two app processes would. */
  github?: GitHubSimulator;
  /** Share a database with another harness. */
  store?: Store;
  planner: Planner;
  app?: Partial<AutodevOptions>;
  secret?: string;
}): Promise<AppHarness> {
  const secret = options.secret ?? WEBHOOK_SECRET;
  if (!options.github && !options.seed) throw new Error('startAppHarness needs a seed or a simulator');
  const github = options.github ?? (await startGitHubSimulator({ seed: options.seed!, port: 0 }));
  const store = options.store ?? (await openStore({ dataDir: 'memory://' }));
  const server = await startAppServer({
    baseUrl: github.url,
    secret,
    appId: options.seed?.app?.id ?? github.state().app.id,
    app: { store, planner: options.planner, ...options.app },
  });
  const { runtime, webhookUrl } = server;

  return {
    github,
    store,
    runtime,
    webhookUrl,
    async deliver(name, payload, deliverOptions = {}) {
      const result = await deliverWebhook({
        url: webhookUrl,
        secret: deliverOptions.secret ?? secret,
        name,
        payload,
        id: deliverOptions.id ?? randomUUID(),
      });
      await runtime.worker.idle();
      return { status: result.status, id: result.id };
    },
    async close() {
      await server.close();
      if (!options.github) await github.close();
      if (!options.store) await store.close();
    },
  };
}
