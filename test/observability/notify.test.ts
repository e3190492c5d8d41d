/**
 * Notifications against a real HTTP server on 127.0.0.1: retries until the webhook accepts, one
 * message per problem within the cooldown, the Slack-compatible payload, and clear refusals of URLs
 * that cannot be used.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AutodevConfig, autodevConfigSchema } from '../../app/config/config-schema.js';
import type { Log } from '../../app/core/logger.js';
import { failureSignature, noticesFor, Notifier, slackPayload } from '../../app/observability/notify.js';
import type { Run } from '../../app/runs/run.js';
import { aPlan, aRun, finishA, finishB, must, runIn, startA, startB, T0 } from '../runs/run-fixtures.js';

interface Received {
  body: { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
  contentType: string | undefined;
}

let server: Server;
let url: string;
const received: Received[] = [];
/** Answers to give, in order; once used up, 200. */
let answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      if (status === 200) {
        received.push({
          body: JSON.parse(data) as Received['body'],
          contentType: req.headers['content-type'],
        });
      }
      res.writeHead(status).end(status === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/secretpath`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answers = [];
});

const lines: { level: string; obj: unknown; msg?: string }[] = [];
const log: Log = {
  debug: (obj, msg) => lines.push({ level: 'debug', obj, ...(msg ? { msg } : {}) }),
  info: (obj, msg) => lines.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
  warn: (obj, msg) => lines.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }),
  error: (obj, msg) => lines.push({ level: 'error', obj, ...(msg ? { msg } : {}) }),
};

function configWith(notifications: unknown): AutodevConfig {
  return autodevConfigSchema.parse({ notifications });
}

const env = { TEAM_WEBHOOK_URL: '', OPENAI_API_KEY: 'sk-canary-123456789' };
function notifier(overrides: Partial<ConstructorParameters<typeof Notifier>[0]> = {}): Notifier {
  return new Notifier({
    log,
    env: { ...env, TEAM_WEBHOOK_URL: url },
    baseDelayMs: 10,
    now: () => T0,
    ...overrides,
  });
}

const failedRun = (reason: string, id = 'run0000001'): { before: Run; after: Run } => {
  const before = must(aRun({ id }), { type: 'planned', plan: aPlan(), requireApproval: false });
  return { before, after: must(before, { type: 'failed', reason }) };
};

describe('Notifier', () => {
  it('retries a webhook that fails twice and delivers the message once', async () => {
    answers = [503, 500];
    const n = notifier();
    const config = configWith([{ url: 'env:TEAM_WEBHOOK_URL', events: ['run.failed'] }]);
    n.runChanged({ ...failedRun('the tests failed'), config });
    await n.idle();
    expect(received).toHaveLength(1);
    expect(n.stats).toEqual({ delivered: 1, failed: 0, suppressed: 0 });
    expect(
      lines.some((l) => l.msg === 'notification sent' && (l.obj as { attempt: number }).attempt === 3),
    ).toBe(true);
  });

  it('does not post the same problem twice within the cooldown', async () => {
    const n = notifier();
    const config = configWith([{ url: 'env:TEAM_WEBHOOK_URL', events: ['run.failed'], cooldownMinutes: 30 }]);
    const change = { ...failedRun('Task api failed: exit code 1 in 4512 ms'), config };
    n.runChanged(change);
    // The same change seen again (a second writer), and the same failure in another run.
    n.runChanged(change);
    n.runChanged({ ...failedRun('Task api failed: exit code 1 in 9031 ms', 'run0000002'), config });
    await n.idle();
    expect(received).toHaveLength(1);
    expect(n.stats.suppressed).toBe(2);
    // A different failure is a different problem.
    n.runChanged({ ...failedRun('could not push the branch', 'run0000003'), config });
    await n.idle();
    expect(received).toHaveLength(2);
  });

  it('posts again once the cooldown is over', async () => {
    let now = T0.getTime();
    const n = notifier({ now: () => new Date(now) });
    const config = configWith([{ url: 'env:TEAM_WEBHOOK_URL', cooldownMinutes: 1 }]);
    n.runChanged({ ...failedRun('boom'), config });
    now += 61_000;
    n.runChanged({ ...failedRun('boom', 'run0000002'), config });
    await n.idle();
    expect(received).toHaveLength(2);
  });

  it('sends a Slack-compatible payload with the run, its links and what it cost', async () => {
    const n = notifier();
    const config = configWith([{ url: 'env:TEAM_WEBHOOK_URL', events: ['run.succeeded'] }]);
    const before = must(runIn('running'), startA, finishA, startB, finishB, { type: 'integrating' });
    const after = must(before, {
      type: 'succeeded',
      pullRequest: { number: 12, url: 'https://github.com/acme/widgets/pull/12', draft: false },
    });
    n.runChanged({ before, after, config });
    await n.idle();
    const [message] = received;
    expect(message!.contentType).toBe('application/json');
    expect(message!.body.text).toBe(`Run ${after.id} succeeded on acme/widgets#7: Dark mode`);
    expect(message!.body.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(message!.body.blocks[0]!.text!.text).toContain(':white_check_mark:');
    const context = message!.body.blocks[1]!.elements!.map((e) => e.text).join(' ');
    expect(context).toContain('<https://github.com/acme/widgets/issues/7|acme/widgets#7>');
    expect(context).toContain('<https://github.com/acme/widgets/pull/12|pull request #12>');
    expect(context).toContain('2/2 tasks succeeded');
    expect(context).toContain('2,000 tokens · $0.04');
  });

  it('keeps secret values of the environment out of messages', async () => {
    const n = notifier();
    const config = configWith([{ url: 'env:TEAM_WEBHOOK_URL' }]);
    n.runChanged({ ...failedRun(`provider said: invalid key ${env.OPENAI_API_KEY}`), config });
    await n.idle();
    expect(JSON.stringify(received)).not.toContain(env.OPENAI_API_KEY);
    expect(received[0]!.body.text).toContain('invalid key ***');
  });

  it('gives up after the bounded attempts and says so without the secret URL', async () => {
    answers = [500, 500, 500];
    const n = notifier({ attempts: 3 });
    n.runChanged({ ...failedRun('x'), config: configWith([{ url: 'env:TEAM_WEBHOOK_URL' }]) });
    await n.idle();
    expect(received).toHaveLength(0);
    expect(n.stats.failed).toBe(1);
    const warning = lines.filter((l) => l.level === 'warn').pop()!;
    expect(warning.msg).toBe('notification not delivered: the webhook answered HTTP 500');
    expect(JSON.stringify(warning)).not.toContain('secretpath');
  });

  it('does not retry a webhook that refuses the message', async () => {
    answers = [404, 404];
    const n = notifier();
    n.runChanged({ ...failedRun('x'), config: configWith([{ url: 'env:TEAM_WEBHOOK_URL' }]) });
    await n.idle();
    expect(answers).toEqual([404]);
    expect(n.stats.failed).toBe(1);
  });

  it('says which variable to set when an env: URL is missing', async () => {
    const n = notifier({ env: {} });
    n.runChanged({ ...failedRun('x'), config: configWith([{ url: 'env:TEAM_WEBHOOK_URL' }]) });
    await n.idle();
    expect(lines.pop()!.msg).toBe(
      'notification not sent: env:TEAM_WEBHOOK_URL names an environment variable that is not set on the app',
    );
  });
});

