/** Retry, backoff, reassignment and timeouts: the pure decisions, and the transitions they lean on. */
import { describe, expect, it } from '@jest/globals';
import {
  backoffMs,
  needsSweep,
  nextAttempt,
  type RecoveryPolicy,
  retryEvents,
  timeoutEvents,
} from '../../app/dispatch/recovery.js';
import { nextStep, readyTasks, waveOutcomeEvents } from '../../app/dispatch/wave-outcome.js';
import type { Run } from '../../app/runs/run.js';
import { applyRunEvents, type RunEvent } from '../../app/runs/transitions.js';
import { aPlan, aRun, at, must, startA } from '../runs/run-fixtures.js';

const policy: RecoveryPolicy = { attempts: 2, backoffSeconds: 60, jobTimeoutMinutes: 90 };

const wave1: RunEvent = {
  type: 'wave-dispatched',
  wave: {
    number: 1,
    taskIds: ['a'],
    workflowRuns: [{ id: 501, url: 'https://github.test/runs/501', taskIds: ['a'] }],
    dispatchedAt: at(2).toISOString(),
  },
};

/** `a` running in wave 1 (workflow run 501); `b` (after `a`) queued. */
function runningA(): Run {
  return must(aRun(), { type: 'planned', plan: aPlan(), requireApproval: false }, wave1, startA);
}

function failA(run: Run, seconds: number): Run {
  return applyRunEvents(
    run,
    waveOutcomeEvents(
      run,
      501,
      [{ name: 'autodev task a', status: 'completed', conclusion: 'failure', url: 'u' }],
      at(seconds).toISOString(),
    ),
    at(seconds),
  );
}

describe('retry policy', () => {
  it('doubles the backoff with each retry', () => {
    expect([1, 2, 3].map((n) => backoffMs(policy, n))).toEqual([60_000, 120_000, 240_000]);
  });

  it('gives attempts, then one on the reassigned backend, then none', () => {
    const task = runningA().tasks[0]!;
    const withReassign = { ...policy, reassignTo: 'claude' };
    expect(nextAttempt(task, withReassign)).toEqual({ retry: 1 });
    expect(nextAttempt({ ...task, retries: 2 }, withReassign)).toEqual({ retry: 3, reassignTo: 'claude' });
    expect(nextAttempt({ ...task, retries: 3, reassignedTo: 'claude' }, withReassign)).toBeUndefined();
    expect(nextAttempt({ ...task, retries: 2 }, policy)).toBeUndefined();
  });

  it('requeues a failed task and the dependents its failure skipped, due after the backoff', () => {
    const failed = failA(runningA(), 10);
    expect(failed.tasks.map((t) => t.state)).toEqual(['failed', 'skipped']);
    const events = retryEvents(failed, policy, at(10));
    expect(events).toEqual([
      { type: 'retry', taskId: 'a', automatic: true, notBefore: at(70).toISOString() },
    ]);
    const retried = applyRunEvents(failed, events, at(10));
    expect(retried.state).toBe('running');
    expect(retried.tasks.map((t) => [t.id, t.state, t.retries, t.notBefore])).toEqual([
      ['a', 'queued', 1, at(70).toISOString()],
      ['b', 'queued', undefined, undefined],
    ]);
    // Nothing is dispatched before the backoff is over, and the run waits rather than failing.
    expect(readyTasks(retried, at(69))).toEqual([]);
    expect(nextStep(retried, at(69))).toEqual({ kind: 'wait' });
    expect(readyTasks(retried, at(70)).map((t) => t.id)).toEqual(['a']);
    expect(nextStep(retried, at(70))).toEqual({ kind: 'dispatch' });
  });

  it('records the backend a task is handed to, and keeps it across requeues', () => {
    let run = failA(runningA(), 10);
    run = applyRunEvents(run, [{ type: 'retry', taskId: 'a', automatic: true, reassignTo: 'codex' }], at(11));
    expect(run.tasks[0]).toMatchObject({ state: 'queued', retries: 1, reassignedTo: 'codex' });
    run = applyRunEvents(run, [{ type: 'retry', taskId: 'b' }], at(12));
    expect(run.tasks[0]!.reassignedTo).toBe('codex');
  });

  it('names the attempts when the retries are used up', () => {
    const exhausted = failA(runningA(), 10);
    exhausted.tasks[0]!.retries = 2;
    exhausted.tasks[0]!.reassignedTo = 'claude';
    expect(retryEvents(exhausted, policy, at(10))).toEqual([]);
    const next = nextStep(exhausted, at(10));
    expect(next.kind).toBe('fail');
    expect(next.kind === 'fail' && next.reason).toContain(
      'a (its job ended failure) after 3 attempts, the last on claude',
    );
  });

  it('does nothing for runs that are not running', () => {
    const failed = failA(runningA(), 10);
    expect(retryEvents({ ...failed, state: 'failed' }, policy, at(10))).toEqual([]);
  });

  it('a manual /retry dispatches at once and does not count against the attempts', () => {
    const failed = failA(runningA(), 10);
    const run = applyRunEvents(failed, [{ type: 'retry', taskId: 'a' }], at(11));
    expect(run.tasks[0]!.retries).toBeUndefined();
    expect(readyTasks(run, at(11)).map((t) => t.id)).toEqual(['a']);
  });
});

