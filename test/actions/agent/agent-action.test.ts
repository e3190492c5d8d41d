/**
 * The committed bundle actions/agent/dist/index.js, run by the local runner exactly as the Actions
 * runner would run the step: a checkout in GITHUB_WORKSPACE (whose origin is a bare repository), the
 * plan file the control plane publishes, the GitHub simulator as GITHUB_API_URL, and the scripted
 * backend (AUTODEV_AGENT_SCRIPT, test and demo only) instead of a model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../../app/agents/task-result.js';
import { planDocument } from '../../../app/dispatch/actions-dispatcher.js';
import { runBundledAction, type BundledActionResult } from '../../../app/runners/local-runner.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../sandbox/github-simulator.js';
import { findRepository } from '../../sandbox/simulator-state.js';
import { aRun } from '../../runs/run-fixtures.js';
import {
  createTestRepo,
  git,
  GREETER_FILES,
  remoteBranches,
  RIGHT_FIX,
  WRONG_FIX,
  type TestRepo,
} from '../../agent-task/task-fixtures.js';

const CANARY = 'canary-0d1e2a3b4c5f6789';
const OWNER = 'octo-org';
const NAME = 'greeter';
const RUN = 'r7action';

let sim: GitHubSimulator;
let repo: TestRepo;
let token: string;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: { users: [], repositories: [{ owner: OWNER, name: NAME }] } });
  token = sim.createInstallationToken();
  repo = await createTestRepo({
    ...GREETER_FILES,
    '.github/autodev.yml': 'gates:\n  test: npm test\n  typecheck: node --check src/greet.js\n',
  });
  // The job checked out a commit GitHub has.
  findRepository(sim.state(), OWNER, NAME)!.commits[repo.base] = {
    sha: repo.base,
    treeSha: repo.base,
    message: 'Initial commit',
    parents: [],
    files: {},
    author: OWNER,
    date: new Date().toISOString(),
  };
  const run = aRun({
    id: RUN,
    repo: { owner: OWNER, repo: NAME },
    issueNumber: 3,
    plan: {
      goal: 'Friendlier greetings',
      briefs: {
        greet: {
          description: 'greet(name) returns "Hello, <name>!"',
          files: ['src/greet.js'],
          acceptance: ['npm test passes'],
          estimateMinutes: 5,
          candidates: 1,
        },
      },
    },
    tasks: [
      {
        id: 'greet',
        title: 'Greet by name',
        role: 'coder',
        dependsOn: [],
        state: 'queued',
        links: {},
        tokens: 0,
        costUsd: 0,
      },
    ],
  });
  await writeFile(join(repo.root, 'plan.json'), JSON.stringify(planDocument(run), null, 2));
  const script = {
    greet: [
      { actions: [{ write: 'src/greet.js', content: WRONG_FIX }] },
      { actions: [{ write: 'src/greet.js', content: RIGHT_FIX }], summary: `Greets by name; saw ${CANARY}` },
    ],
  };
  await writeFile(join(repo.root, 'script.json'), JSON.stringify(script));
}, 30_000);

afterAll(async () => {
  await sim?.close();
  if (repo) await rm(repo.root, { recursive: true, force: true });
});

function runStep(taskId: string): Promise<BundledActionResult> {
  return runBundledAction({
    actionDir: join(process.cwd(), 'actions', 'agent'),
    inputs: { 'run-id': RUN, 'task-id': taskId, 'plan-file': join(repo.root, 'plan.json') },
    env: { AUTODEV_AGENT_SCRIPT: join(repo.root, 'script.json'), AUTODEV_CANARY_TOKEN: CANARY },
    runner: {
      workspace: repo.clone,
      repository: `${OWNER}/${NAME}`,
      apiUrl: sim.url,
      temp: repo.root,
      token,
      runId: '9001',
      sha: repo.base,
    },
    timeoutMs: 60_000,
  });
}

describe('actions/agent as a workflow step', () => {
  it('runs the task to a pushed branch, with outputs, result JSON, summary and check run', async () => {
    const step = await runStep('greet');
    expect({ code: step.exitCode, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });
    expect(step.outputs.status).toBe('succeeded');

    const result = JSON.parse(step.outputs.result ?? '{}') as TaskResult;
    expect(result).toMatchObject({
      runId: RUN,
      taskId: 'greet',
      status: 'succeeded',
      attempts: 2,
      backend: 'scripted',
    });
    expect(result.gates.map((g) => `${g.name}:${g.passed}`)).toEqual(['typecheck:true', 'test:true']);
    const file = JSON.parse(
      await readFile(join(repo.root, 'autodev-result-greet.json'), 'utf8'),
    ) as TaskResult;
    expect(file).toEqual(result);

    expect((await remoteBranches(repo.bare))[`autodev/${RUN}/greet`]).toBe(result.commit);
    const message = await git(repo.bare, 'log', '-1', '--format=%B', `autodev/${RUN}/greet`);
    expect(message).toMatch(/^feat\(greet\): Greet by name\n/);
    expect(message).toContain(`Refs #3\nautodev-run: ${RUN}`);

    expect(step.summary).toContain('autodev task `greet`');
    expect(step.summary).toContain('| test | `npm test` | ✅ passed | 0 |');
    const check = findRepository(sim.state(), OWNER, NAME)!.checkRuns.find(
      (c) => c.name === 'autodev task greet',
    );
    expect(check).toMatchObject({
      headSha: repo.base,
      conclusion: 'success',
      externalId: `${RUN}/greet`,
      detailsUrl: `https://github.com/${OWNER}/${NAME}/actions/runs/9001`,
    });
    expect(sim.violations).toEqual([]);

    const everything = [step.stdout, step.stderr, step.summary, JSON.stringify(step.outputs), message];
    everything.push(JSON.stringify(sim.requests), JSON.stringify(file));
    for (const text of everything) expect(text).not.toContain(CANARY);
    expect(result.summary).toBe('Greets by name; saw ***');
  }, 90_000);

  it('fails the step with a reason, and still writes the result, when the plan has no such task', async () => {
    const step = await runStep('nope');
    expect(step.exitCode).toBe(1);
    expect(step.outputs.status).toBe('failed');
    const result = JSON.parse(
      await readFile(join(repo.root, 'autodev-result-nope.json'), 'utf8'),
    ) as TaskResult;
    expect(result).toMatchObject({ status: 'failed', taskId: 'nope', branch: `autodev/${RUN}/nope` });
    expect(result.reason).toBe(`run ${RUN} has no task \`nope\` (its tasks: greet)`);
    expect(step.stdout).toContain(`::error::autodev task nope: run ${RUN} has no task`);
  }, 30_000);
});