describe('notifications config', () => {
  it('accepts https and env: URLs and refuses the rest with what to write instead', () => {
    expect(configWith([{ url: 'https://hooks.slack.com/services/T/B/x' }]).notifications[0]!.events).toEqual([
      'run.succeeded',
      'run.failed',
      'run.cancelled',
      'budget.reached',
    ]);
    for (const url of ['http://10.0.0.1/hook', 'env:OPENAI_API_KEY']) {
      const parsed = autodevConfigSchema.safeParse({ notifications: [{ url }] });
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).toContain('must be an https:// URL, or env:NAME');
    }
  });
});

describe('noticesFor', () => {
  const config = configWith([]);

  it('reports a failed task and the budget being reached, once each', () => {
    const before = must(runIn('running'), startA);
    const after = must(before, {
      ...finishA,
      state: 'failed',
      reason: 'tests failed',
      tokens: config.budget.tokens,
    });
    expect(noticesFor({ before, after, config }).map((n) => [n.event, n.taskId])).toEqual([
      ['task.failed', 'a'],
      ['budget.reached', undefined],
    ]);
    expect(noticesFor({ before: after, after, config })).toEqual([]);
  });

  it('treats failures differing only in numbers and ids as one signature', () => {
    expect(failureSignature('Job 123 failed at abcdef1234')).toBe(
      failureSignature('Job 98 failed at 0011ffeedd'),
    );
  });

  it('renders text without markup for clients that ignore blocks', () => {
    const { before, after } = failedRun('a <b> & c');
    const [notice] = noticesFor({ before, after, config });
    const payload = slackPayload(notice!, { now: T0 });
    expect(payload.text).toBe(`Run ${after.id} failed on acme/widgets#7: Dark mode: a <b> & c`);
    expect(JSON.stringify(payload.blocks)).toContain('a &lt;b&gt; &amp; c');
  });
});
