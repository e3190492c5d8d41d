/**
 * p99 acknowledgement latency of 200 concurrent signed deliveries: autodev vs a bare Probot app that
 * does nothing, side by side in one process run. Rounds alternate between the two so machine noise
 * hits both. autodev's deliveries are a realistic mix (commands that start runs, plain comments,
 * issues opened without the label). The work a burst causes (runs planned, comments written,
 * waves dispatched to a simulator in another process) runs in the same process during that burst,
 * as it would in production; before the next burst the app is let finish it, so each burst meets an
 * app in the same state the bare app always is: idle.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';
import { outlinePlanner } from '../../app/planner/scripted-planner.js';
import { openStore } from '../../app/store/open-store.js';
import { startAppServer, testPrivateKey } from '../support/start-app-server.js';
import { spawnSimulator } from './spawn-simulator.js';
import { signPayload, webhookExamples } from '../sandbox/deliver-webhook.js';

const CONCURRENCY = 200;
const ROUNDS = 9;
const SECRET = 'bench-secret';

interface Prepared {
  name: string;
  body: string;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

function prepareDeliveries(count: number): Prepared[] {
  const comment = webhookExamples('issue_comment').find(
    (p) => (p as { action?: string }).action === 'created',
  ) as Record<string, unknown>;
  const opened = webhookExamples('issues').find((p) => (p as { action?: string }).action === 'opened');
  const out: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 3) {
      out.push({ name: 'issues', body: JSON.stringify(opened) });
      continue;
    }
    const payload = structuredClone(comment) as {
      comment: { id: number; body: string };
      [key: string]: unknown;
    };
    payload.comment.id = 1_000_000 + i;
    payload.comment.body = kind === 0 ? `/parallel-dev feature="Bench feature ${i}"` : `Thanks! (${i})`;
    out.push({ name: 'issue_comment', body: JSON.stringify(payload) });
  }
  return out;
}

async function fire(url: string, deliveries: Prepared[], secret: string): Promise<number[]> {
  const signed = deliveries.map((d) => ({ ...d, signature: signPayload(secret, d.body) }));
  return Promise.all(
    signed.map(async (d) => {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': d.name,
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': d.signature,
          'user-agent': 'GitHub-Hookshot/bench',
        },
        body: d.body,
      });
      await response.text();
      const elapsed = performance.now() - started;
      if (response.status >= 300) throw new Error(`delivery answered ${response.status}`);
      return elapsed;
    }),
  );
}

async function startBareProbot(): Promise<{ url: string; close(): Promise<void> }> {
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), secret: SECRET, logLevel: 'fatal' });
  const middleware = await createNodeMiddleware(() => {}, { probot });
  const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function benchAckLatency(): Promise<{ bareP99: number; autodevP99: number; ratio: number }> {
  const bare = await startBareProbot();
  const github = await spawnSimulator({
    users: [{ login: 'Codertocat' }],
    repositories: [
      {
        owner: 'Codertocat',
        name: 'Hello-World',
        files: { 'README.md': '# Hello\n' },
        collaborators: { Codertocat: 'admin' },
        issues: [
          { title: 'Spelling error in the README file', body: '- fix the spelling', author: 'Codertocat' },
        ],
      },
    ],
  });
  const store = await openStore({ dataDir: 'memory://' });
  const autodev = await startAppServer({
    baseUrl: github.url,
    secret: SECRET,
    app: { store, planner: outlinePlanner },
  });
  const deliveries = prepareDeliveries(CONCURRENCY);
  const bareP99s: number[] = [];
  const autodevP99s: number[] = [];
  try {
    // Warm-up: JIT, connection pools, PGlite's first statements.
    await fire(bare.url, deliveries.slice(0, 20), SECRET);
    await fire(autodev.webhookUrl, deliveries.slice(0, 20), SECRET);
    await autodev.runtime.worker.idle();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['bare', 'autodev'] : ['autodev', 'bare'];
      for (const which of order) {
        const url = which === 'bare' ? bare.url : autodev.webhookUrl;
        const latencies = (await fire(url, deliveries, SECRET)).sort((a, b) => a - b);
        (which === 'bare' ? bareP99s : autodevP99s).push(percentile(latencies, 99));
        await autodev.runtime.worker.idle();
      }
    }
    await autodev.runtime.worker.idle();
  } finally {
    await autodev.close();
    await bare.close();
    await store.close();
    github.close();
  }
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const bareP99 = median(bareP99s);
  const autodevP99 = median(autodevP99s);
  return { bareP99, autodevP99, ratio: autodevP99 / bareP99 };
}
