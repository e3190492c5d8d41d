import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { DEMO_REPO, startDemoSimulator } from './demo-simulator.js';
import type { GitHubSimulator } from './github-simulator.js';

let simulator: GitHubSimulator;
let github: Octokit;
let mainSha: string;

beforeAll(async () => {
  ({ simulator, github } = await startDemoSimulator());
  mainSha = (await github.rest.git.getRef({ ...DEMO_REPO, ref: 'heads/main' })).data.object.sha;
});

afterAll(async () => {
  await simulator.close();
  expect(simulator.violations).toEqual([]);
});

function repoState() {
  const repo = simulator.state().repositories[0];
  if (!repo) throw new Error('no repository in state');
  return repo;
}

async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    return ((await request) as { status: number }).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('workflow dispatch and runs', () => {
  it('records a dispatch with its inputs and queues a run', async () => {
    const inputs = { run: 'run-7', tasks: '[{"id":"a"}]' };
    const response = await github.rest.actions.createWorkflowDispatch({
      ...DEMO_REPO,
      workflow_id: 'autodev-agents.yml',
      ref: 'main',
      inputs,
    });
    expect(response.status).toBe(204);
    const [dispatch] = repoState().dispatches;
    expect(dispatch).toMatchObject({ ref: 'main', inputs, actor: 'autodev[bot]' });

    const { data } = await github.rest.actions.listWorkflowRunsForRepo(DEMO_REPO);
    expect(data.total_count).toBe(1);
    expect(data.workflow_runs[0]).toMatchObject({
      id: dispatch?.runId,
      name: 'autodev agents',
      path: '.github/workflows/autodev-agents.yml',
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      head_branch: 'main',
      head_sha: mainSha,
    });
  });

  it('accepts a numeric workflow id and returns run details when asked', async () => {
    const workflowId = repoState().workflows[0]?.id ?? 0;
    const { status, data } = await github.rest.actions.createWorkflowDispatch({
      ...DEMO_REPO,
      workflow_id: workflowId,
      ref: 'main',
      return_run_details: true,
    });
    expect(status).toBe(200);
    const runId = (data as unknown as { workflow_run_id: number }).workflow_run_id;
    const { data: run } = await github.rest.actions.getWorkflowRun({ ...DEMO_REPO, run_id: runId });
    expect(run).toMatchObject({ id: runId, workflow_id: workflowId, run_number: 2 });
    const { data: runs } = await github.rest.actions.listWorkflowRuns({
      ...DEMO_REPO,
      workflow_id: workflowId,
    });
    expect(runs.total_count).toBe(2);
  });

  it('answers 404 for an unknown workflow and 422 for an unknown ref', async () => {
    const unknown = github.rest.actions.createWorkflowDispatch({
      ...DEMO_REPO,
      workflow_id: 'nope.yml',
      ref: 'main',
    });
    expect(await statusOf(unknown)).toBe(404);
    const badRef = github.rest.actions.createWorkflowDispatch({
      ...DEMO_REPO,
      workflow_id: 'autodev-agents.yml',
      ref: 'no-branch',
    });
    expect(await statusOf(badRef)).toBe(422);
    expect(await statusOf(github.rest.actions.getWorkflowRun({ ...DEMO_REPO, run_id: 1 }))).toBe(404);
  });

  it('moves runs and their jobs along when the sandbox completes them', async () => {
    const [first, second] = repoState().workflowRuns;
    if (!first || !second) throw new Error('expected two runs');
    simulator.startWorkflowRun(first.id);
    const { data: jobs } = await github.rest.actions.listJobsForWorkflowRun({
      ...DEMO_REPO,
      run_id: first.id,
    });
    expect(jobs.jobs).toEqual([expect.objectContaining({ name: 'autodev agents', status: 'in_progress' })]);

    simulator.completeWorkflowRun(first.id, 'success');
    const viaEndpoint = await fetch(`${simulator.url}/_sandbox/workflow-runs/${second.id}/complete`, {
      method: 'POST',
      body: JSON.stringify({ conclusion: 'failure' }),
    });
    expect(viaEndpoint.status).toBe(200);

    const succeeded = await github.rest.actions.listWorkflowRunsForRepo({ ...DEMO_REPO, status: 'success' });
    expect(succeeded.data.workflow_runs.map((run) => run.id)).toEqual([first.id]);
    const { data: failed } = await github.rest.actions.getWorkflowRun({ ...DEMO_REPO, run_id: second.id });
    expect(failed).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const { data: done } = await github.rest.actions.listJobsForWorkflowRun({
      ...DEMO_REPO,
      run_id: second.id,
    });
    expect(done.jobs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });
});

describe('check runs', () => {
  it('creates, updates, reads and lists check runs for a ref', async () => {
    const created = await github.rest.checks.create({
      ...DEMO_REPO,
      name: 'autodev / task a',
      head_sha: mainSha,
      status: 'in_progress',
      external_id: 'run-7:a',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: 'in_progress', conclusion: null, app: { slug: 'autodev' } });

    const updated = await github.rest.checks.update({
      ...DEMO_REPO,
      check_run_id: created.data.id,
      conclusion: 'success',
      output: { title: 'Gates passed', summary: 'npm test: 3 passed' },
    });
    expect(updated.data).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(updated.data.output).toMatchObject({ title: 'Gates passed', summary: 'npm test: 3 passed' });

    const { data: fetched } = await github.rest.checks.get({ ...DEMO_REPO, check_run_id: created.data.id });
    expect(fetched.completed_at).toEqual(expect.any(String));

    await github.rest.checks.create({ ...DEMO_REPO, name: 'other', head_sha: mainSha });
    const byBranch = await github.rest.checks.listForRef({ ...DEMO_REPO, ref: 'main' });
    expect(byBranch.data.total_count).toBe(2);
    const byName = await github.rest.checks.listForRef({
      ...DEMO_REPO,
      ref: mainSha,
      check_name: 'autodev / task a',
    });
    expect(byName.data.check_runs.map((check) => check.id)).toEqual([created.data.id]);
    expect(repoState().checkRuns.find((check) => check.id === created.data.id)).toMatchObject({
      externalId: 'run-7:a',
      conclusion: 'success',
    });
  });

  it('refuses unknown commits and completed runs without a conclusion', async () => {
    const unknown = github.rest.checks.create({ ...DEMO_REPO, name: 'x', head_sha: 'a'.repeat(40) });
    expect(await statusOf(unknown)).toBe(422);
    const incomplete = github.rest.checks.create({
      ...DEMO_REPO,
      name: 'x',
      head_sha: mainSha,
      status: 'completed',
    });
    expect(await statusOf(incomplete)).toBe(422);
    expect(await statusOf(github.rest.checks.get({ ...DEMO_REPO, check_run_id: 1 }))).toBe(404);
  });
});
