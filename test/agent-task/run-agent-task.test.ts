/**
 * runAgentTask end to end on a real repository: a scripted agent edits files in a git worktree, the
 * gates really run (`node --check`, `npm test` → `node --test`), the failing output goes back to the
 * agent, the fix is committed and pushed to a bare origin, and the check run lands in the GitHub
 * simulator through GitHubScm. A canary secret in the environment must show up nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { AgentBackend, AgentContext, AgentOutcome, AgentTask } from '../../app/agents/agent-backend.js';
import { ScriptedBackend, type ScriptedCall } from '../../app/agents/scripted-backend.js';
import { runAgentTask, type AgentTaskDeps } from '../../app/agent-task/run-agent-task.js';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import type { Log } from '../../app/core/logger.js';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { startGitHubSimulator, type GitHubSimulator } from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import { createTestRepo, git, remoteBranches, RIGHT_FIX, WRONG_FIX, type TestRepo } from './task-fixtures.js';

const CANARY = 'canary-7f3a9c1e5b2d4860';
const OWNER = 'octo-org';
const NAME = 'greeter';
const config = autodevConfigSchema.parse({
  gates: { test: 'npm test', typecheck: 'node --check src/greet.js' },
});

function task(taskId: string, role: AgentTask['role'] = 'coder'): AgentTask {
  return {
    runId: 'r42',
    taskId,
    issueNumber: 7,
    repository: `${OWNER}/${NAME}`,
    title: 'Greet people by name',
    role,
    description: 'greet(name) returns "Hello, <name>!"',
    acceptance: ['npm test passes'],
    files: ['src/greet.js'],
    goal: 'Friendlier greetings',
    validationGates: ['npm test'],
  };
}

/**
 * The shared scripted backend, one fix per attempt (the last repeats), metered like a model-backed one
 * and leaking a secret into its summary the way a careless agent might: every report must still hide it.
 */
class FixingAgent implements AgentBackend {
  readonly name = 'scripted';
  readonly scripted: ScriptedBackend;
  constructor(fixes: string[]) {
    this.scripted = new ScriptedBackend(
      fixes.map((content) => ({ actions: [{ write: 'src/greet.js', content }] })),
    );
  }

  get contexts(): ScriptedCall[] {
    return this.scripted.calls;
  }

  async run(context: AgentContext): Promise<AgentOutcome> {
    const outcome = await this.scripted.run(context);
    const summary = `Changed greet() to use the name (token ${CANARY}).`;
    return { ...outcome, summary, tokens: 1200, costUsd: 0.0042, turns: 3, backend: 'scripted:test' };
  }
}

let sim: GitHubSimulator;
let repo: TestRepo;
let worktreeDir: string;
const logLines: string[] = [];
const log: Log = {
  debug: (obj, msg) => logLines.push(JSON.stringify([obj, msg])),
  info: (obj, msg) => logLines.push(JSON.stringify([obj, msg])),
  warn: (obj, msg) => logLines.push(JSON.stringify([obj, msg])),
  error: (obj, msg) => logLines.push(JSON.stringify([obj, msg])),
};

beforeAll(async () => {
  sim = await startGitHubSimulator({
    seed: { users: [], repositories: [{ owner: OWNER, name: NAME }] },
  });
  repo = await createTestRepo();
  worktreeDir = await mkdtemp(join(tmpdir(), 'autodev-worktrees-'));
  // The checkout came from GitHub, so GitHub knows its commit: arrange that in the simulator.
  const record = findRepository(sim.state(), OWNER, NAME)!;
  record.commits[repo.base] = {
    sha: repo.base,
    treeSha: repo.base,
    message: 'Initial commit',
    parents: [],
    files: {},
    author: OWNER,
    date: new Date().toISOString(),
  };
}, 30_000);

afterAll(async () => {
  await sim?.close();
  if (repo) await rm(repo.root, { recursive: true, force: true });
  if (worktreeDir) await rm(worktreeDir, { recursive: true, force: true });
});

const env = { ...process.env, AUTODEV_CANARY_TOKEN: CANARY };

