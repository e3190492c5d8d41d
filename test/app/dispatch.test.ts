/**
 * Dispatch end to end: a spec becomes a plan, wave 1 goes out as one workflow_dispatch whose matrix
 * is exactly that wave, and wave 2 only after wave 1's workflow_run completes. The test plays the
 * Actions runner by finishing workflow runs in the simulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { commitFiles } from '../sandbox/git-store.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import { issueCommentCreated, type Target, workflowRunCompleted } from '../support/event-payloads.js';
import { commentAs, commentsOn, finishWorkflowRun, openIssueAs } from '../support/scenario.js';

const REPO: Target = { owner: 'octo-org', repo: 'shop', installationId: 1 };
const NO_WORKFLOW: Target = { owner: 'octo-org', repo: 'bare', installationId: 1 };
const agentsWorkflow = readFileSync(
  new URL('../../.github/workflows/autodev-agents.yml', import.meta.url),
  'utf8',
);

const seed: SimulatorSeed = {
  users: [{ login: 'maintainer' }],
  repositories: [
    {
      owner: 'octo-org',
      name: 'shop',
      collaborators: { maintainer: 'write' },
      files: {
        'README.md': '# shop\n',
        // No automatic retries: a failed task ends the run here (retries have their own tests).
        '.github/autodev.yml': 'maxParallelAgents: 3\nretries:\n  attempts: 0\n',
        '.github/workflows/autodev-agents.yml': agentsWorkflow,
      },
    },
    { owner: 'octo-org', name: 'bare', collaborators: { maintainer: 'write' } },
  ],
};

const planner = new ScriptedPlanner([
  {
    goal: 'Checkout flow',
    tasks: [
      { id: 'api', title: 'Checkout API', role: 'coder', dependsOn: [] },
      { id: 'ui', title: 'Checkout page', role: 'coder', dependsOn: [] },
      { id: 'e2e', title: 'End-to-end test', role: 'tester', dependsOn: ['api', 'ui'] },
    ],
  },
]);

let app: AppHarness;
beforeAll(async () => {
  app = await startAppHarness({ seed, planner });
});
afterEach(() => expect(app.github.violations).toEqual([]));
afterAll(async () => app?.close());

const repoRecord = (t: Target) => findRepository(app.github.state(), t.owner, t.repo)!;

async function startRun(target: Target) {
  const issue = openIssueAs(app.github, target, 'maintainer', { title: 'Checkout', body: 'Build checkout.' });
  const written = commentAs(app.github, target, issue.number, 'maintainer', '/parallel-dev');
  await app.deliver(
    'issue_comment',
    issueCommentCreated(
      target,
      { number: issue.number, title: issue.title, body: issue.body },
      { id: written.id, body: '/parallel-dev' },
      { login: 'maintainer' },
    ),
  );
  const [run] = (await app.store.listRuns({ repo: { owner: target.owner, repo: target.repo } })).filter(
    (r) => r.issueNumber === issue.number,
  );
  return { issue: issue.number, runId: run!.id };
}

async function reportWave(
  target: Target,
  workflowRunId: number,
  jobs: Parameters<typeof finishWorkflowRun>[3],
) {
  finishWorkflowRun(app.github, target, workflowRunId, jobs);
  const conclusion = jobs.every((j) => j.conclusion === 'success') ? 'success' : 'failure';
  await app.deliver(
    'workflow_run',
    workflowRunCompleted(
      target,
      { id: workflowRunId, path: '.github/workflows/autodev-agents.yml', conclusion },
      { login: 'maintainer' },
    ),
  );
}

describe('dispatch wave by wave', () => {
  it('sends each wave as one matrix dispatch, the next only after the previous completes', async () => {
    const { issue, runId } = await startRun(REPO);
    const repo = repoRecord(REPO);

    // The progress comment's checklist is the plan's tasks.
    const [progress] = commentsOn(app.github, REPO, issue).filter((c) => c.user === 'autodev[bot]');
    for (const title of ['Checkout API', 'Checkout page', 'End-to-end test'])
      expect(progress!.body).toContain(title);

    expect(repo.dispatches).toHaveLength(1);
    const first = repo.dispatches[0]!;
    expect(first.inputs).toMatchObject({
      run_id: runId,
      wave: '1',
      max_parallel: '3',
      plan_path: `.autodev/plans/${runId}.json`,
    });
    expect(JSON.parse(String(first.inputs['tasks']))).toEqual(['api', 'ui']);
    // The jobs fetch the plan by run id from the state branch.
    const planSha = repo.refs['refs/heads/autodev-state'];
    expect(planSha).toBeDefined();
    const planFile = repo.commits[planSha!]!.files[`.autodev/plans/${runId}.json`];
    const plan = JSON.parse(repo.blobs[planFile!]!) as { tasks: { id: string }[] };
    expect(plan.tasks.map((t) => t.id)).toEqual(['api', 'ui', 'e2e']);
    expect(progress!.body).toContain(`/actions/runs/${first.runId}`);

    let run = await app.store.getRun(runId);
    expect(run!.tasks.map((t) => [t.id, t.state])).toEqual([
      ['api', 'running'],
      ['ui', 'running'],
      ['e2e', 'queued'],
    ]);

    await reportWave(REPO, first.runId, [
      { name: 'autodev task api', conclusion: 'success' },
      { name: 'autodev task ui', conclusion: 'success' },
    ]);
    expect(repo.dispatches).toHaveLength(2);
    expect(JSON.parse(String(repo.dispatches[1]!.inputs['tasks']))).toEqual(['e2e']);
    expect(repo.dispatches[1]!.inputs['wave']).toBe('2');

    // A redelivered report changes nothing.
    await app.deliver(
      'workflow_run',
      workflowRunCompleted(
        REPO,
        { id: first.runId, path: '.github/workflows/autodev-agents.yml', conclusion: 'success' },
        { login: 'maintainer' },
      ),
    );
    expect(repo.dispatches).toHaveLength(2);

    // The integrate job pushes the merged branch the pull request is opened from.
    commitFiles(
      repo,
      `autodev/${runId}/integration`,
      { 'checkout.ts': 'export {};\n' },
      {
        message: 'merge wave 2',
        author: 'autodev[bot]',
        date: new Date().toISOString(),
      },
    );
    await reportWave(REPO, repo.dispatches[1]!.runId, [{ name: 'autodev task e2e', conclusion: 'success' }]);
    run = await app.store.getRun(runId);
    expect(run!.state).toBe('succeeded');
    expect(run!.waves?.map((w) => [w.number, w.taskIds, Boolean(w.completedAt)])).toEqual([
      [1, ['api', 'ui'], true],
      [2, ['e2e'], true],
    ]);
  });

  it('a failed task skips what depends on it and ends the run with the reason', async () => {
    const { issue, runId } = await startRun(REPO);
    const repo = repoRecord(REPO);
    const wave1 = repo.dispatches.at(-1)!;
    await reportWave(REPO, wave1.runId, [
      { name: 'autodev task api', conclusion: 'failure' },
      { name: 'autodev task ui', conclusion: 'success' },
    ]);
    expect(repo.dispatches.at(-1)).toBe(wave1);
    const run = await app.store.getRun(runId);
    expect(run!.state).toBe('failed');
    expect(run!.tasks.find((t) => t.id === 'e2e')!.state).toBe('skipped');
    expect(run!.reason).toContain('api (its job ended failure)');
    expect(run!.reason).toContain('/retry api');
    const progress = commentsOn(app.github, REPO, issue).find((c) => c.user === 'autodev[bot]')!;
    expect(progress.body).toContain('/retry api');
  });

  it("ignores workflow runs that are not autodev's agents workflow", async () => {
    const before = repoRecord(REPO).dispatches.length;
    await app.deliver(
      'workflow_run',
      workflowRunCompleted(
        REPO,
        { id: 999_999, path: '.github/workflows/ci.yml', conclusion: 'failure' },
        { login: 'maintainer' },
      ),
    );
    expect(repoRecord(REPO).dispatches).toHaveLength(before);
  });

  it('without the agents workflow in the repository, the run fails saying what to add', async () => {
    const { issue, runId } = await startRun(NO_WORKFLOW);
    expect(repoRecord(NO_WORKFLOW).dispatches).toEqual([]);
    const run = await app.store.getRun(runId);
    expect(run!.state).toBe('failed');
    expect(run!.reason).toContain('.github/workflows/autodev-agents.yml');
    const progress = commentsOn(app.github, NO_WORKFLOW, issue).find((c) => c.user === 'autodev[bot]')!;
    expect(progress.body).toContain('autodev-agents.yml');
  });
});
