/**
 * The whole loop with nothing played by hand: an issue is labelled, the real app plans and dispatches
 * wave 1, the runner emulator runs the committed agent and integrate bundles against a real bare git
 * repository and reports the workflow run, the app dispatches wave 2, the emulator runs it, and the app
 * opens, reviews and links one pull request whose files are every task's work.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelReviewer } from '../../app/finish/reviewer.js';
import { type CompletionModel, SCRIPTED_USAGE } from '../../app/models/completion-model.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import type { Plan } from '../../app/planner/planner.js';
import type { Run } from '../../app/runs/run.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { integrationBranchName } from '../../app/workspace/git-worktrees.js';
import { createTestRepo, type TestRepo } from '../agent-task/task-fixtures.js';
import {
  type GitHubSimulator,
  type SimulatorSeed,
  startGitHubSimulator,
} from '../sandbox/github-simulator.js';
import { type RunnerEmulator, startRunnerEmulator } from '../sandbox/runner-emulator.js';
import { findRepository, type RepositoryRecord } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness, WEBHOOK_SECRET } from '../support/app-harness.js';
import { issuesLabeled, type Target } from '../support/event-payloads.js';
import { commentsOn, openIssueAs } from '../support/scenario.js';

const TARGET: Target = { owner: 'octo-org', repo: 'calc', installationId: 1 };
const WORKFLOW = '.github/workflows/autodev-agents.yml';

/** The same tiny Node project in the simulator and in the real git remote the actions push to. */
const PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify(
    { name: 'calc', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } },
    null,
    2,
  )}\n`,
  'src/index.js': 'export const version = 1;\n',
  'test/index.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { version } from '../src/index.js';",
    '',
    "test('has a version', () => assert.equal(version, 1));",
    '',
  ].join('\n'),
  '.github/autodev.yml': 'maxParallelAgents: 2\ngates:\n  test: npm test\nretries:\n  attempts: 0\n',
  [WORKFLOW]: readFileSync(new URL(`../../${WORKFLOW}`, import.meta.url), 'utf8'),
};

const seed: SimulatorSeed = {
  users: [{ login: 'maintainer' }],
  repositories: [
    { owner: TARGET.owner, name: TARGET.repo, collaborators: { maintainer: 'write' }, files: PROJECT },
  ],
};

/** Three tasks, t3 building on t1: two waves. An issue titled "Contest…" gets one best-of-2 task instead. */
const planner = new ScriptedPlanner([
  (request) =>
    request.run.trigger.title.startsWith('Contest')
      ? {
          goal: 'A subtract function, written by the better of two agents.',
          tasks: [{ id: 'sub', title: 'Subtract', role: 'coder', dependsOn: [], candidates: 2 }],
        }
      : structuredClone(CALCULATOR),
]);

const CALCULATOR = {
  goal: 'A calculator with add, multiply and square.',
  acceptanceCriteria: ['npm test passes'],
  tasks: [
    { id: 't1', title: 'Add', role: 'coder', dependsOn: [] },
    { id: 't2', title: 'Multiply', role: 'coder', dependsOn: [] },
    { id: 't3', title: 'Square via multiply-free add', role: 'coder', dependsOn: ['t1'] },
  ],
} satisfies Plan;

/** Each task writes its own module and a test for it; t3 imports t1's module, so wave 2 needs wave 1. */
const SOURCES: Record<string, { src: string; test: string }> = {
  t1: {
    src: 'export const add = (a, b) => a + b;\n',
    test: "import { add } from '../src/t1.js';\ntest('adds', () => assert.equal(add(2, 3), 5));\n",
  },
  t2: {
    src: 'export const multiply = (a, b) => a * b;\n',
    test: "import { multiply } from '../src/t2.js';\ntest('multiplies', () => assert.equal(multiply(2, 3), 6));\n",
  },
  t3: {
    src: "import { add } from './t1.js';\nexport const double = (a) => add(a, a);\n",
    test: "import { double } from '../src/t3.js';\ntest('doubles', () => assert.equal(double(4), 8));\n",
  },
};
const TEST_HEADER = "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n";
const writes = (id: string, src: string, test: string) => [
  {
    actions: [
      { write: `src/${id}.js`, content: src },
      { write: `test/${id}.test.js`, content: TEST_HEADER + test },
    ],
    summary: `wrote ${id}`,
  },
];
const SUBTRACT_TEST =
  "import { sub } from '../src/sub.js';\ntest('subtracts', () => assert.equal(sub(5, 3), 2));\n";
const agentScript = {
  ...Object.fromEntries(Object.entries(SOURCES).map(([id, { src, test }]) => [id, writes(id, src, test)])),
  // Best-of-2: the first candidate's subtraction is wrong, so its gate fails and it pushes nothing.
  'sub.c1': writes('sub', 'export const sub = (a, b) => b - a;\n', SUBTRACT_TEST),
  'sub.c2': writes('sub', 'export const sub = (a, b) => a - b;\n', SUBTRACT_TEST),
};

const reviewModel: CompletionModel = {
  async complete() {
    const text = JSON.stringify({
      verdict: 'approve',
      summary: 'Small, tested modules.',
      comments: [{ path: 'src/t3.js', line: 2, body: 'Nice reuse of add.' }],
    });
    return { text, usage: { ...SCRIPTED_USAGE, tokens: 500, costUsd: 0.01 } };
  },
};

let github: GitHubSimulator;
let store: Store;
let remote: TestRepo;
let scriptPath: string;
let app: AppHarness | undefined;
let emulator: RunnerEmulator | undefined;
const stepFailures: string[] = [];

/** The database outlives any one app process, as a real deployment's would. */
function startApp(): Promise<AppHarness> {
  return startAppHarness({
    github,
    store,
    planner,
    // No integration source is injected: the integrate job publishes its result on the state branch
    // and the app reads it from there, as in production.
    app: { reviewer: modelReviewer(reviewModel), worker: { sweepEveryMs: 3_600_000 } },
  });
}

function startEmulator(): RunnerEmulator {
  return startRunnerEmulator({
    github,
    // Read on every delivery: a restarted app has a new URL.
    appWebhookUrl: () => app!.webhookUrl,
    secret: WEBHOOK_SECRET,
    repo: TARGET,
    bareRepoPath: remote.bare,
    agentScript: scriptPath,
    pollMs: 25,
    onStepFailure: (step, log) => stepFailures.push(`${step}\n${log}`),
  });
}

beforeAll(async () => {
  github = await startGitHubSimulator({ seed, port: 0 });
  store = await openStore({ dataDir: 'memory://' });
  remote = await createTestRepo(PROJECT);
  scriptPath = join(remote.root, 'agent-script.json');
  await writeFile(scriptPath, JSON.stringify(agentScript));
}, 30_000);

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
  await app?.close();
  app = undefined;
  expect(stepFailures).toEqual([]);
  expect(github.violations).toEqual([]);
});

afterAll(async () => {
  await github?.close();
  await store?.close();
  if (remote) await rm(remote.root, { recursive: true, force: true });
});

const repoRecord = (): RepositoryRecord => findRepository(github.state(), TARGET.owner, TARGET.repo)!;

async function labelIssue(harness: AppHarness, title: string): Promise<number> {
  const issue = openIssueAs(github, TARGET, 'maintainer', {
    title,
    body: '- add\n- multiply\n- double\n',
    labels: ['autodev'],
  });
  const fields = { number: issue.number, title, body: issue.body, labels: ['autodev'] };
  const delivered = await harness.deliver(
    'issues',
    issuesLabeled(TARGET, fields, 'autodev', { login: 'maintainer' }),
  );
  expect(delivered.status).toBe(200);
  return issue.number;
}

/** Polls the store until the run is final (the emulator's deliveries are processed asynchronously). */
async function finalRun(issue: number, timeoutMs = 90_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.latestRunForIssue({ owner: TARGET.owner, repo: TARGET.repo }, issue);
    if (run && ['succeeded', 'failed', 'cancelled'].includes(run.state)) {
      await app?.runtime.worker.idle();
      return run;
    }
    if (Date.now() > deadline)
      throw new Error(`run for #${issue} still ${run?.state ?? 'missing'}; ${stepFailures.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The end state every run of this plan must reach, however the app was interrupted. */