function deps(backend: AgentBackend): AgentTaskDeps {
  const octokit = new Octokit({ baseUrl: sim.url, auth: sim.createInstallationToken(), log: quiet });
  return {
    worktrees: new WorktreeManager({ repoPath: repo.clone, baseDir: worktreeDir }),
    // As on a runner, the canary is in the environment the workspace scrubs commands from.
    createWorkspace: (worktree, policy) => createWorkspace(worktree, policy, { parentEnv: env }),
    backend,
    checks: new GitHubScm(octokit),
    env,
    log,
  };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const checkRuns = () => findRepository(sim.state(), OWNER, NAME)!.checkRuns;

describe('runAgentTask', () => {
  it('feeds the failing gate back, lands the fix on its branch and reports a check run', async () => {
    const agent = new FixingAgent([WRONG_FIX, RIGHT_FIX]);
    const result = await runAgentTask(deps(agent), {
      task: task('greet'),
      repo: { owner: OWNER, repo: NAME },
      config,
      base: repo.base,
    });

    expect(result).toMatchObject({
      status: 'succeeded',
      branch: 'autodev/r42/greet',
      attempts: 2,
      backend: 'scripted:test',
      tokens: 2400,
    });
    expect(result.costUsd).toBeCloseTo(0.0084);
    expect(result.gates.map((g) => [g.name, g.command, g.exitCode, g.passed])).toEqual([
      ['typecheck', 'node --check src/greet.js', 0, true],
      ['test', 'npm test', 0, true],
    ]);
    expect(result.gates[1]!.outputTail).toMatch(/# pass 1/);

    // Attempt 2 was told, as fenced data, what the failing `npm test` printed on attempt 1.
    expect(agent.contexts[0]!.feedback).toBeUndefined();
    const feedback = agent.contexts[1]!.feedback ?? '';
    expect(feedback).toMatch(/^Untrusted data from the validation gates after attempt 1/);
    expect(feedback).toContain('$ npm test');
    expect(feedback).toContain("'Hi, Ada.'");
    expect(feedback).not.toContain('node --check');
    expect(agent.contexts[0]!.conventions).toContain('Keep functions small.');
    expect(agent.contexts[0]!.repoMap).toContain('src/greet.js');

    // The branch arrived in the origin with the one commit, whose message follows the convention.
    const branches = await remoteBranches(repo.bare);
    expect(branches['autodev/r42/greet']).toBe(result.commit);
    const message = await git(repo.bare, 'log', '-1', '--format=%B', 'autodev/r42/greet');
    expect(message).toMatch(/^feat\(greet\): Greet people by name\n\nChanged greet\(\) to use the name/);
    expect(message).toContain('Refs #7\nautodev-run: r42');
    expect(await git(repo.bare, 'show', 'autodev/r42/greet:src/greet.js')).toBe(RIGHT_FIX.trimEnd());
    expect(await git(repo.bare, 'rev-parse', 'autodev/r42/greet~1')).toBe(repo.base);

    const check = checkRuns().find((c) => c.name === 'autodev task greet')!;
    expect(check).toMatchObject({ headSha: repo.base, status: 'completed', conclusion: 'success' });
    expect(check.output.summary).toContain('| typecheck | `node --check src/greet.js` | ✅ passed | 0 |');
    expect(check.output.summary).toContain('| test | `npm test` | ✅ passed | 0 |');
    expect(check.output.summary).toContain('| scripted:test | 2 | 2,400 | $0.0084 |');

    // The canary: check run bodies as the simulator recorded them, the commit, the result, the log.
    const recorded = JSON.stringify(sim.requests.filter((r) => r.path.includes('check-runs')));
    expect(recorded).toContain('autodev task greet');
    expect(sim.violations).toEqual([]);
    for (const text of [
      recorded,
      JSON.stringify(checkRuns()),
      message,
      JSON.stringify(result),
      logLines.join('\n'),
      feedback,
    ]) {
      expect(text).not.toContain(CANARY);
    }
    expect(message).toContain('(token ***)');
    // The worktree is gone and its branch is free again.
    expect(await git(repo.clone, 'worktree', 'list')).not.toContain('r42-greet');
  }, 60_000);

  it('fails with the gate and its output when the attempts run out, and pushes nothing', async () => {
    const agent = new FixingAgent([WRONG_FIX]);
    const result = await runAgentTask(deps(agent), {
      task: task('stubborn', 'tester'),
      repo: { owner: OWNER, repo: NAME },
      config,
      base: repo.base,
      attempts: 2,
    });

    expect(result.status).toBe('failed');
    expect(result.attempts).toBe(2);
    expect(result.reason).toMatch(/^gate `npm test` still failing after 2 attempts: /);
    expect(result.commit).toBeUndefined();
    expect(Object.keys(await remoteBranches(repo.bare))).not.toContain('autodev/r42/stubborn');
    const check = checkRuns().find((c) => c.name === 'autodev task stubborn')!;
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check.output.summary).toContain('**Failed:** gate `npm test` still failing after 2 attempts');
    expect(check.output.summary).toContain('| test | `npm test` | ❌ failed | 1 |');
    expect(check.output.text).toContain("'Hi, Ada.'");
    expect(JSON.stringify(checkRuns())).not.toContain(CANARY);
  }, 60_000);

  it('stops at once when a gate cannot run, and says which setting to change', async () => {
    const agent = new FixingAgent([RIGHT_FIX]);
    const result = await runAgentTask(deps(agent), {
      task: task('refused'),
      repo: { owner: OWNER, repo: NAME },
      config: autodevConfigSchema.parse({ gates: { lint: 'make lint' } }),
      base: repo.base,
    });
    expect(result).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.reason).toMatch(/^gate `make lint` could not run .*allowedCommands/);
    expect(result.gates).toEqual([expect.objectContaining({ name: 'lint', exitCode: -1, passed: false })]);
  }, 30_000);

  it('runs the configured setup in the fresh worktree before the agent, and stops when it fails', async () => {
    const broken = new FixingAgent([RIGHT_FIX]);
    const failed = await runAgentTask(deps(broken), {
      task: task('nosetup'),
      repo: { owner: OWNER, repo: NAME },
      config: autodevConfigSchema.parse({ ...config, setup: 'node -e "process.exit(3)"' }),
      base: repo.base,
    });
    expect(failed).toMatchObject({ status: 'failed', attempts: 0 });
    expect(failed.reason).toMatch(
      /^setup `node -e .process\.exit\(3\).` failed \(exit 3\) before the agent started/,
    );
    expect(failed.gates).toEqual([expect.objectContaining({ name: 'setup', exitCode: 3, passed: false })]);

    const fixing = new FixingAgent([RIGHT_FIX]);
    const ok = await runAgentTask(deps(fixing), {
      task: task('withsetup'),
      repo: { owner: OWNER, repo: NAME },
      config: autodevConfigSchema.parse({ ...config, setup: 'node --version' }),
      base: repo.base,
    });
    expect(ok.status).toBe('succeeded');
  }, 60_000);

  it('fails a task whose agent changed nothing, rather than pushing an empty branch', async () => {
    const idle = new ScriptedBackend([{ actions: [], summary: 'Looked around.' }]);
    const result = await runAgentTask(deps(idle), {
      task: task('idle'),
      repo: { owner: OWNER, repo: NAME },
      config: autodevConfigSchema.parse({}),
      base: repo.base,
    });
    expect(result).toMatchObject({ status: 'failed', attempts: 1, gates: [] });
    expect(result.reason).toBe('the agent finished without changing any file, so there is nothing to commit');
    expect(Object.keys(await remoteBranches(repo.bare))).not.toContain('autodev/r42/idle');
  }, 30_000);

  it('still succeeds, and says why in the log, when GitHub refuses the check run', async () => {
    const agent = new FixingAgent([RIGHT_FIX]);
    const result = await runAgentTask(deps(agent), {
      task: task('unchecked'),
      repo: { owner: OWNER, repo: 'no-such-repo' },
      config,
      base: repo.base,
    });
    expect(result.status).toBe('succeeded');
    expect(logLines.join('\n')).toMatch(
      /GitHub refused to create check run \\"autodev task unchecked\\".*could not start the check run/,
    );
  }, 30_000);

  it('turns a backend that throws into a failed task with its message', async () => {
    const broken: AgentBackend = {
      name: 'broken',
      run: () => Promise.reject(new Error(`OPENAI_API_KEY is not set (saw ${CANARY})`)),
    };
    const result = await runAgentTask(deps(broken), {
      task: task('broken'),
      repo: { owner: OWNER, repo: NAME },
      config,
      base: repo.base,
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('autodev could not finish the task: OPENAI_API_KEY is not set (saw ***)');
    expect(checkRuns().find((c) => c.name === 'autodev task broken')).toMatchObject({
      conclusion: 'failure',
    });
    expect(await git(repo.clone, 'worktree', 'list')).not.toContain('r42-broken');
  }, 30_000);
});
