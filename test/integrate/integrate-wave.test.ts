/**
 * integrateWave on real repositories: task branches pushed to a bare origin, merged in a worktree of
 * the checkout, the gate (`npm test` → `node --test`) really run on the integrated tree, the result
 * pushed back. Conflicts are real conflicts of two tasks editing the same line; the integrator is the
 * scripted backend working in the integration worktree's sandboxed workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { AgentBackend, AgentContext, AgentOutcome, AgentTask } from '../../app/agents/agent-backend.js';
import { ScriptedBackend, type ScriptedAttempt } from '../../app/agents/scripted-backend.js';
import { integrateWave, type IntegrationTask } from '../../app/integrate/integrate-wave.js';
import { integrationBranchName } from '../../app/workspace/git-worktrees.js';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import { git, remoteBranches } from '../agent-task/task-fixtures.js';
import {
  aTask,
  createWaveRepo,
  listWith,
  moduleFiles,
  pushTaskBranch,
  removeRepo,
  testConfig,
  type WaveRepo,
} from './wave-fixtures.js';

let repo: WaveRepo;

beforeAll(async () => {
  repo = await createWaveRepo();
}, 30_000);

afterAll(() => removeRepo(repo));

/** The scripted backend, remembering each task it was given and the branch it worked on. */
class RecordingIntegrator implements AgentBackend {
  readonly name = 'scripted';
  readonly tasks: AgentTask[] = [];
  readonly branches: string[] = [];
  private readonly scripted: ScriptedBackend;
  constructor(attempts: ScriptedAttempt[]) {
    this.scripted = new ScriptedBackend(attempts);
  }
  run(context: AgentContext): Promise<AgentOutcome> {
    this.tasks.push(context.task);
    this.branches.push(context.workspace.branch);
    return this.scripted.run(context);
  }
}

function integrate(runId: string, tasks: IntegrationTask[], integrator?: AgentBackend) {
  return integrateWave(
    {
      worktrees: new WorktreeManager({ repoPath: repo.clone, baseDir: join(repo.root, 'worktrees') }),
      createWorkspace,
      ...(integrator ? { integrator } : {}),
    },
    { repoPath: repo.clone, runId, baseRef: repo.base, tasks, config: testConfig() },
  );
}

/** Subjects of the integration branch's first-parent history over main, oldest first. */
async function mergeSubjects(runId: string): Promise<string[]> {
  const log = await git(
    repo.bare,
    'log',
    '--first-parent',
    '--reverse',
    '--format=%s',
    `main..${integrationBranchName(runId)}`,
  );
  return log.split('\n').filter(Boolean);
}

async function fileOnIntegration(runId: string, path: string): Promise<string> {
  return git(repo.bare, 'show', `${integrationBranchName(runId)}:${path}`);
}

describe('integrateWave, clean merges', () => {
  const RUN = 'rclean';
  const tasks = [aTask(RUN, 'beta', ['alpha']), aTask(RUN, 'gamma'), aTask(RUN, 'alpha')];

  beforeAll(async () => {
    await pushTaskBranch(repo, RUN, 'alpha', moduleFiles('alpha'));
    // beta builds on alpha's branch, as a dependent task's agent would.
    await pushTaskBranch(repo, RUN, 'beta', moduleFiles('beta'), `autodev/${RUN}/alpha`);
    await pushTaskBranch(repo, RUN, 'gamma', moduleFiles('gamma'));
  }, 30_000);

  it('merges in dependency order, one merge commit each, runs the gate and pushes', async () => {
    const result = await integrate(RUN, tasks);

    expect(result.merges.map((m) => [m.taskId, m.status])).toEqual([
      ['gamma', 'merged'],
      ['alpha', 'merged'],
      ['beta', 'merged'],
    ]);
    expect(await mergeSubjects(RUN)).toEqual([
      'merge(gamma): Add gamma',
      'merge(alpha): Add alpha',
      'merge(beta): Add beta',
    ]);
    for (const merge of result.merges) {
      const parents = await git(repo.bare, 'rev-list', '--parents', '-n', '1', merge.commit!);
      expect(parents.split(' ')).toHaveLength(3);
      expect(await git(repo.bare, 'log', '-1', '--format=%B', merge.commit!)).toContain(
        `autodev-run: ${RUN}`,
      );
    }
    expect(result.merges[2]?.files).toEqual(['src/beta.js', 'test/beta.test.js']);

    expect(result.gates).toHaveLength(1);
    expect(result.gates[0]).toMatchObject({ name: 'test', command: 'npm test', exitCode: 0, passed: true });
    expect(result.gates[0]?.outputTail).toMatch(/pass 4/);
    expect(result.passed).toBe(true);
    expect(result.branch).toBe(`autodev/${RUN}/integration`);
    expect((await remoteBranches(repo.bare))[result.branch]).toBe(result.head);
    expect(await git(repo.clone, 'worktree', 'list')).not.toContain('autodev-wt-');
  }, 60_000);

  it('is safe to run again: every task is already merged and nothing new is committed', async () => {
    const first = (await remoteBranches(repo.bare))[integrationBranchName(RUN)];
    const again = await integrate(RUN, tasks);
    expect(again.head).toBe(first);
    expect(again.merges.every((m) => m.status === 'merged' && m.note?.startsWith('already'))).toBe(true);
    expect(again.merges.map((m) => m.commit)).toEqual(
      (
        await git(repo.bare, 'rev-list', '--first-parent', '--reverse', `main..${integrationBranchName(RUN)}`)
      ).split('\n'),
    );
  }, 60_000);

  it('reports a task whose branch was never pushed as missing, and merges the rest', async () => {
    const result = await integrate('rghost', [aTask('rghost', 'ghost'), aTask(RUN, 'gamma')]);
    expect(result.merges[0]).toMatchObject({ taskId: 'ghost', status: 'missing' });
    expect(result.merges[0]?.note).toContain('origin has no branch autodev/rghost/ghost');
    expect(result.merges[1]).toMatchObject({ taskId: 'gamma', status: 'merged' });
    expect(result.passed).toBe(true);
  }, 60_000);
});