function expectFinished(run: Run, issue: number): void {
  expect(run.state).toBe('succeeded');
  const repo = repoRecord();
  const dispatched = repo.dispatches
    .filter((d) => d.inputs['run_id'] === run.id)
    .map((d) => JSON.parse(String(d.inputs['tasks'])) as string[]);
  expect(dispatched).toEqual([['t1', 't2'], ['t3']]);

  const pulls = repo.pulls.filter((p) => p.head === integrationBranchName(run.id));
  expect(pulls).toHaveLength(1);
  const pull = pulls[0]!;
  expect(run.pullRequest?.number).toBe(pull.number);

  // The simulator computes the pull request's files from its own commits, as GitHub does.
  const head = repo.commits[repo.refs[`refs/heads/${pull.head}`]!]!;
  const base = repo.commits[repo.refs[`refs/heads/${pull.base}`]!]!;
  const changed = Object.keys(head.files).filter((path) => head.files[path] !== base.files[path]);
  expect(changed.sort()).toEqual([
    'src/t1.js',
    'src/t2.js',
    'src/t3.js',
    'test/t1.test.js',
    'test/t2.test.js',
    'test/t3.test.js',
  ]);
  expect(repo.blobs[head.files['src/t3.js']!]).toBe(SOURCES['t3']!.src);

  const reviews = repo.reviews.filter((r) => r.pullNumber === pull.number);
  expect(reviews).toHaveLength(1);
  expect(reviews[0]!.comments).toEqual([
    { path: 'src/t3.js', line: 2, side: 'RIGHT', body: 'Nice reuse of add.' },
  ]);

  const body = repo.issues.find((i) => i.number === pull.number)!.body!;
  expect(body).toContain(`Closes #${issue}`);
  expect(body).toMatch(/`npm test` \| 0 \| ✅ passed/);
  // The integrate jobs reported every task merged, so their branches were cleaned up.
  expect(Object.keys(repo.refs).filter((ref) => ref.startsWith(`refs/heads/autodev/${run.id}/t`))).toEqual(
    [],
  );

  const progress = commentsOn(github, TARGET, issue).filter((c) => c.user === 'autodev[bot]');
  expect(progress).toHaveLength(1);
  expect(progress[0]!.body).toContain('✅ **Succeeded**');
  expect(progress[0]!.body).toContain(`[#${pull.number}](${github.url}`);
}

