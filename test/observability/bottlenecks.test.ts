/** Run summaries and bottlenecks from stored runs: what `autodev status` and the dashboard show. */
import { describe, expect, it } from '@jest/globals';
import { findBottlenecks, formatDuration, summariseRun } from '../../app/observability/bottlenecks.js';
import type { Run } from '../../app/runs/run.js';
import { aPlan, aRun, at, finishA, must, runIn, startA, startB, T0 } from '../runs/run-fixtures.js';

const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** A running run whose task `a` has a 10-minute estimate. */
function withEstimate(): Run {
  const plan = aPlan({
    tasks: [
      {
        id: 'a',
        title: 'Implement the toggle',
        role: 'coder',
        dependsOn: [],
        description: 'the toggle',
        estimateMinutes: 10,
      },
      { id: 'b', title: 'Test the toggle', role: 'tester', dependsOn: ['a'] },
    ],
  });
  return must(aRun(), { type: 'planned', plan, requireApproval: false }, startA);
}

describe('summariseRun', () => {
  it('counts tasks by state, adds up backends and measures durations to now while running', () => {
    const run = must(runIn('running'), startA, finishA, startB);
    const summary = summariseRun(run, at(10));
    expect(summary).toMatchObject({
      id: run.id,
      repo: 'acme/widgets',
      issueNumber: 7,
      title: 'Dark mode',
      state: 'running',
      final: false,
      durationMs: 10_000,
      taskCounts: { queued: 0, running: 1, succeeded: 1, failed: 0, skipped: 0 },
      backends: [{ backend: 'scripted', tasks: 2, running: 1, succeeded: 1, failed: 0, tokens: 500 }],
    });
    const [a, b] = summary.tasks;
    expect(a).toMatchObject({ id: 'a', agent: 'coder-1', durationMs: 1000, tokens: 500 });
    // b started at 4 s and is still running at 10 s.
    expect(b).toMatchObject({ id: 'b', state: 'running', durationMs: 6000 });
  });

  it('stops the clock of a finished run', () => {
    const run = runIn('failed');
    const summary = summariseRun(run, at(3600));
    expect(summary.final).toBe(true);
    expect(summary.durationMs).toBe(Date.parse(run.finishedAt!) - Date.parse(run.createdAt));
    // The task left running when the run failed does not keep counting.
    expect(summary.tasks[0]!.durationMs).toBeLessThan(10_000);
  });
});

describe('findBottlenecks', () => {
  it('names a task blocked behind a failed dependency, with the command that unblocks it', () => {
    const failedA = { ...finishA, state: 'failed' as const, reason: 'tests failed' };
    const run = must(runIn('running'), startA, failedA);
    const found = findBottlenecks([run], at(10));
    expect(found).toEqual([
      expect.objectContaining({ kind: 'blocked-task', runId: run.id, taskId: 'b', blockedBy: ['a'] }),
    ]);
    expect(found[0]!.message).toContain('/retry a');
  });

  it('flags a running task at twice its estimate, not before', () => {
    const run = withEstimate();
    expect(findBottlenecks([run], minutes(15))).toEqual([]);
    const [late] = findBottlenecks([run], minutes(25));
    expect(late).toMatchObject({ kind: 'over-estimate', taskId: 'a', estimateMs: 600_000 });
    expect(late!.message).toMatch(/has run 2\dm .*estimated 10m/);
    expect(summariseRun(run, minutes(25)).tasks[0]!.overEstimate).toBe(true);
  });

  it('leaves finished runs out of task bottlenecks', () => {
    const run = must(withEstimate(), { type: 'cancelled', by: 'octocat' });
    expect(findBottlenecks([run], minutes(120))).toEqual([]);
  });

  it('names a backend whose last three finished tasks failed, and forgets it after a success', () => {
    const runs = [1, 2, 3].map((n) =>
      must(
        aRun({ id: `run${n}` }),
        { type: 'planned', plan: aPlan(), requireApproval: false },
        { ...startA, backend: 'claude-cli', at: minutes(n).toISOString() },
        {
          ...finishA,
          state: 'failed',
          reason: n === 3 ? 'claude: not logged in' : 'crashed',
          at: minutes(n + 0.5).toISOString(),
        },
        { type: 'failed', reason: 'task a failed' },
      ),
    );
    const [backend] = findBottlenecks(runs, minutes(10));
    expect(backend).toMatchObject({
      kind: 'failing-backend',
      backend: 'claude-cli',
      failures: 3,
      tasks: ['run3/a', 'run2/a', 'run1/a'],
      lastReason: 'claude: not logged in',
    });

    const recovered = must(
      aRun({ id: 'run4' }),
      { type: 'planned', plan: aPlan(), requireApproval: false },
      { ...startA, backend: 'claude-cli', at: minutes(5).toISOString() },
      { ...finishA, at: minutes(6).toISOString() },
    );
    expect(findBottlenecks([...runs, recovered], minutes(10))).toEqual([]);
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours compactly', () => {
    expect([45_000, 725_000, 3_900_000].map(formatDuration)).toEqual(['45s', '12m 05s', '1h 05m']);
  });
});
