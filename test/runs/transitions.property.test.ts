import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Plan, PlannedTask } from '../../app/planner/planner.js';
import { AGENT_ROLES, RUN_STATES, type Run } from '../../app/runs/run.js';
import { applyRunEvent, isFinalRunState, type RunEvent } from '../../app/runs/transitions.js';
import { aRun, at } from './run-fixtures.js';

// '@n' stands for the n-th task of the run at the time of the event, so task events usually hit a real task.
const taskRef = fc.oneof(
  fc.constantFrom('a', 'zz'),
  fc.nat({ max: 3 }).map((n) => `@${n}`),
);
const taskId = fc.constantFrom('a', 'b', 'c', 'zz');
// Mostly valid amounts; the odd negative, fractional or NaN one must be refused.
const tokens = fc.oneof({ arbitrary: fc.nat({ max: 5000 }), weight: 9 }, fc.constantFrom(-1, 0.5));
const cost = fc.oneof(
  { arbitrary: fc.double({ min: 0, max: 2, noNaN: true }), weight: 9 },
  fc.constantFrom(-0.1, Number.NaN),
);
const iso = fc.nat({ max: 10_000 }).map((s) => at(s).toISOString());

// Mostly valid DAGs (dependencies only on earlier tasks), sometimes duplicate ids or dangling dependencies.
const plan: fc.Arbitrary<Plan> = fc
  .array(fc.tuple(taskId, fc.constantFrom(...AGENT_ROLES), fc.array(taskId, { maxLength: 2 })), {
    minLength: 0,
    maxLength: 4,
  })
  .chain((specs) =>
    fc.record({
      goal: fc.constant('goal'),
      tokens: fc.option(tokens, { nil: undefined }),
      costUsd: fc.option(cost, { nil: undefined }),
      tasks: fc.constant(
        specs.map(([id, role, deps], i): PlannedTask => ({
          id,
          title: `task ${id}`,
          role,
          dependsOn: deps.filter(
            (dep) => specs.slice(0, i).some(([earlier]) => earlier === dep) || dep === 'zz',
          ),
        })),
      ),
    }),
  );

const event: fc.Arbitrary<RunEvent> = fc.oneof(
  {
    arbitrary: fc.record({ type: fc.constant('planned' as const), plan, requireApproval: fc.boolean() }),
    weight: 2,
  },
  fc.record({ type: fc.constant('replan' as const), feedback: fc.string({ maxLength: 10 }) }),
  fc.constantFrom<RunEvent>({ type: 'approved', by: 'mona' }, { type: 'started' }),
  { arbitrary: fc.constantFrom<RunEvent>({ type: 'integrating' }, { type: 'succeeded' }), weight: 2 },
  fc.record({ type: fc.constant('failed' as const), reason: fc.string({ maxLength: 10 }) }),
  fc.record({ type: fc.constant('cancelled' as const), by: fc.constant('mona') }),
  fc.record({ type: fc.constant('retry' as const), taskId: taskRef }),
  {
    arbitrary: fc.record({
      type: fc.constant('task-started' as const),
      taskId: taskRef,
      agent: fc.constant('coder-1'),
      backend: fc.constant('scripted'),
      at: iso,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record(
      {
        type: fc.constant('task-finished' as const),
        taskId: taskRef,
        state: fc.constantFrom(
          'succeeded' as const,
          'succeeded' as const,
          'failed' as const,
          'skipped' as const,
        ),
        reason: fc.string({ maxLength: 5 }),
        tokens,
        costUsd: cost,
        links: fc.record({ branch: fc.constant('autodev/x/a') }, { requiredKeys: [] }),
        at: iso,
      },
      { requiredKeys: ['type', 'taskId', 'state', 'at'] },
    ),
    weight: 4,
  },
  fc.record({ type: fc.constant('usage' as const), tokens, costUsd: cost }),
);

function resolve(e: RunEvent, run: Run): RunEvent {
  if (!('taskId' in e) || !e.taskId.startsWith('@')) return e;
  const n = Number(e.taskId.slice(1));
  return { ...e, taskId: run.tasks[n % Math.max(run.tasks.length, 1)]?.id ?? 'zz' };
}

/** The first invariant `run` breaks, or undefined. Plain checks: thousands of runs × dozens of steps. */
function brokenInvariant(run: Run, previous: Run, time: Date): string | undefined {
  if (!RUN_STATES.includes(run.state)) return `unknown state ${run.state}`;
  if (run.updatedAt !== time.toISOString()) return 'updatedAt not set to the event time';
  if (run.version !== previous.version) return 'version changed outside the store';
  if (run.tokens < previous.tokens || !(run.costUsd >= previous.costUsd))
    return 'spending went down or became NaN';
  const final = isFinalRunState(run.state);
  if ((run.finishedAt !== undefined) !== final) return 'finishedAt disagrees with the state';
  if (new Set(run.tasks.map((t) => t.id)).size !== run.tasks.length) return 'duplicate task ids';
  let taskTokens = 0;
  for (const task of run.tasks) {
    taskTokens += task.tokens;
    if (final && (task.state === 'queued' || task.state === 'running'))
      return `ended run has a ${task.state} task`;
    if (task.state === 'running' || task.state === 'succeeded') {
      const waiting = task.dependsOn.find(
        (dep) => run.tasks.find((t) => t.id === dep)?.state !== 'succeeded',
      );
      if (waiting !== undefined) return `task ${task.id} is ${task.state} before ${waiting} succeeded`;
    }
  }
  return taskTokens <= run.tokens ? undefined : 'tasks used more tokens than the run';
}

describe('applyRunEvent, any sequence of events', () => {
  it('never throws, never mutates its input and never reaches an invalid run', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60, size: 'max' }), (events) => {
        let run = aRun();
        events.forEach((e, i) => {
          const before = JSON.stringify(run);
          const time = at(i + 1);
          const result = applyRunEvent(run, resolve(e, run), time);
          if (JSON.stringify(run) !== before) throw new Error(`event ${e.type} mutated its input`);
          if (!result.ok) {
            if (result.error.length === 0) throw new Error(`event ${e.type} refused without a reason`);
            return;
          }
          const broken = brokenInvariant(result.run, run, time);
          if (broken) throw new Error(`after ${e.type}: ${broken}`);
          run = result.run;
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('reaches every state', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60, size: 'max' }), (events) => {
        let run = aRun();
        for (const [i, e] of events.entries()) {
          const result = applyRunEvent(run, resolve(e, run), at(i + 1));
          if (result.ok) run = result.run;
          seen.add(run.state);
        }
      }),
      { numRuns: 3000 },
    );
    expect([...seen].sort()).toEqual([...RUN_STATES].sort());
  });
});
