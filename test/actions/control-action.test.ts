/**
 * The committed bundle actions/control/dist/index.js, run the way the Actions runner runs it: a child
 * process with the runner's environment, a real event file, and the GitHub simulator as GITHUB_API_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { Plan } from '../../app/planner/planner.js';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { RepoStateStore, STATE_BRANCH, STATE_ROOT } from '../../app/store/repo-state-store.js';
import {
  type GitHubSimulator,
  type SimulatorSeed,
  startGitHubSimulator,
} from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { issueCommentCreated, type Target, workflowRunCompleted } from '../support/event-payloads.js';
import { commentAs, commentsOn, finishWorkflowRun } from '../support/scenario.js';
import { runActionStep, type WorkflowEvent } from './action-step.js';

const DIST = join(process.cwd(), 'actions', 'control', 'dist', 'index.js');
const TARGET: Target = { owner: 'octo-org', repo: 'hello-world' };
const BOT = 'github-actions[bot]';
const BODY = '/parallel-dev feature="Add a farewell function"';
const PLAN: Plan = {
  goal: 'Say goodbye',
  tasks: [
    { id: 'farewell', title: 'Add farewell()', role: 'coder', dependsOn: [] },
    { id: 'tests', title: 'Test farewell()', role: 'tester', dependsOn: ['farewell'] },
  ],
};

const seed: SimulatorSeed = {
  // An installation token acts as `<slug>[bot]`; GITHUB_TOKEN acts as github-actions[bot].
  app: { id: 1, slug: 'github-actions' },
  users: [{ login: 'maintainer' }],
  repositories: [
    {
      owner: TARGET.owner,
      name: TARGET.repo,
      collaborators: { maintainer: 'write' },
      files: {
        'README.md': '# hello\n',
        '.github/autodev.yml': 'requireApproval: true\nnotifications:\n  - url: env:TEAM_WEBHOOK_URL\n',
        '.github/workflows/autodev-agents.yml': readFileSync('.github/workflows/autodev-agents.yml', 'utf8'),
      },
      issues: [{ number: 1, title: 'Goodbyes', body: 'We only ever say hello.', author: 'maintainer' }],
    },
  ],
};

let sim: GitHubSimulator;
let hook: Server;
const notices: { text: string }[] = [];
let dir: string;
let env: NodeJS.ProcessEnv;
let store: RepoStateStore;
let commentId: number;
let firstComment: WorkflowEvent;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed });
  // The team's chat webhook, where run notifications go.
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      notices.push(JSON.parse(body) as { text: string });
      res.end('ok');
    });
  });
  await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
  dir = await mkdtemp(join(tmpdir(), 'autodev-control-'));
  await writeFile(join(dir, 'plan.json'), JSON.stringify(PLAN));
  const token = sim.createInstallationToken();
  // What the runner sets for a `uses:` step (inputs keep their dashes); the event comes per step.
  env = {
    GITHUB_REPOSITORY: `${TARGET.owner}/${TARGET.repo}`,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_API_URL: sim.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': token,
    'INPUT_DATABASE-URL': '',
    'INPUT_LOG-LEVEL': 'debug',
    AUTODEV_PLANNER: `scripted:${join(dir, 'plan.json')}`,
    TEAM_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
  };
  const octokit = new Octokit({ baseUrl: sim.url, auth: token, log: quiet });
  store = new RepoStateStore({ scm: new GitHubScm(octokit), repo: TARGET });
  firstComment = commentEvent(BODY, '4242');
  commentId = (firstComment.payload as { comment: { id: number } }).comment.id;
});

/** The maintainer writes a comment on issue #1, and GitHub starts the autodev workflow for it. */
function commentEvent(body: string, runId: string): WorkflowEvent {
  const comment = commentAs(sim, TARGET, 1, 'maintainer', body);
  const payload = issueCommentCreated(
    TARGET,
    { number: 1, title: 'Goodbyes', body: 'We only ever say hello.' },
    { id: comment.id, body },
    { login: 'maintainer' },
  );
  return { name: 'issue_comment', payload, runId };
}

