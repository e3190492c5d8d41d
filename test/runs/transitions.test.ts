import { describe, expect, it } from '@jest/globals';
import { RUN_STATES, type Run, type RunState } from '../../app/runs/run.js';
import {
  RUN_EVENT_SOURCES,
  applyRunEvent,
  canApply,
  type RunEvent,
  type RunEventType,
} from '../../app/runs/transitions.js';
import { aPlan, aRun, at, finishA, must, runIn, startA, startB } from './run-fixtures.js';

/** The specification, written out independently of the implementation's table. */
const EXPECTED_SOURCES: Record<RunEventType, RunState[]> = {
  planned: ['planning'],
  replan: ['awaiting-approval'],
  approved: ['awaiting-approval'],
  started: ['integrating'],
  integrating: ['running'],
  succeeded: ['integrating'],
  failed: ['planning', 'awaiting-approval', 'running', 'integrating'],
  cancelled: ['planning', 'awaiting-approval', 'running', 'integrating'],
  retry: ['running', 'integrating', 'failed'],
  'task-started': ['running', 'integrating'],
  'task-finished': ['running', 'integrating'],
  usage: [...RUN_STATES],
  'wave-dispatched': ['running'],
  'wave-completed': [...RUN_STATES],
};

const SAMPLE_EVENTS: Record<RunEventType, RunEvent> = {
  planned: { type: 'planned', plan: aPlan(), requireApproval: false },
  replan: { type: 'replan', feedback: 'split the UI work' },
  approved: { type: 'approved', by: 'mona' },
  started: { type: 'started' },
  integrating: { type: 'integrating' },
  succeeded: { type: 'succeeded' },
  failed: { type: 'failed', reason: 'boom' },
  cancelled: { type: 'cancelled', by: 'octocat' },
  retry: { type: 'retry', taskId: 'a' },
  'task-started': startA,
  'task-finished': finishA,
  usage: { type: 'usage', tokens: 10, costUsd: 0.001 },
  'wave-dispatched': {
    type: 'wave-dispatched',
    wave: {
      number: 9,
      taskIds: ['a'],
      workflowRuns: [{ id: 5, url: 'https://x.test/5', taskIds: ['a'] }],
      dispatchedAt: at(50).toISOString(),
    },
  },
  'wave-completed': { type: 'wave-completed', workflowRunId: 1, at: at(90).toISOString() },
};

function apply(run: Run, event: RunEvent) {
  return applyRunEvent(run, event, at(100));
}

describe('run transitions: allowed edges', () => {
  it.each([
    ['planning', { type: 'planned', plan: aPlan(), requireApproval: true }, 'awaiting-approval'],
    ['planning', { type: 'planned', plan: aPlan(), requireApproval: false }, 'running'],
    ['planning', { type: 'failed', reason: 'the planner gave up' }, 'failed'],
    ['planning', { type: 'cancelled', by: 'octocat' }, 'cancelled'],
    ['awaiting-approval', { type: 'replan', feedback: 'more tests' }, 'planning'],
    ['awaiting-approval', { type: 'approved', by: 'mona' }, 'running'],
    ['awaiting-approval', { type: 'cancelled', by: 'octocat' }, 'cancelled'],
    ['awaiting-approval', { type: 'failed', reason: 'config vanished' }, 'failed'],
    ['running', { type: 'integrating' }, 'integrating'],
    ['running', { type: 'failed', reason: 'budget exceeded' }, 'failed'],
    ['running', { type: 'cancelled', by: 'octocat' }, 'cancelled'],
    ['integrating', { type: 'started' }, 'running'],
    ['integrating', { type: 'failed', reason: 'merge conflict' }, 'failed'],
    ['integrating', { type: 'cancelled', by: 'octocat' }, 'cancelled'],
    ['failed', { type: 'retry', taskId: 'a' }, 'running'],
  ] as [RunState, RunEvent, RunState][])('%s --%j--> %s', (from, event, to) => {
    const result = apply(runIn(from), event);
    expect(result).toMatchObject({ ok: true, run: { state: to, updatedAt: at(100).toISOString() } });
  });

  it('integrating --succeeded--> succeeded once every task is done', () => {
    const run = must(
      runIn('running'),
      startA,
      finishA,
      startB,
      { ...finishA, taskId: 'b' },
      { type: 'integrating' },
    );
    const result = apply(run, { type: 'succeeded' });
    expect(result).toMatchObject({
      ok: true,
      run: { state: 'succeeded', finishedAt: at(100).toISOString() },
    });
  });

  it('refuses success while a task is unfinished', () => {
    expect(apply(runIn('integrating'), { type: 'succeeded' })).toEqual({
      ok: false,
      error: 'cannot complete the run: task "a" is still queued',
    });
  });
});

