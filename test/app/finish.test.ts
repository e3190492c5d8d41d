/**
 * Finishing and recovery end to end: the real app against the GitHub simulator, the test playing the
 * Actions runner (agents push task branches, the integrate job pushes the merged branch and reports
 * its merges, workflow runs complete) and moving the app's clock for backoffs and timeouts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { IntegrationSource, WaveIntegration } from '../../app/finish/integration-source.js';
import { modelReviewer } from '../../app/finish/reviewer.js';
import { type CompletionModel, SCRIPTED_USAGE } from '../../app/models/completion-model.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { commitFiles } from '../sandbox/git-store.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { findRepository, type RepositoryRecord } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import { issueCommentCreated, type Target, workflowRunCompleted } from '../support/event-payloads.js';
import { commentAs, commentsOn, finishWorkflowRun, openIssueAs } from '../support/scenario.js';

const SHOP: Target = { owner: 'octo-org', repo: 'shop', installationId: 1 };
const FLAKY: Target = { owner: 'octo-org', repo: 'flaky', installationId: 1 };
const WORKFLOW = '.github/workflows/autodev-agents.yml';
const agentsWorkflow = readFileSync(new URL(`../../${WORKFLOW}`, import.meta.url), 'utf8');

const repoSeed = (name: string, config: string) => ({
  owner: 'octo-org',
  name,
  collaborators: { maintainer: 'write' as const },
  files: { 'README.md': `# ${name}\n`, '.github/autodev.yml': config, [WORKFLOW]: agentsWorkflow },
});

const seed: SimulatorSeed = {
  users: [{ login: 'maintainer' }],
  repositories: [
    // Default recovery: two retries, a minute's backoff doubling.
    repoSeed('shop', 'maxParallelAgents: 3\n'),
    repoSeed(
      'flaky',
      'retries:\n  attempts: 1\n  backoffSeconds: 0\n  reassignTo: claude\njobTimeoutMinutes: 5\n',
    ),
  ],
};

const planner = new ScriptedPlanner([
  {
    goal: 'Shoppers can pay for their cart on one page.',
    acceptanceCriteria: ['POST /checkout charges the cart'],
    tasks: [
      { id: 'api', title: 'Checkout API', role: 'coder', dependsOn: [] },
      { id: 'ui', title: 'Checkout page', role: 'coder', dependsOn: [] },
      { id: 'e2e', title: 'End-to-end test', role: 'tester', dependsOn: ['api'] },
    ],
  },
]);

/** The reviewer agent's model: always the same review, one comment on the diff and one beside it. */
const reviews: string[] = [];
const reviewModel: CompletionModel = {
  async complete(messages) {
    reviews.push(messages.map((m) => m.content).join('\n'));
    const text = JSON.stringify({
      verdict: 'request-changes',
      summary: 'The API does not check the cart is non-empty.',
      comments: [
        { path: 'src/api.ts', line: 1, body: 'Reject an empty cart here.' },
        { path: 'README.md', line: 1, body: 'Document the endpoint.' },
      ],
    });
    return { text, usage: { ...SCRIPTED_USAGE, tokens: 1_000, costUsd: 0.02 } };
  },
};

/** What the integrate job reported, by run and wave. */
const integrations = new Map<string, WaveIntegration>();
const integrationSource: IntegrationSource = {
  forWave: async (run, wave) => integrations.get(`${run.id}/${wave}`) ?? null,
};

let clock = Date.parse('2026-11-24T09:00:00Z');
let app: AppHarness;
beforeAll(async () => {
  app = await startAppHarness({
    seed,
    planner,
    app: {
      now: () => new Date(clock),
      reviewer: modelReviewer(reviewModel),
      integrations: integrationSource,
      // The test sweeps by hand, at the times it chooses.
      worker: { sweepEveryMs: 3_600_000 },
    },
  });
});
afterEach(() => expect(app.github.violations).toEqual([]));
afterAll(async () => app?.close());