describe('the whole loop in the sandbox', () => {
  it('goes from a labelled issue through two emulated waves to one reviewed pull request', async () => {
    app = await startApp();
    emulator = startEmulator();
    const issue = await labelIssue(app, 'Calculator');
    const run = await finalRun(issue);
    await emulator.idle();
    expect(emulator.processed).toBe(2);
    expectFinished(run, issue);
  }, 120_000);

  it('resumes a run to the same end state when the app is killed after dispatching wave 1', async () => {
    const first = await startApp();
    app = first;
    const issue = await labelIssue(first, 'Calculator again');
    const started = await store.latestRunForIssue({ owner: TARGET.owner, repo: TARGET.repo }, issue);
    expect(repoRecord().dispatches.filter((d) => d.inputs['run_id'] === started!.id)).toHaveLength(1);

    // Killed before wave 1 reports: a new process on the same database and GitHub picks the run up.
    await first.close();
    app = await startApp();
    emulator = startEmulator();
    const run = await finalRun(issue);
    await emulator.idle();
    expect(emulator.processed).toBe(2);
    expectFinished(run, issue);
  }, 120_000);

  it('runs a best-of-2 task as two candidate jobs and merges the one that passed its gate', async () => {
    app = await startApp();
    emulator = startEmulator();
    const issue = await labelIssue(app, 'Contest: subtract');
    const run = await finalRun(issue);
    await emulator.idle();
    expect(run.state).toBe('succeeded');
    // The losing candidate's job failed, as its gate did; nothing else did.
    expect(stepFailures.map((failure) => JSON.parse(failure.split('\n')[0]!.slice('agent '.length)))).toEqual(
      [expect.objectContaining({ 'task-id': 'sub.c1' })],
    );
    stepFailures.length = 0;
    const repo = repoRecord();
    const dispatched = repo.dispatches.filter((d) => d.inputs['run_id'] === run.id);
    expect(dispatched.map((d) => JSON.parse(String(d.inputs['tasks'])) as string[])).toEqual([
      ['sub.c1', 'sub.c2'],
    ]);

    const pull = repo.pulls.find((p) => p.head === integrationBranchName(run.id))!;
    const head = repo.commits[repo.refs[`refs/heads/${pull.head}`]!]!;
    expect(repo.blobs[head.files['src/sub.js']!]).toBe('export const sub = (a, b) => a - b;\n');
    const body = repo.issues.find((i) => i.number === pull.number)!.body!;
    expect(body).toContain('best of N: sub.c2 won: it succeeded and sub.c1 did not');
    // The winner's branch is cleaned up like any merged task's; the loser never pushed one.
    expect(
      Object.keys(repo.refs).filter((ref) => ref.startsWith(`refs/heads/autodev/${run.id}/sub`)),
    ).toEqual([]);
  }, 120_000);
});