describe('timeouts', () => {
  it('fail the tasks of a silent workflow run and close it, skipping their dependents', () => {
    const run = runningA();
    expect(timeoutEvents(run, policy, at(2 + 89 * 60))).toEqual([]);
    const later = at(2 + 90 * 60);
    const events = timeoutEvents(run, policy, later);
    expect(events).toEqual([
      {
        type: 'task-finished',
        taskId: 'a',
        state: 'failed',
        reason: 'no report from the agent job within 90 minutes',
        at: later.toISOString(),
      },
      { type: 'wave-completed', workflowRunId: 501, at: later.toISOString() },
      {
        type: 'task-finished',
        taskId: 'b',
        state: 'skipped',
        reason: 'waits for failed task a',
        at: later.toISOString(),
      },
    ]);
    const timedOut = applyRunEvents(run, events, later);
    // The report that finally arrives no longer speaks for the task.
    const late = [{ name: 'autodev task a', status: 'completed', conclusion: 'success', url: 'u' }];
    expect(waveOutcomeEvents(timedOut, 501, late, later.toISOString())).toEqual([]);
  });

  it('a report about an older dispatch of a retried task is ignored', () => {
    const failed = failA(runningA(), 10);
    const requeued = applyRunEvents(failed, [{ type: 'retry', taskId: 'a' }], at(11));
    // Undo the recorded completion to stand for a redelivered report of wave 1 after wave 2 went out.
    requeued.waves![0]!.workflowRuns[0]!.completedAt = undefined;
    const redispatched = must(
      requeued,
      {
        type: 'wave-dispatched',
        wave: {
          number: 2,
          taskIds: ['a'],
          workflowRuns: [{ id: 502, url: 'https://github.test/runs/502', taskIds: ['a'] }],
          dispatchedAt: at(12).toISOString(),
        },
      },
      { ...startA, at: at(12).toISOString() },
    );
    const old = [{ name: 'autodev task a', status: 'completed', conclusion: 'success', url: 'u' }];
    expect(
      waveOutcomeEvents(redispatched, 501, old, at(13).toISOString()).filter(
        (e) => e.type === 'task-finished',
      ),
    ).toEqual([]);
  });
});

describe('needsSweep', () => {
  it('looks only at runs with something that may be due', () => {
    const run = runningA();
    expect(needsSweep(run, at(30), 600_000)).toBe(false);
    expect(needsSweep(run, at(70), 600_000)).toBe(true);
    const waiting = applyRunEvents(
      failA(run, 10),
      [{ type: 'retry', taskId: 'a', notBefore: at(100).toISOString() }],
      at(10),
    );
    waiting.waves![0]!.completedAt = at(10).toISOString();
    expect(needsSweep(waiting, at(99), 600_000)).toBe(false);
    expect(needsSweep(waiting, at(100), 600_000)).toBe(true);
    const integrating = { ...run, state: 'integrating' as const, updatedAt: at(0).toISOString() };
    expect(needsSweep(integrating, at(599), 600_000)).toBe(false);
    expect(needsSweep(integrating, at(600), 600_000)).toBe(true);
    expect(needsSweep({ ...run, state: 'failed' }, at(10_000), 600_000)).toBe(false);
  });
});

describe('succeeded', () => {
  it('records the pull request and a note', () => {
    const done = must(runningA(), {
      type: 'task-finished',
      taskId: 'a',
      state: 'succeeded',
      at: at(5).toISOString(),
    });
    const b = must(done, {
      type: 'task-started',
      taskId: 'b',
      agent: 'tester-1',
      backend: 'x',
      at: at(6).toISOString(),
    });
    const ended = must(
      b,
      { type: 'task-finished', taskId: 'b', state: 'succeeded', at: at(7).toISOString() },
      { type: 'integrating' },
      {
        type: 'succeeded',
        note: 'Pull request #9 is a draft.',
        pullRequest: { number: 9, url: 'https://github.test/pull/9', draft: true },
      },
    );
    expect(ended).toMatchObject({
      state: 'succeeded',
      reason: 'Pull request #9 is a draft.',
      pullRequest: { number: 9, draft: true },
    });
  });
});