const repoOf = (t: Target): RepositoryRecord => findRepository(app.github.state(), t.owner, t.repo)!;
const meta = (message: string) => ({ message, author: 'autodev[bot]', date: new Date(clock).toISOString() });

async function comment(
  target: Target,
  issue: { number: number; title: string; body: string | null },
  body: string,
) {
  const written = commentAs(app.github, target, issue.number, 'maintainer', body);
  await app.deliver(
    'issue_comment',
    issueCommentCreated(
      target,
      { ...issue, body: issue.body ?? '' },
      { id: written.id, body },
      { login: 'maintainer' },
    ),
  );
}

async function startRun(target: Target) {
  const issue = openIssueAs(app.github, target, 'maintainer', { title: 'Checkout', body: 'Build checkout.' });
  await comment(target, issue, '/parallel-dev');
  const run = await app.store.latestRunForIssue({ owner: target.owner, repo: target.repo }, issue.number);
  return { issue, runId: run!.id };
}

/** The agents of a wave push their branches; the integrate job merges them and reports. */
function integrateWave(target: Target, runId: string, wave: number, taskIds: string[]): void {
  const repo = repoOf(target);
  const branch = (name: string) => {
    repo.refs[`refs/heads/${name}`] ??= repo.refs['refs/heads/main']!;
    return name;
  };
  const files = Object.fromEntries(taskIds.map((id) => [`src/${id}.ts`, `export const ${id} = ${wave};\n`]));
  for (const id of taskIds)
    commitFiles(
      repo,
      branch(`autodev/${runId}/${id}`),
      { [`src/${id}.ts`]: files[`src/${id}.ts`]! },
      meta(id),
    );
  const merged = commitFiles(repo, branch(`autodev/${runId}/integration`), files, meta(`merge wave ${wave}`));
  integrations.set(`${runId}/${wave}`, {
    runId,
    branch: `autodev/${runId}/integration`,
    head: merged.sha,
    merges: taskIds.map((taskId) => ({ taskId, status: 'merged' })),
    gates: [
      { name: 'test', command: 'npm test', exitCode: 0, durationMs: 9_000, outputTail: '', passed: true },
    ],
    passed: true,
  });
}

type Conclusion = 'success' | 'failure';

async function reportWave(target: Target, workflowRunId: number, jobs: Record<string, Conclusion>) {
  const list = Object.entries(jobs).map(([id, conclusion]) => ({ name: `autodev task ${id}`, conclusion }));
  finishWorkflowRun(app.github, target, workflowRunId, list);
  const conclusion = list.every((j) => j.conclusion === 'success') ? 'success' : 'failure';
  await app.deliver(
    'workflow_run',
    workflowRunCompleted(target, { id: workflowRunId, path: WORKFLOW, conclusion }, { login: 'maintainer' }),
  );
}

/** The dispatched waves' task lists, oldest first. */
const dispatched = (target: Target) =>
  repoOf(target).dispatches.map((d) => JSON.parse(String(d.inputs['tasks'])) as string[]);
const lastDispatch = (target: Target) => repoOf(target).dispatches.at(-1)!;
const progressOf = (target: Target, issue: number) =>
  commentsOn(app.github, target, issue).find((c) => c.user === 'autodev[bot]')!.body;

/** Integrates and reports the last dispatched wave as all succeeded. */
async function succeedLastWave(target: Target, runId: string) {
  const last = lastDispatch(target);
  const ids = JSON.parse(String(last.inputs['tasks'])) as string[];
  integrateWave(target, runId, Number(last.inputs['wave']), ids);
  await reportWave(target, last.runId, Object.fromEntries(ids.map((id) => [id, 'success' as const])));
}

