import { describe, expect, it } from '@jest/globals';
import type { Run } from '../../app/runs/run.js';
import { applyRunEvent, newRun, newRunId, type RunEvent } from '../../app/runs/transitions.js';
import { T0, aPlan, aRun, aTrigger, at, finishA, must, runIn, startA, startB } from './run-fixtures.js';

function apply(run: Run, event: RunEvent) {
  return applyRunEvent(run, event, at(100));
}

describe('tasks', () => {
  it('start, finish with usage and links, and add to the run', () => {
    const run = must(runIn('running'), startA, {
      ...finishA,
      links: { branch: 'autodev/run0000001/a', jobLog: 'https://example.test/log' },
    });
    const a = run.tasks[0]!;
    expect(a).toMatchObject({
      state: 'succeeded',
      agent: 'coder-1',
      backend: 'scripted',
      tokens: 500,
      costUsd: 0.02,
    });
    expect(a.links).toEqual({ branch: 'autodev/run0000001/a', jobLog: 'https://example.test/log' });
    expect(a.startedAt).toBe(at(2).toISOString());
    expect(run.tokens).toBe(1700);
  });

  it.each([
    [[], startB, 'cannot start task "b": it waits for "a", which is queued'],
    [[startA], startA, 'cannot start task "a": it is running, not queued'],
    [[], finishA, 'task "a" cannot become succeeded: it is queued'],
    [[startA], { ...finishA, state: 'skipped' }, 'task "a" cannot become skipped: it is running'],
    [[], { ...startA, taskId: 'zz' }, 'run run0000001 has no task "zz" (its tasks: a, b)'],
    [[startA], { ...finishA, tokens: 1.5 }, 'tokens must be a whole number ≥ 0, got 1.5'],
    [[startA], { ...finishA, costUsd: Number.NaN }, 'costUsd must be a number ≥ 0, got NaN'],
  ] as [RunEvent[], RunEvent, string][])('refuses a bad task move (%#)', (setup, event, error) => {
    expect(apply(must(runIn('running'), ...setup), event)).toEqual({ ok: false, error });
  });

  it('a queued task may fail (dispatch failed) or be skipped', () => {
    const failed = must(runIn('running'), { ...finishA, state: 'failed', reason: 'dispatch refused' });
    expect(failed.tasks[0]).toMatchObject({ state: 'failed', reason: 'dispatch refused' });
    const skipped = must(runIn('running'), {
      ...finishA,
      taskId: 'b',
      state: 'skipped',
      reason: 'not needed',
    });
    expect(skipped.tasks[1]).toMatchObject({ state: 'skipped', reason: 'not needed' });
  });
});

describe('ending a run', () => {
  it.each(['failed', 'cancelled'] as const)('%s: queued tasks are skipped, running ones failed', (state) => {
    const event: RunEvent =
      state === 'failed' ? { type: 'failed', reason: 'boom' } : { type: 'cancelled', by: 'mona' };
    const result = apply(must(runIn('running'), startA), event);
    if (!result.ok) throw new Error(result.error);
    const reason = state === 'failed' ? 'boom' : 'Cancelled by @mona';
    expect(result.run).toMatchObject({ state, reason, finishedAt: at(100).toISOString() });
    expect(result.run.tasks.map((t) => [t.state, t.reason])).toEqual([
      ['failed', reason],
      ['skipped', reason],
    ]);
  });

  it('retry after failure requeues the task, its dependents and work skipped by the end', () => {
    const run = must(
      aRun(),
      {
        type: 'planned',
        requireApproval: false,
        plan: aPlan({ tasks: [...aPlan().tasks, { id: 'c', title: 'Docs', role: 'docs', dependsOn: [] }] }),
      },
      startA,
      { type: 'failed', reason: 'agent crashed' },
    );
    expect(run.tasks.map((t) => t.state)).toEqual(['failed', 'skipped', 'skipped']);
    const result = apply(run, { type: 'retry', taskId: 'a' });
    if (!result.ok) throw new Error(result.error);
    expect(result.run.tasks.map((t) => t.state)).toEqual(['queued', 'queued', 'queued']);
    expect(result.run.tasks[0]).not.toHaveProperty('agent');
    expect(result.run.finishedAt).toBeUndefined();
    expect(result.run.reason).toBeUndefined();
  });

  it('retry refuses succeeded and queued tasks', () => {
    const run = must(runIn('running'), startA, finishA);
    expect(apply(run, { type: 'retry', taskId: 'a' })).toEqual({
      ok: false,
      error: 'task "a" already succeeded',
    });
    expect(apply(run, { type: 'retry', taskId: 'b' })).toEqual({
      ok: false,
      error: 'task "b" is already queued',
    });
  });

  it('records usage even after the end', () => {
    const result = apply(runIn('succeeded'), { type: 'usage', tokens: 5, costUsd: 0.5 });
    expect(result).toMatchObject({ ok: true, run: { state: 'succeeded' } });
  });
});

describe('newRun and newRunId', () => {
  it('builds a fresh planning run', () => {
    const run = newRun({
      repo: { owner: 'o', repo: 'r' },
      issueNumber: 3,
      deliveryId: 'd',
      trigger: aTrigger(),
      now: T0,
    });
    expect(run).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{10}$/),
      repo: { owner: 'o', repo: 'r' },
      issueNumber: 3,
      deliveryId: 'd',
      trigger: aTrigger(),
      state: 'planning',
      tasks: [],
      tokens: 0,
      costUsd: 0,
      version: 0,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
  });

  it('makes short, branch-safe, distinct ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRunId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{10}$/);
  });
});