describe('run transitions: the gate', () => {
  it('matches the specified table', () => {
    expect(RUN_EVENT_SOURCES).toEqual(EXPECTED_SOURCES);
    expect(canApply('awaiting-approval', 'approved')).toBe(true);
    expect(canApply('running', 'approved')).toBe(false);
  });

  const disallowed = RUN_STATES.flatMap((state) =>
    (Object.keys(EXPECTED_SOURCES) as RunEventType[])
      .filter((type) => !EXPECTED_SOURCES[type].includes(state))
      .map((type) => [state, type] as const),
  );

  it('has a sizeable table of refusals', () => {
    expect(disallowed.length).toBe(62);
  });

  it.each(disallowed)('a run that is %s refuses %s', (state, type) => {
    const run = runIn(state);
    const result = apply(run, SAMPLE_EVENTS[type]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^cannot .+ a run that (is|has|was) /);
  });

  it('names the event and the state', () => {
    expect(apply(runIn('running'), { type: 'approved', by: 'mona' })).toEqual({
      ok: false,
      error: 'cannot approve a run that is running',
    });
    expect(apply(runIn('succeeded'), { type: 'cancelled', by: 'x' })).toEqual({
      ok: false,
      error: 'cannot cancel a run that has succeeded',
    });
    expect(apply(runIn('cancelled'), { type: 'retry', taskId: 'a' })).toEqual({
      ok: false,
      error: 'cannot retry a task of a run that was cancelled',
    });
  });

  it('refuses an invalid date and an unknown event without throwing', () => {
    expect(applyRunEvent(runIn('running'), { type: 'integrating' }, new Date(Number.NaN)).ok).toBe(false);
    const bogus = { type: 'explode' } as unknown as RunEvent;
    expect(apply(runIn('running'), bogus)).toEqual({ ok: false, error: 'unknown run event "explode"' });
  });
});

describe('planning', () => {
  it('turns the plan into queued tasks and counts its cost', () => {
    const result = apply(aRun(), { type: 'planned', plan: aPlan(), requireApproval: true });
    if (!result.ok) throw new Error(result.error);
    expect(result.run.plan).toEqual({ goal: aPlan().goal, strategy: 'feature-first' });
    expect(result.run.tasks).toEqual([
      {
        id: 'a',
        title: 'Implement the toggle',
        role: 'coder',
        dependsOn: [],
        state: 'queued',
        links: {},
        tokens: 0,
        costUsd: 0,
      },
      {
        id: 'b',
        title: 'Test the toggle',
        role: 'tester',
        dependsOn: ['a'],
        state: 'queued',
        links: {},
        tokens: 0,
        costUsd: 0,
      },
    ]);
    expect(result.run).toMatchObject({ tokens: 1200, costUsd: 0.01 });
  });

  it.each([
    [{ tasks: [] }, 'the plan has no tasks'],
    [{ tasks: [aPlan().tasks[0]!, aPlan().tasks[0]!] }, 'the plan has two tasks with id "a"'],
    [
      { tasks: [{ ...aPlan().tasks[1]!, dependsOn: ['x'] }] },
      'task "b" depends on "x", which is not in the plan',
    ],
    [{ tokens: -1 }, 'tokens must be a whole number ≥ 0, got -1'],
  ])('refuses a broken plan %j', (overrides, error) => {
    const plan = aPlan(overrides);
    expect(apply(aRun(), { type: 'planned', plan, requireApproval: false })).toEqual({ ok: false, error });
  });

  it('re-planning drops the old plan and tasks but keeps the money spent', () => {
    const result = apply(runIn('awaiting-approval'), { type: 'replan', feedback: 'more tests' });
    expect(result).toMatchObject({
      ok: true,
      run: { tasks: [], tokens: 1200, reason: 'Re-planning with feedback: more tests' },
    });
    if (result.ok) expect(result.run.plan).toBeUndefined();
  });
});

describe('immutability', () => {
  it.each(RUN_STATES)('leaves a %s run untouched, whatever the event', (state) => {
    const run = runIn(state);
    const before = structuredClone(run);
    for (const event of Object.values(SAMPLE_EVENTS)) {
      const result = apply(run, event);
      expect(run).toEqual(before);
      if (result.ok) {
        expect(result.run).not.toBe(run);
        expect(result.run.tasks).not.toBe(run.tasks);
      }
    }
  });

  it('does not share the plan with the run', () => {
    const plan = aPlan();
    const result = apply(aRun(), { type: 'planned', plan, requireApproval: false });
    plan.tasks[1]!.dependsOn.push('zz');
    if (result.ok) expect(result.run.tasks[1]!.dependsOn).toEqual(['a']);
  });
});

describe('waves', () => {
  const wave = (number: number) => ({
    number,
    taskIds: ['a', 'b'],
    workflowRuns: [
      { id: 40 + number, url: `https://x.test/${number}`, taskIds: ['a'] },
      { id: 50 + number, url: `https://x.test/${number}b`, taskIds: ['b'] },
    ],
    dispatchedAt: at(10).toISOString(),
  });

  it('records each dispatched wave once, and completes it when all its workflow runs have', () => {
    const running = runIn('running');
    const first = must(running, { type: 'wave-dispatched', wave: wave(1) });
    expect(first.waves).toEqual([wave(1)]);
    expect(apply(first, { type: 'wave-dispatched', wave: wave(1) })).toEqual({
      ok: false,
      error: 'wave 1 was already dispatched',
    });
    const half = must(first, { type: 'wave-completed', workflowRunId: 41, at: at(20).toISOString() });
    expect(half.waves?.[0]?.completedAt).toBeUndefined();
    expect(apply(half, { type: 'wave-completed', workflowRunId: 41, at: at(21).toISOString() }).ok).toBe(
      false,
    );
    const done = must(half, { type: 'wave-completed', workflowRunId: 51, at: at(30).toISOString() });
    expect(done.waves?.[0]?.completedAt).toBe(at(30).toISOString());
    expect(apply(done, { type: 'wave-completed', workflowRunId: 99, at: at(40).toISOString() }).ok).toBe(
      false,
    );
  });
});