describe('finishing a run', () => {
  it('opens exactly one pull request, reviews it, links it, and deletes the task branches', async () => {
    const before = repoOf(SHOP).dispatches.length;
    const { issue, runId } = await startRun(SHOP);
    await succeedLastWave(SHOP, runId);
    await succeedLastWave(SHOP, runId);
    expect(dispatched(SHOP).slice(before)).toEqual([['api', 'ui'], ['e2e']]);

    const repo = repoOf(SHOP);
    const pulls = repo.pulls.filter((p) => p.head === `autodev/${runId}/integration`);
    expect(pulls).toHaveLength(1);
    const pull = pulls[0]!;
    expect(pull).toMatchObject({ base: 'main', draft: false });
    const body = repo.issues.find((i) => i.number === pull.number)!.body!;
    for (const id of ['api', 'ui', 'e2e']) expect(body).toContain(`\`autodev/${runId}/${id}\``);
    expect(body).toContain(`Closes #${issue.number}`);
    expect(body).toMatch(/`npm test` \| 0 \| ✅ passed/);

    const [review] = repo.reviews.filter((r) => r.pullNumber === pull.number);
    expect(review!.comments).toEqual([
      { path: 'src/api.ts', line: 1, side: 'RIGHT', body: 'Reject an empty cart here.' },
    ]);
    expect(review!.body).toContain('Document the endpoint.');
    expect(reviews.at(-1)).toContain('+export const api = 1;');

    const run = await app.store.getRun(runId);
    expect(run).toMatchObject({ state: 'succeeded', pullRequest: { number: pull.number, draft: false } });
    expect(run!.tokens).toBeGreaterThanOrEqual(1_000);
    const progress = progressOf(SHOP, issue.number);
    expect(progress).toContain('✅ **Succeeded**');
    expect(progress).toContain(`[#${pull.number}](${app.github.url}`);
    for (const id of ['api', 'ui', 'e2e'])
      expect(repo.refs[`refs/heads/autodev/${runId}/${id}`]).toBeUndefined();

    // A crash left the run integrating after more was merged: the sweep finishes it again, updating
    // the same pull request and reviewing its new head.
    const stored = (await app.store.getRun(runId))!;
    await app.store.saveRun({ ...stored, state: 'integrating', finishedAt: undefined });
    commitFiles(repo, `autodev/${runId}/integration`, { 'src/extra.ts': 'export {};\n' }, meta('late merge'));
    clock += 11 * 60_000;
    await app.runtime.engine.sweep();
    expect(repo.pulls.filter((p) => p.head === `autodev/${runId}/integration`)).toHaveLength(1);
    expect(repo.reviews.filter((r) => r.pullNumber === pull.number)).toHaveLength(2);
    expect((await app.store.getRun(runId))!.state).toBe('succeeded');
  });
});

