/** Competition mode: the ranking order, the sentence that names the deciding criterion, and clean-up. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GateResult, TaskResult } from '../../app/agents/task-result.js';
import { judgeCandidates, pickWinnerAndCleanUp, type Candidate } from '../../app/integrate/best-of-n.js';
import { remoteBranches } from '../agent-task/task-fixtures.js';
import { createWaveRepo, pushTaskBranch, removeRepo, type WaveRepo } from './wave-fixtures.js';

const RUN = 'rbest';

function gate(name: GateResult['name'], passed: boolean): GateResult {
  return {
    name,
    command: `npm run ${name}`,
    exitCode: passed ? 0 : 1,
    durationMs: 5,
    outputTail: '',
    passed,
  };
}

function candidate(
  candidateId: string,
  options: { gates?: GateResult[]; testsAdded?: number; diffLines?: number; failed?: string } = {},
): Candidate {
  const gates = options.gates ?? [gate('lint', true), gate('test', true)];
  const result: TaskResult = {
    runId: RUN,
    taskId: 'search',
    status: options.failed ? 'failed' : 'succeeded',
    ...(options.failed ? { reason: options.failed } : { commit: `c0ffee-${candidateId}` }),
    branch: `autodev/${RUN}/search-${candidateId}`,
    backend: candidateId.replace(/-\d+$/, ''),
    summary: '',
    attempts: 1,
    gates,
    tokens: 0,
    costUsd: 0,
    durationMs: 1000,
  };
  return {
    taskId: 'search',
    candidateId,
    backend: result.backend,
    result,
    testsAdded: options.testsAdded ?? 1,
    diffLines: options.diffLines ?? 100,
  };
}

const ids = (ranking: Candidate[]) => ranking.map((c) => c.candidateId);

describe('judgeCandidates', () => {
  it('prefers more tests added when both passed the gates', () => {
    const judged = judgeCandidates([
      candidate('claude-1', { testsAdded: 1 }),
      candidate('codex-2', { testsAdded: 3 }),
    ]);
    expect(judged.winner?.candidateId).toBe('codex-2');
    expect(ids(judged.ranking)).toEqual(['codex-2', 'claude-1']);
    expect(judged.reason).toBe('codex-2 won: both passed the gates, it added 3 tests against 1.');
  });

  it('puts a candidate with a pushed branch above one without, whatever else it did', () => {
    const judged = judgeCandidates([
      candidate('codex-1', { testsAdded: 9, diffLines: 5, failed: 'the agent gave up on attempt 1: stuck' }),
      candidate('aider-1', { testsAdded: 0 }),
    ]);
    expect(judged.winner?.candidateId).toBe('aider-1');
    expect(judged.reason).toBe(
      'aider-1 won: it succeeded and codex-1 did not (the agent gave up on attempt 1: stuck).',
    );
  });

  it('weighs the test gate before the number of gates passed, then lint', () => {
    const testOnly = candidate('a-1', {
      gates: [gate('typecheck', false), gate('lint', false), gate('test', true)],
      failed: 'x',
    });
    const twoButNoTests = candidate('b-1', {
      gates: [gate('typecheck', true), gate('lint', true), gate('test', false)],
      failed: 'y',
    });
    const nothing = candidate('c-1', {
      gates: [gate('typecheck', false), gate('lint', false), gate('test', false)],
      failed: 'z',
    });
    const lintFailed = candidate('d-1', {
      gates: [gate('typecheck', true), gate('lint', false), gate('test', true)],
      failed: 'w',
    });
    const lintPassed = candidate('e-1', {
      gates: [gate('typecheck', false), gate('lint', true), gate('test', true)],
      failed: 'v',
    });
    const judged = judgeCandidates([nothing, twoButNoTests, testOnly, lintFailed, lintPassed]);
    expect(ids(judged.ranking)).toEqual(['e-1', 'd-1', 'a-1', 'b-1', 'c-1']);
    // Nobody pushed a branch: there is no winner, and the reason lists why each failed.
    expect(judged.winner).toBeUndefined();
    expect(judged.reason).toBe('No candidate succeeded: e-1 (v); d-1 (w); a-1 (x); b-1 (y); c-1 (z).');
  });

  it('explains each criterion in words', () => {
    const lint = judgeCandidates([
      candidate('x-1', { gates: [gate('lint', false), gate('typecheck', true)] }),
      candidate('y-1', { gates: [gate('lint', true), gate('typecheck', false)] }),
    ]);
    expect(lint.reason).toBe("y-1 won: both passed 1 of 2 gates, its lint passed and x-1's did not.");

    const tests = judgeCandidates([
      candidate('x-1', { gates: [gate('test', false)] }),
      candidate('y-1', { gates: [gate('test', true)] }),
    ]);
    expect(tests.reason).toBe("y-1 won: its tests passed and x-1's did not.");

    const count = judgeCandidates([
      candidate('x-1', { gates: [gate('typecheck', false), gate('test', true)] }),
      candidate('y-1', { gates: [gate('typecheck', true), gate('test', true)] }),
    ]);
    expect(count.reason).toBe('y-1 won: it passed 2 gates against 1.');
  });

  it('breaks a tie on tests with the smaller diff, then keeps the given order', () => {
    const judged = judgeCandidates([
      candidate('big-1', { testsAdded: 2, diffLines: 120 }),
      candidate('small-1', { testsAdded: 2, diffLines: 40 }),
      candidate('small-2', { testsAdded: 2, diffLines: 40 }),
    ]);
    expect(ids(judged.ranking)).toEqual(['small-1', 'small-2', 'big-1']);
    expect(judged.reason).toBe(
      'small-1 won: it and small-2 tie on every criterion, and it was listed first.',
    );
    const two = judgeCandidates([
      candidate('big-1', { testsAdded: 2, diffLines: 120 }),
      candidate('small-1', { testsAdded: 2, diffLines: 40 }),
    ]);
    expect(two.reason).toBe(
      'small-1 won: both passed the gates and added 2 tests, its diff is smaller (40 lines against 120).',
    );
  });

  it('names the runner-up when more than two competed, and handles a single candidate', () => {
    const three = judgeCandidates([
      candidate('a-1', { testsAdded: 1 }),
      candidate('b-1', { testsAdded: 5 }),
      candidate('c-1', { testsAdded: 2 }),
    ]);
    expect(three.reason).toBe('b-1 won: both passed the gates, it added 5 tests against 2 (next best: c-1).');
    expect(judgeCandidates([candidate('solo-1')]).reason).toBe('solo-1 won: it was the only candidate.');
  });

  it('refuses no candidates and candidates of different tasks', () => {
    expect(() => judgeCandidates([])).toThrow('There are no candidates to judge.');
    const other = { ...candidate('b-1'), taskId: 'other' };
    expect(() => judgeCandidates([candidate('a-1'), other])).toThrow(/different tasks \(search, other\)/);
  });
});

describe('pickWinnerAndCleanUp', () => {
  let repo: WaveRepo;
  beforeAll(async () => {
    repo = await createWaveRepo();
    for (const id of ['search-codex-1', 'search-claude-1']) {
      await pushTaskBranch(repo, RUN, id, { [`src/${id}.js`]: `export const x = '${id}';\n` });
    }
  }, 30_000);
  afterAll(() => removeRepo(repo));

  it('deletes the losers that were pushed, keeps the winner, and can do a dry run first', async () => {
    const candidates = [
      candidate('claude-1', { testsAdded: 1 }),
      candidate('codex-1', { testsAdded: 4 }),
      // Never pushed: nothing to delete.
      candidate('aider-1', { failed: 'gates failed' }),
    ];
    const dry = await pickWinnerAndCleanUp({ repoPath: repo.clone, dryRun: true }, candidates);
    expect(dry.deleted).toEqual([`autodev/${RUN}/search-claude-1`]);
    expect(Object.keys(await remoteBranches(repo.bare))).toContain(`autodev/${RUN}/search-claude-1`);

    const done = await pickWinnerAndCleanUp({ repoPath: repo.clone }, candidates);
    expect(done.winner?.candidateId).toBe('codex-1');
    expect(done.deleted).toEqual([`autodev/${RUN}/search-claude-1`]);
    const branches = Object.keys(await remoteBranches(repo.bare));
    expect(branches).toContain(`autodev/${RUN}/search-codex-1`);
    expect(branches).not.toContain(`autodev/${RUN}/search-claude-1`);

    // Again: the loser is gone already, so there is nothing left to delete.
    expect((await pickWinnerAndCleanUp({ repoPath: repo.clone }, candidates)).deleted).toEqual([]);
  }, 30_000);

  it('deletes nothing when no candidate won, and never a branch outside the run', async () => {
    const none = await pickWinnerAndCleanUp({ repoPath: repo.clone }, [
      candidate('codex-1', { failed: 'a' }),
      candidate('claude-1', { failed: 'b' }),
    ]);
    expect(none).toMatchObject({ winner: undefined, deleted: [] });

    const stray = candidate('main-1', { testsAdded: 0 });
    stray.result.branch = 'main';
    const kept = await pickWinnerAndCleanUp({ repoPath: repo.clone, dryRun: true }, [
      candidate('codex-1', { testsAdded: 3 }),
      stray,
    ]);
    expect(kept.deleted).toEqual([]);
  }, 30_000);
});
