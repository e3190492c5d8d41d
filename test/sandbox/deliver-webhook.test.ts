import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { deliverWebhook, examplePayload, signPayload, webhookExamples } from './deliver-webhook.js';

describe('signPayload', () => {
  it('produces the signature @octokit/webhooks verifies', async () => {
    const body = JSON.stringify({ action: 'opened', note: 'ünïcode ✓' });
    const signature = signPayload('s3cret', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify('s3cret', body, signature)).toBe(true);
    expect(await verify('other', body, signature)).toBe(false);
  });
});

describe('deliverWebhook', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(202, { 'content-type': 'text/plain' }).end('queued');
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it('POSTs like GitHub: event, delivery id, signature, JSON body, Hookshot user agent', async () => {
    const payload = { action: 'created', comment: { body: '/parallel-dev' } };
    const result = await deliverWebhook({ url, secret: 'topsecret', name: 'issue_comment', payload });
    expect(result).toEqual({ status: 202, body: 'queued', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const [delivery] = received;
    expect(delivery?.headers).toMatchObject({
      'x-github-event': 'issue_comment',
      'x-github-delivery': result.id,
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
    });
    expect(JSON.parse(delivery?.body ?? '')).toEqual(payload);
    const signature = String(delivery?.headers['x-hub-signature-256']);
    expect(await verify('topsecret', delivery?.body ?? '', signature)).toBe(true);
  });

  it('keeps a given delivery id (redeliveries reuse it)', async () => {
    const result = await deliverWebhook({ url, secret: 's', name: 'ping', payload: {}, id: 'delivery-1' });
    expect(result.id).toBe('delivery-1');
    expect(received.at(-1)?.headers['x-github-delivery']).toBe('delivery-1');
  });
});

describe('example payloads', () => {
  it('returns copies of the examples for an event', () => {
    const examples = webhookExamples('issues');
    expect(examples.length).toBeGreaterThan(10);
    (examples[0] as { action: string }).action = 'mutated';
    expect((webhookExamples('issues')[0] as { action: string }).action).not.toBe('mutated');
    expect(webhookExamples('no_such_event')).toEqual([]);
  });

  it('retargets an example at a sandbox repository, installation and sender', () => {
    const payload = examplePayload('issues', 'opened', {
      repository: { owner: 'octo-org', name: 'hello-world' },
      installationId: 1,
      sender: { login: 'maintainer' },
      set: { issue: { number: 1, body: 'spec' } },
    });
    const repository = payload.repository as {
      full_name: string;
      name: string;
      owner: { login: string };
      url: string;
    };
    expect(repository).toMatchObject({
      full_name: 'octo-org/hello-world',
      name: 'hello-world',
      owner: { login: 'octo-org' },
    });
    expect(repository.url).toMatch(/\/repos\/octo-org\/hello-world$/);
    expect(payload.installation).toEqual({ id: 1, node_id: expect.any(String) });
    expect(payload.sender).toMatchObject({
      login: 'maintainer',
      url: expect.stringMatching(/\/users\/maintainer$/),
    });
    expect(payload.issue).toMatchObject({ number: 1, body: 'spec', title: expect.any(String) });
    const original = webhookExamples('issues').find(
      (example) => (example as { action: string }).action === 'opened',
    );
    const originalName = (original as { repository: { full_name: string } }).repository.full_name;
    expect(JSON.stringify(payload)).not.toContain(originalName);
  });

  it('prefers an example that carries an installation, and names the actions it has', () => {
    const comment = examplePayload('issue_comment', 'created');
    expect(comment.installation).toBeDefined();
    expect(() => examplePayload('issues', 'exploded')).toThrow(/examples have: .*opened/);
  });
});