describe('recovering from failures', () => {
  it('retries a failed task after its backoff, then finishes', async () => {
    const { issue, runId } = await startRun(SHOP);
    const wave1 = lastDispatch(SHOP);
    integrateWave(SHOP, runId, 1, ['ui']);
    await reportWave(SHOP, wave1.runId, { api: 'failure', ui: 'success' });

    let run = (await app.store.getRun(runId))!;
    expect(run.state).toBe('running');
    expect(run.tasks.map((t) => [t.id, t.state])).toEqual([
      ['api', 'queued'],
      ['ui', 'succeeded'],
      ['e2e', 'queued'],
    ]);
    expect(run.tasks[0]).toMatchObject({ retries: 1, notBefore: new Date(clock + 60_000).toISOString() });
    expect(progressOf(SHOP, issue.number)).toContain('next try in 1m 00s');

    // Not yet due: neither /status nor the sweep dispatches it.
    await comment(SHOP, issue, '/status');
    await app.runtime.engine.sweep();
    expect(lastDispatch(SHOP)).toBe(wave1);

    clock += 61_000;
    await comment(SHOP, issue, '/status');
    expect(JSON.parse(String(lastDispatch(SHOP).inputs['tasks']))).toEqual(['api']);
    await succeedLastWave(SHOP, runId);
    expect(JSON.parse(String(lastDispatch(SHOP).inputs['tasks']))).toEqual(['e2e']);
    await succeedLastWave(SHOP, runId);

    run = (await app.store.getRun(runId))!;
    expect(run.state).toBe('succeeded');
    expect(run.tasks[0]).toMatchObject({ state: 'succeeded', retries: 1 });
    expect(repoOf(SHOP).pulls.filter((p) => p.head === `autodev/${runId}/integration`)).toHaveLength(1);
  });

  it('reassigns a task after its retries, fails the run naming it, and /retry later finishes it', async () => {
    const { issue, runId } = await startRun(FLAKY);
    integrateWave(FLAKY, runId, 1, ['ui']);
    await reportWave(FLAKY, lastDispatch(FLAKY).runId, { api: 'failure', ui: 'success' });
    // No backoff here: the retry goes out at once.
    expect(JSON.parse(String(lastDispatch(FLAKY).inputs['tasks']))).toEqual(['api']);
    await reportWave(FLAKY, lastDispatch(FLAKY).runId, { api: 'failure' });

    // Retries used up: one more attempt on the configured backend, recorded on the task and in the plan.
    let run = (await app.store.getRun(runId))!;
    expect(run.tasks[0]).toMatchObject({ state: 'running', reassignedTo: 'claude', backend: 'claude' });
    const repo = repoOf(FLAKY);
    const planFile =
      repo.commits[repo.refs['refs/heads/autodev-state']!]!.files[`.autodev/plans/${runId}.json`]!;
    const plan = JSON.parse(repo.blobs[planFile]!) as { tasks: { id: string; backend?: string }[] };
    expect(plan.tasks.find((t) => t.id === 'api')!.backend).toBe('claude');

    await reportWave(FLAKY, lastDispatch(FLAKY).runId, { api: 'failure' });
    run = (await app.store.getRun(runId))!;
    expect(run.state).toBe('failed');
    expect(run.reason).toContain('api (its job ended failure) after 3 attempts, the last on claude');
    expect(progressOf(FLAKY, issue.number)).toContain('/retry api');

    await comment(FLAKY, issue, '/retry api');
    expect(JSON.parse(String(lastDispatch(FLAKY).inputs['tasks']))).toEqual(['api']);
    await succeedLastWave(FLAKY, runId);
    await succeedLastWave(FLAKY, runId);
    run = (await app.store.getRun(runId))!;
    expect(run.state).toBe('succeeded');
    expect(run.pullRequest).toBeDefined();
    expect(progressOf(FLAKY, issue.number)).toContain(`/pull/${run.pullRequest!.number}`);
  });

  it('times out a wave that never reports back, and retries its tasks', async () => {
    const { issue, runId } = await startRun(FLAKY);
    const wave1 = lastDispatch(FLAKY);
    clock += 4 * 60_000;
    await app.runtime.engine.sweep();
    expect(lastDispatch(FLAKY)).toBe(wave1);

    clock += 2 * 60_000;
    await app.runtime.engine.sweep();
    const wave2 = lastDispatch(FLAKY);
    expect(JSON.parse(String(wave2.inputs['tasks']))).toEqual(['api', 'ui']);
    let run = (await app.store.getRun(runId))!;
    expect(run.tasks.slice(0, 2).map((t) => [t.state, t.retries])).toEqual([
      ['running', 1],
      ['running', 1],
    ]);

    // The silent run reports after all: it speaks for the attempt that timed out, not the retry.
    await reportWave(FLAKY, wave1.runId, { api: 'success', ui: 'success' });
    run = (await app.store.getRun(runId))!;
    expect(run.tasks.slice(0, 2).map((t) => t.state)).toEqual(['running', 'running']);

    // Silent again: no retries left for ui (reassignment is once, to claude, then done).
    clock += 6 * 60_000;
    await app.runtime.engine.sweep();
    run = (await app.store.getRun(runId))!;
    expect(run.tasks.slice(0, 2).map((t) => t.reassignedTo)).toEqual(['claude', 'claude']);
    clock += 6 * 60_000;
    await app.runtime.engine.sweep();
    run = (await app.store.getRun(runId))!;
    expect(run.state).toBe('failed');
    expect(run.reason).toContain('no report from the agent job within 5 minutes');
    expect(progressOf(FLAKY, issue.number)).toContain('❌ **Failed**');
  });
});
