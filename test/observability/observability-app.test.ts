/**
 * Observability of the real app end to end, against the GitHub simulator: two runs (one succeeds with
 * a pull request, one fails) driven by signed deliveries, then
 * - `/metrics` is scraped over HTTP and its values are checked against what the test did;
 * - the JSON log is read back: each stage of a run carries its runId (and the delivery's id), and a
 *   canary secret put in the environment, the issue body and a gate's output never appears;
 * - the configured webhook (a real HTTP server on 127.0.0.1) received one message per run end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { IntegrationSource, WaveIntegration } from '../../app/finish/integration-source.js';
import { modelReviewer } from '../../app/finish/reviewer.js';
import { type CompletionModel, SCRIPTED_USAGE } from '../../app/models/completion-model.js';
import { createLogger } from '../../app/observability/log.js';
import { Notifier } from '../../app/observability/notify.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import type { Run } from '../../app/runs/run.js';
import { commitFiles } from '../sandbox/git-store.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { findRepository, type RepositoryRecord } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import { issueCommentCreated, type Target, workflowRunCompleted } from '../support/event-payloads.js';
import { commentAs, finishWorkflowRun, openIssueAs } from '../support/scenario.js';

const SHOP: Target = { owner: 'octo-org', repo: 'shop', installationId: 1 };
const WORKFLOW = '.github/workflows/autodev-agents.yml';
const CANARY = `canary-${randomUUID()}`;
const METRICS_TOKEN = 'metrics-token-0123456789';

const seed: SimulatorSeed = {
  users: [{ login: 'maintainer' }],
  repositories: [
    {
      owner: 'octo-org',
      name: 'shop',
      collaborators: { maintainer: 'write' },
      files: {
        'README.md': '# shop\n',
        '.github/autodev.yml': [
          'retries:',
          '  attempts: 0',
          'notifications:',
          '  - url: env:OPS_WEBHOOK_URL',
          '    events: [run.succeeded, run.failed, task.failed]',
          '',
        ].join('\n'),
        [WORKFLOW]: readFileSync(new URL(`../../${WORKFLOW}`, import.meta.url), 'utf8'),
      },
    },
  ],
};

const plan = {
  goal: 'Checkout',
  tasks: [
    { id: 'api', title: 'Checkout API', role: 'coder' as const, dependsOn: [] },
    { id: 'ui', title: 'Checkout page', role: 'coder' as const, dependsOn: [] },
    { id: 'e2e', title: 'End-to-end test', role: 'tester' as const, dependsOn: ['api'] },
  ],
  tokens: 400,
  costUsd: 0.004,
};
const planner = new ScriptedPlanner([plan, plan]);

const reviewModel: CompletionModel = {
  async complete() {
    const text = JSON.stringify({ verdict: 'approve', summary: 'Fine.', comments: [] });
    return { text, usage: { ...SCRIPTED_USAGE, tokens: 1_000, costUsd: 0.02 } };
  },
};

const integrations = new Map<string, WaveIntegration>();
const integrationSource: IntegrationSource = {
  forWave: async (run, wave) => integrations.get(`${run.id}/${wave}`) ?? null,
};

const logText: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logText.push(chunk.toString());
    done();
  },
});
const logLines = () =>
  logText
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const posted: { text: string }[] = [];
let hooks: Server;
let app: AppHarness;
let baseUrl: string;
const savedCanary = process.env.SHOP_CANARY_TOKEN;

beforeAll(async () => {
  // In the environment, as a deployment's secret would be: the log must never print its value.
  process.env.SHOP_CANARY_TOKEN = CANARY;
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      posted.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  const log = createLogger({ level: 'debug', destination: logStream });
  app = await startAppHarness({
    seed,
    planner,
    app: {
      log,
      notifier: new Notifier({ log, env: { OPS_WEBHOOK_URL: hookUrl }, baseDelayMs: 10 }),
      metricsToken: METRICS_TOKEN,
      reviewer: modelReviewer(reviewModel),
      integrations: integrationSource,
      worker: { sweepEveryMs: 3_600_000 },
    },
  });
  baseUrl = new URL(app.webhookUrl).origin;
});
afterAll(async () => {
  if (savedCanary === undefined) delete process.env.SHOP_CANARY_TOKEN;
  else process.env.SHOP_CANARY_TOKEN = savedCanary;
  await app?.close();
  await new Promise<void>((resolve) => hooks.close(() => resolve()));
});

const repoOf = (): RepositoryRecord => findRepository(app.github.state(), SHOP.owner, SHOP.repo)!;

async function startRun(): Promise<{ runId: string; deliveryId: string }> {
  const body = `Build checkout. Use the key ${CANARY} for the payment sandbox.`;
  const issue = openIssueAs(app.github, SHOP, 'maintainer', { title: 'Checkout', body });
  const written = commentAs(app.github, SHOP, issue.number, 'maintainer', '/parallel-dev');
  const payload = issueCommentCreated(
    SHOP,
    { number: issue.number, title: issue.title, body },
    { id: written.id, body: '/parallel-dev' },
    { login: 'maintainer' },
  );
  const { id } = await app.deliver('issue_comment', payload);
  // GitHub redelivers now and then: counted, never a second run.
  await app.deliver('issue_comment', payload, { id });
  const run = await app.store.latestRunForIssue(SHOP, issue.number);
  return { runId: run!.id, deliveryId: id };
}

/** The agents pushed their branches; the integrate job merged them and ran the gates. */
function integrateWave(runId: string, wave: number, taskIds: string[], lintOutput: string): void {
  const repo = repoOf();
  const meta = { message: `merge wave ${wave}`, author: 'autodev[bot]', date: new Date().toISOString() };
  const branch = `autodev/${runId}/integration`;
  repo.refs[`refs/heads/${branch}`] ??= repo.refs['refs/heads/main']!;
  const files = Object.fromEntries(taskIds.map((id) => [`src/${id}.ts`, `export const ${id} = ${wave};\n`]));
  const merged = commitFiles(repo, branch, files, meta);
  const lintPassed = lintOutput === '';
  integrations.set(`${runId}/${wave}`, {
    runId,
    branch,
    head: merged.sha,
    merges: taskIds.map((taskId) => ({ taskId, status: 'merged' })),
    gates: [
      { name: 'test', command: 'npm test', exitCode: 0, durationMs: 900, outputTail: 'ok', passed: true },
      {
        name: 'lint',
        command: 'npm run lint',
        exitCode: lintPassed ? 0 : 1,
        durationMs: 300,
        outputTail: lintOutput,
        passed: lintPassed,
      },
    ],
    passed: lintPassed,
  });
}

