import { compactPayload } from '../../app/handlers/compact-payload.js';
import { openStore } from '../../app/store/open-store.js';
import { mightTrigger } from '../../app/core/detect-trigger.js';
import { createNodeMiddleware, Probot } from 'probot';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { signPayload, webhookExamples } from '../sandbox/deliver-webhook.js';
import { testPrivateKey } from '../support/start-app-server.js';

const SECRET = 's';
const store = await openStore({ dataDir: 'memory://' });
async function serve(fn: (ev: { id: string; name: string; payload: unknown }) => Promise<void>) {
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), secret: SECRET, logLevel: 'fatal' });
  const mw = await createNodeMiddleware(
    (app) => {
      app.on(['issues', 'issue_comment'], async (c) => fn({ id: c.id, name: c.name, payload: c.payload }));
    },
    { probot },
  );
  const server = createServer((req, res) => void mw(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
}
const comment = webhookExamples('issue_comment').find((p: any) => p.action === 'created') as any;
const bodies = Array.from({ length: 200 }, (_, i) => {
  const p = structuredClone(comment);
  p.comment.body = i % 2 ? '/parallel-dev' : 'hi';
  return JSON.stringify(p);
});
async function fire(url: string) {
  const lat = await Promise.all(
    bodies.map(async (b) => {
      const s = performance.now();
      const r = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issue_comment',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signPayload(SECRET, b),
        },
        body: b,
      });
      await r.text();
      return performance.now() - s;
    }),
  );
  lat.sort((a, b) => a - b);
  return lat[197]!;
}
const urls = {
  bare: await serve(async () => {}),
  prefilter: await serve(async (ev) => {
    mightTrigger(ev);
  }),
  record: await serve(async (ev) => {
    if (mightTrigger(ev))
      await store.recordDelivery({
        id: ev.id,
        event: ev.name,
        repo: 'a/b',
        payload: compactPayload(ev.payload),
      });
  }),
};
for (const k of Object.keys(urls)) await fire((urls as any)[k]);
const res: Record<string, number[]> = {};
for (let r = 0; r < 7; r++) for (const [k, u] of Object.entries(urls)) (res[k] ??= []).push(await fire(u));
for (const [k, v] of Object.entries(res)) {
  v.sort((a, b) => a - b);
  console.log(k, 'median p99', v[3]!.toFixed(1), v.map((x) => x.toFixed(0)).join(' '));
}
process.exit(0);
