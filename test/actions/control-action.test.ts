/**
 * The committed bundle actions/control/dist/index.js, run the way the Actions runner runs it: a child
 * process with the runner's environment, a real event file, and the GitHub simulator as GITHUB_API_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { Plan } from '../../app/planner/planner.js';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { RepoStateStore, STATE_BRANCH, STATE_ROOT } from '../../app/store/repo-state-store.js';
import { type GitHubSimulator, type SimulatorSeed, startGitHubSimulator } from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { issueCommentCreated, type Target } from '../support/event-payloads.js';
import { commentAs, commentsOn } from '../support/scenario.js';

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
        // Waiting for /approve keeps the run alive until Actions dispatch lands.
        '.github/autodev.yml': 'requireApproval: true\n',
      },
      issues: [{ number: 1, title: 'Goodbyes', body: 'We only ever say hello.', author: 'maintainer' }],
    },
  ],
};

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let sim: GitHubSimulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let store: RepoStateStore;
let commentId: number;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed });
  dir = await mkdtemp(join(tmpdir(), 'autodev-control-'));
  const comment = commentAs(sim, TARGET, 1, 'maintainer', BODY);
  commentId = comment.id;
  const payload = issueCommentCreated(
    TARGET,
    { number: 1, title: 'Goodbyes', body: 'We only ever say hello.' },
    { id: comment.id, body: BODY },
    { login: 'maintainer' },
  );
  await writeFile(join(dir, 'event.json'), JSON.stringify(payload, null, 2));
  await writeFile(join(dir, 'plan.json'), JSON.stringify(PLAN));
  const token = sim.createInstallationToken();
  // What the runner sets for a `uses:` step of an issue_comment workflow (inputs keep their dashes).
  env = {
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_EVENT_NAME: 'issue_comment',
    GITHUB_REPOSITORY: `${TARGET.owner}/${TARGET.repo}`,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_API_URL: sim.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': token,
    'INPUT_DATABASE-URL': '',
    'INPUT_LOG-LEVEL': 'debug',
    AUTODEV_PLANNER: `scripted:${join(dir, 'plan.json')}`,
  };
  const octokit = new Octokit({ baseUrl: sim.url, auth: token, log: quiet });
  store = new RepoStateStore({ scm: new GitHubScm(octokit), repo: TARGET });
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One step run: fresh output and summary files, as the runner makes for every step. */
async function runStep(name: string): Promise<StepResult> {
  const output = join(dir, `${name}-output`);
  const summary = join(dir, `${name}-summary.md`);
  await writeFile(output, '');
  await writeFile(summary, '');
  const child = spawn(process.execPath, [DIST], {
    cwd: dir,
    env: { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr, outputs: parseOutputs(await readFile(output, 'utf8')), summary: await readFile(summary, 'utf8') };
}

/** GITHUB_OUTPUT's `name<<delimiter` … `delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm)) {
    outputs[match[1]!] = match[3]!;
  }
  return outputs;
}

function stateFile(path: string): unknown {
  const repo = findRepository(sim.state(), TARGET.owner, TARGET.repo)!;
  const head = repo.commits[repo.refs[`refs/heads/${STATE_BRANCH}`] ?? '']!;
  const blob = head?.files[`${STATE_ROOT}/${path}`];
  return blob === undefined ? undefined : JSON.parse(repo.blobs[blob]!);
}

const botComments = () => commentsOn(sim, TARGET, 1).filter((c) => c.user === BOT);

describe('actions/control as a workflow step', () => {
  let runId = '';

  it('handles /parallel-dev: 👀, one progress comment, the run on the state branch, outputs and summary', async () => {
    const step = await runStep('first');
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
    const step = await runStep('again');
    expect({ code: step.code, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });
    expect(step.outputs).toEqual({ 'run-id': runId, state: 'awaiting-approval' });
    expect(step.summary).toContain('already handled');

    expect((await store.listRuns()).map((r) => r.id)).toEqual([runId]);
    expect(botComments()).toHaveLength(1);
    const asked = commentsOn(sim, TARGET, 1).find((c) => c.id === commentId)!;
    expect(asked.reactions).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });
});