describe('integrateWave, a forced conflict', () => {
  /** left and right both rewrite the line 'base' of src/list.js; tail touches only its own file. */
  async function pushConflict(runId: string): Promise<IntegrationTask[]> {
    await pushTaskBranch(repo, runId, 'left', { 'src/list.js': listWith('left') });
    await pushTaskBranch(repo, runId, 'right', { 'src/list.js': listWith('right') });
    await pushTaskBranch(repo, runId, 'tail', moduleFiles('tail'));
    return [aTask(runId, 'left'), aTask(runId, 'right'), aTask(runId, 'tail')];
  }

  it('is resolved by the integrator writing the combined text; the gates run on the resolution', async () => {
    const RUN = 'rresolve';
    const tasks = await pushConflict(RUN);
    const integrator = new RecordingIntegrator([
      { actions: [{ write: 'src/list.js', content: listWith('left', 'right') }], summary: 'kept both items' },
    ]);
    const result = await integrate(RUN, tasks, integrator);

    expect(result.merges.map((m) => [m.taskId, m.status])).toEqual([
      ['left', 'merged'],
      ['right', 'resolved'],
      ['tail', 'merged'],
    ]);
    const right = result.merges[1]!;
    expect(right.files).toEqual(['src/list.js']);
    expect(right.note).toBe('the integrator resolved the conflicts in src/list.js: kept both items');
    expect(right.gates?.map((g) => [g.name, g.passed])).toEqual([['test', true]]);
    expect(await git(repo.bare, 'rev-list', '--parents', '-n', '1', right.commit!)).toMatch(/^\w+ \w+ \w+$/);
    expect(await git(repo.bare, 'log', '-1', '--format=%B', right.commit!)).toMatch(
      /^merge\(right\): Add right\n\nMerges autodev\/rresolve\/right into autodev\/rresolve\/integration\.\n\nConflicts in src\/list\.js resolved by the integrator agent\.\n\nautodev-run: rresolve/,
    );
    expect(await fileOnIntegration(RUN, 'src/list.js')).toBe(listWith('left', 'right').trimEnd());
    expect(result.passed).toBe(true);

    // What the integrator was given: both intents, and the file three ways.
    expect(integrator.branches).toEqual([`autodev/${RUN}/integration`]);
    const task = integrator.tasks[0]!;
    expect(task).toMatchObject({ role: 'integrator', taskId: 'right', files: ['src/list.js'] });
    const inputs = task.promptInputs ?? {};
    expect(inputs.branch).toBe(`autodev/${RUN}/integration`);
    expect(inputs.ours_task).toContain('id: left');
    expect(inputs.ours_task).toContain('Report of left: wrote src/list.js.');
    expect(inputs.theirs_task).toContain('id: right');
    expect(inputs.theirs_task).toContain('title: Add right');
    expect(inputs.conflicts).toContain('<<<<<<< HEAD');
    expect(inputs.conflicts).toContain('||||||| ');
    expect(inputs.conflicts).toContain(
      "Ours: the integration branch (`git show :2:src/list.js`):\n\n```\nexport const items = [\n  'left',",
    );
    expect(inputs.conflicts).toContain(
      "Theirs: right (`git show :3:src/list.js`):\n\n```\nexport const items = [\n  'right',",
    );
  }, 60_000);

  it('is aborted and reported when the integrator leaves the markers; the other tasks still merge', async () => {
    const RUN = 'rstuck';
    const tasks = await pushConflict(RUN);
    // A task built on right's branch: merging it would bring right's conflicting work in after all.
    await pushTaskBranch(repo, RUN, 'after', moduleFiles('after'), `autodev/${RUN}/right`);
    tasks.push(aTask(RUN, 'after', ['right']));
    const integrator = new RecordingIntegrator([{ actions: [], summary: 'looked at it' }]);
    const result = await integrate(RUN, tasks, integrator);

    expect(result.merges.map((m) => [m.taskId, m.status])).toEqual([
      ['left', 'merged'],
      ['right', 'conflicted'],
      ['tail', 'merged'],
      ['after', 'conflicted'],
    ]);
    expect(result.merges[3]?.note).toBe(
      'not merged: it depends on right, which could not be merged in this wave',
    );
    const right = result.merges[1]!;
    expect(right.files).toEqual(['src/list.js']);
    expect(right.commit).toBeUndefined();
    expect(right.note).toMatch(
      /^conflicts in src\/list\.js not resolved: conflict markers remain in src\/list\.js \(lines 2, 4, 8\)$/,
    );
    // Aborted: the branch holds left's line and tail's module, and no trace of right.
    expect(await fileOnIntegration(RUN, 'src/list.js')).toBe(listWith('left').trimEnd());
    expect(await mergeSubjects(RUN)).toEqual(['merge(left): Add left', 'merge(tail): Add tail']);
    expect(result.passed).toBe(true);
  }, 60_000);

  it('is reported as conflicted, with the file, when there is no integrator', async () => {
    const RUN = 'rnoagent';
    const result = await integrate(RUN, await pushConflict(RUN));
    expect(result.merges[1]).toMatchObject({ taskId: 'right', status: 'conflicted', files: ['src/list.js'] });
    expect(result.merges[1]?.note).toContain('no integrator agent is configured');
    expect(result.merges[2]).toMatchObject({ taskId: 'tail', status: 'merged' });
  }, 60_000);

  it('is not committed when the resolution fails the gates', async () => {
    const RUN = 'rbadfix';
    const tasks = await pushConflict(RUN);
    const integrator = new RecordingIntegrator([
      { actions: [{ write: 'src/list.js', content: 'export const items = [];\n' }] },
    ]);
    const result = await integrate(RUN, tasks, integrator);
    const right = result.merges[1]!;
    expect(right.status).toBe('conflicted');
    expect(right.note).toContain('the resolution fails the gates: test (`npm test`, exit code 1)');
    expect(right.gates?.map((g) => g.passed)).toEqual([false]);
    expect(await fileOnIntegration(RUN, 'src/list.js')).toBe(listWith('left').trimEnd());
  }, 60_000);
});