afterAll(async () => {
  await sim?.close();
  await new Promise((done) => hook?.close(done));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function stateFile(path: string): unknown {
  const repo = findRepository(sim.state(), TARGET.owner, TARGET.repo)!;
  const head = repo.commits[repo.refs[`refs/heads/${STATE_BRANCH}`] ?? '']!;
  const blob = head?.files[`${STATE_ROOT}/${path}`];
  return blob === undefined ? undefined : JSON.parse(repo.blobs[blob]!);
}

const runStep = (event: WorkflowEvent) => runActionStep({ dist: DIST, env, event, dir });
const botComments = () => commentsOn(sim, TARGET, 1).filter((c) => c.user === BOT);

describe('actions/control as a workflow step', () => {
  let runId = '';

  it('handles /parallel-dev: 👀, one progress comment, the run on the state branch, outputs and summary', async () => {
    const step = await runStep(firstComment);
    expect({ code: step.code, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });
    expect(step.stdout).not.toContain('::error::');

    runId = step.outputs['run-id'] ?? '';
    expect(runId).toMatch(/^\w{10}$/);
    expect(step.outputs['state']).toBe('awaiting-approval');
    expect(step.summary).toContain('### autodev');
    expect(step.summary).toContain(`\`${runId}\` is **awaiting-approval**`);

    const asked = commentsOn(sim, TARGET, 1).find((c) => c.id === commentId)!;
    expect(asked.reactions).toEqual([expect.objectContaining({ content: 'eyes', user: BOT })]);
    const progress = botComments();
    expect(progress).toHaveLength(1);
    expect(progress[0]!.body).toContain(`run=${runId}`);
    expect(progress[0]!.body).toContain('Add farewell()');

    const run = await store.getRun(runId);
    expect(run).toMatchObject({
      state: 'awaiting-approval',
      deliveryId: '4242-1',
      issueNumber: 1,
      commentId: progress[0]!.id,
      trigger: { kind: 'command', actor: 'maintainer', spec: 'Add a farewell function' },
    });
    expect(run?.tasks.map((t) => t.id)).toEqual(['farewell', 'tests']);
    expect(stateFile('deliveries/4242-1.json')).toMatchObject({ status: 'done', event: 'issue_comment' });
    expect(sim.violations).toEqual([]);
  });

  it('started again for the same workflow run attempt, changes nothing', async () => {
    const step = await runStep(firstComment);
    expect({ code: step.code, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });
    expect(step.outputs).toEqual({ 'run-id': runId, state: 'awaiting-approval' });
    expect(step.summary).toContain('already handled');

    expect((await store.listRuns()).map((r) => r.id)).toEqual([runId]);
    expect(botComments()).toHaveLength(1);
    const asked = commentsOn(sim, TARGET, 1).find((c) => c.id === commentId)!;
    expect(asked.reactions).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });

  it('/approve dispatches the first wave; its workflow_run report dispatches the next', async () => {
    const approved = await runStep(commentEvent('/approve', '4243'));
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({ code: 0, stderr: '' });
    expect(approved.outputs).toEqual({ 'run-id': runId, state: 'running' });
    const repo = findRepository(sim.state(), TARGET.owner, TARGET.repo)!;
    expect(repo.dispatches).toHaveLength(1);
    const wave1 = repo.dispatches[0]!;
    expect(wave1.inputs).toMatchObject({ run_id: runId, wave: '1', tasks: '["farewell"]' });

    finishWorkflowRun(sim, TARGET, wave1.runId, [{ name: 'autodev task farewell', conclusion: 'success' }]);
    const payload = workflowRunCompleted(
      TARGET,
      {
        id: wave1.runId,
        path: '.github/workflows/autodev-agents.yml',
        conclusion: 'success',
        name: 'autodev agents',
      },
      { login: BOT, type: 'Bot' },
    );
    // GitHub sends the run-name of the agents workflow as the display title.
    (payload['workflow_run'] as Record<string, unknown>)['display_title'] = `autodev run ${runId} wave 1`;
    const reported = await runStep({ name: 'workflow_run', payload, runId: '4244' });
    expect({ code: reported.code, stderr: reported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(reported.outputs).toEqual({ 'run-id': runId, state: 'running' });

    expect(repo.dispatches.map((d) => d.inputs['tasks'])).toEqual(['["farewell"]', '["tests"]']);
    const run = await store.getRun(runId);
    expect(run?.tasks.map((t) => [t.id, t.state])).toEqual([
      ['farewell', 'succeeded'],
      ['tests', 'running'],
    ]);
    // The index's state hint kept up, so the workflow_run lookup found the run without reading all runs.
    expect(stateFile('index.json')).toEqual({
      runs: [expect.objectContaining({ id: runId, state: 'running' })],
    });
    expect(botComments()).toHaveLength(1);
    expect(notices).toEqual([]);
    expect(sim.violations).toEqual([]);
  });

  it("/cancel ends the run and posts the team's notification before the step ends", async () => {
    const cancelled = await runStep(commentEvent('/cancel', '4245'));
    expect({ code: cancelled.code, stderr: cancelled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cancelled.outputs).toEqual({ 'run-id': runId, state: 'cancelled' });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(runId);
    expect(notices[0]!.text.toLowerCase()).toContain('cancelled');
  });
});