async function reportLastWave(conclusions: Record<string, 'success' | 'failure'>): Promise<void> {
  const last = repoOf().dispatches.at(-1)!;
  const jobs = Object.entries(conclusions).map(([id, conclusion]) => ({
    name: `autodev task ${id}`,
    conclusion,
  }));
  finishWorkflowRun(app.github, SHOP, last.runId, jobs);
  const conclusion = jobs.every((j) => j.conclusion === 'success') ? 'success' : 'failure';
  await app.deliver(
    'workflow_run',
    workflowRunCompleted(SHOP, { id: last.runId, path: WORKFLOW, conclusion }, { login: 'maintainer' }),
  );
}

async function scrape(token?: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/** The value of one sample, e.g. value(text, 'autodev_runs', { state: 'running' }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(match[3]);
  }
  return undefined;
}

/** Sum of every sample of a metric, whatever its labels. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

let succeeded: Run;
let failed: Run;
let firstDelivery: string;

describe('one run that succeeds and one that fails', () => {
  it('drives both runs to their end', async () => {
    const first = await startRun();
    firstDelivery = first.deliveryId;
    integrateWave(first.runId, 1, ['api', 'ui'], `src/api.ts:3 no-unused-vars (env had ${CANARY})`);
    await reportLastWave({ api: 'success', ui: 'success' });
    integrateWave(first.runId, 2, ['e2e'], '');
    await reportLastWave({ e2e: 'success' });
    succeeded = (await app.store.getRun(first.runId))!;
    expect(succeeded.state).toBe('succeeded');

    const second = await startRun();
    await reportLastWave({ api: 'failure', ui: 'success' });
    failed = (await app.store.getRun(second.runId))!;
    expect(failed.state).toBe('failed');

    // A comment that is no command is acknowledged and counted, never recorded.
    const issue = openIssueAs(app.github, SHOP, 'maintainer', { title: 'Chat', body: 'hello' });
    await app.deliver(
      'issue_comment',
      issueCommentCreated(
        SHOP,
        { number: issue.number, title: 'Chat', body: 'hello' },
        { id: 1, body: 'thanks!' },
        {
          login: 'maintainer',
        },
      ),
    );
    await app.runtime.notifier.idle();
  });
});

describe('/metrics', () => {
  it('refuses a scrape without the token and says what to send', async () => {
    const refused = await scrape();
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('Authorization: Bearer');
    expect((await scrape('wrong-token-0123456789')).status).toBe(401);
  });

  it('counts what the test did', async () => {
    const { status, type, body } = await scrape(METRICS_TOKEN);
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');

    const deliveries = (event: string, result: string) =>
      value(body, 'autodev_webhook_deliveries_total', { event, result });
    expect(deliveries('issue_comment', 'recorded')).toBe(2);
    expect(deliveries('issue_comment', 'redelivery')).toBe(2);
    expect(deliveries('issue_comment', 'skipped')).toBe(1);
    expect(deliveries('workflow_run', 'recorded')).toBe(3);
    expect(value(body, 'autodev_webhook_ack_seconds_count', { event: 'issue_comment' })).toBe(5);

    expect(value(body, 'autodev_runs_ended_total', { state: 'succeeded' })).toBe(1);
    expect(value(body, 'autodev_runs_ended_total', { state: 'failed' })).toBe(1);
    for (const state of ['planning', 'running', 'integrating'])
      expect(value(body, 'autodev_runs', { state })).toBe(0);
    expect(value(body, 'autodev_delivery_queue_depth')).toBe(0);

    // Run 1: three tasks succeeded; run 2: api failed, ui succeeded, e2e skipped.
    const finished = (state: string) =>
      body
        .split('\n')
        .filter((l) => l.startsWith('autodev_tasks_finished_total{') && l.includes(`state="${state}"`))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect([finished('succeeded'), finished('failed'), finished('skipped')]).toEqual([4, 1, 1]);

    expect(value(body, 'autodev_gate_results_total', { gate: 'test', result: 'pass' })).toBe(2);
    expect(value(body, 'autodev_gate_results_total', { gate: 'lint', result: 'fail' })).toBe(1);
    expect(value(body, 'autodev_gate_results_total', { gate: 'lint', result: 'pass' })).toBe(1);

    // Tokens and cost add up to what the runs recorded; the review counts under the reviewer's model.
    expect(total(body, 'autodev_tokens_total')).toBe(succeeded.tokens + failed.tokens);
    expect(total(body, 'autodev_cost_usd_total')).toBeCloseTo(succeeded.costUsd + failed.costUsd, 6);
    expect(value(body, 'autodev_tokens_total', { model: 'openai/gpt-4o-mini' })).toBe(400 + 1000 + 400);
  });
});

describe('the JSON log', () => {
  it('follows the successful run from its delivery to its pull request by runId', () => {
    const lines = logLines();
    const received = lines.find((l) => l.msg === 'delivery received' && l.deliveryId === firstDelivery);
    expect(received).toMatchObject({ event: 'issue_comment', level: 'info' });
    const ofRun = lines.filter((l) => l.runId === succeeded.id);
    for (const stage of [
      'run planned',
      'wave dispatched',
      'task finished',
      'wave completed',
      'wave integrated',
      'integrating',
      'pull request opened',
      'run ended',
    ]) {
      expect(ofRun.map((l) => l.msg)).toContain(stage);
    }
    // Planning happened while handling the first delivery, so its line names both.
    expect(ofRun.find((l) => l.msg === 'run planned')).toMatchObject({ deliveryId: firstDelivery });
    const taskLines = ofRun.filter((l) => l.msg === 'task finished');
    expect(taskLines.map((l) => l.taskId).sort()).toEqual(['api', 'e2e', 'ui']);
  });

  it('never prints the canary secret, however it arrived', () => {
    const text = logText.join('');
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(Buffer.from(CANARY).toString('base64').slice(0, 20));
    // The gate output holding it was logged, with the value replaced.
    const integrated = logLines().find((l) => l.msg === 'wave integrated' && l.passed === false);
    expect(JSON.stringify(integrated)).toContain('env had ***');
  });
});

describe('notifications', () => {
  it('posted each run end and the failed task once', () => {
    const texts = posted.map((p) => p.text);
    expect(texts).toHaveLength(3);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^Run ${succeeded.id} succeeded on octo-org/shop#\\d+`)),
        expect.stringMatching(new RegExp(`^Run ${failed.id} failed on octo-org/shop#\\d+`)),
        expect.stringMatching(new RegExp(`^Task api \\(Checkout API\\) of run ${failed.id} failed`)),
      ]),
    );
    expect(JSON.stringify(posted)).not.toContain(CANARY);
  });
});