describe('integrateWave, best-of-N', () => {
  const RUN = 'rcontest';
  const contest = (taskId: string, n: number): IntegrationTask => ({
    ...aTask(RUN, taskId),
    candidates: Array.from({ length: n }, (_, i) => ({
      candidateId: `${taskId}.c${i + 1}`,
      branch: `autodev/${RUN}/${taskId}.c${i + 1}`,
    })),
  });

  beforeAll(async () => {
    // c1: the module without a test; c2: module and test (the winner); c3 never pushed (it failed).
    await pushTaskBranch(repo, RUN, 'delta.c1', { 'src/delta.js': moduleFiles('delta')['src/delta.js']! });
    await pushTaskBranch(repo, RUN, 'delta.c2', moduleFiles('delta'));
    // A task run once beside them; `omega`'s two candidates push nothing, so it has no winner.
    await pushTaskBranch(repo, RUN, 'plain', moduleFiles('plain'));
  }, 30_000);

  it('merges the candidate with more tests, records why, and deletes the losers that pushed', async () => {
    const result = await integrate(RUN, [contest('delta', 3), aTask(RUN, 'plain'), contest('omega', 2)]);
    const delta = result.merges.find((m) => m.taskId === 'delta');

    expect(delta?.status).toBe('merged');
    expect(delta?.competition?.winner).toBe('delta.c2');
    expect(delta?.competition?.reason).toBe(
      'delta.c2 won: both passed the gates, it added 1 test against 0 (next best: delta.c1).',
    );
    expect(delta?.competition?.candidates.map((c) => [c.candidateId, c.pushed, c.testsAdded])).toEqual([
      ['delta.c2', true, 1],
      ['delta.c1', true, 0],
      ['delta.c3', false, 0],
    ]);
    // The winner's test file reached the integration branch; the merge names the task, not the candidate.
    expect(await fileOnIntegration(RUN, 'test/delta.test.js')).toContain("test('delta'");
    expect(await mergeSubjects(RUN)).toContain('merge(delta): Add delta');
    // The loser's branch is gone from the remote, the winner's stays until the run finishes.
    expect(delta?.competition?.deleted).toEqual([`autodev/${RUN}/delta.c1`]);
    const branches = Object.keys(await remoteBranches(repo.bare));
    expect(branches).toContain(`autodev/${RUN}/delta.c2`);
    expect(branches).not.toContain(`autodev/${RUN}/delta.c1`);

    const omega = result.merges.find((m) => m.taskId === 'omega');
    expect(omega?.status).toBe('missing');
    expect(omega?.competition?.winner).toBeUndefined();
    expect(omega?.competition?.reason).toMatch(/^No candidate succeeded: omega\.c1 \(it pushed no branch\)/);
    expect(result.merges.find((m) => m.taskId === 'plain')?.status).toBe('merged');
  }, 60_000);
});
