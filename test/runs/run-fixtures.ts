/** Builders for runs in any state, shared by the state-machine and store tests. */
import type { Plan } from '../../app/planner/planner.js';
import type { Run, RunTrigger } from '../../app/runs/run.js';
import { applyRunEvent, newRun, type RunEvent } from '../../app/runs/transitions.js';

export const T0 = new Date('2026-11-23T10:00:00.000Z');

/** A time `seconds` after T0. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function aTrigger(overrides: Partial<RunTrigger> = {}): RunTrigger {
  return {
    kind: 'issue',
    actor: 'octocat',
    command: { name: 'parallel-dev' },
    spec: 'Add a dark mode toggle to the settings page.',
    title: 'Dark mode',
    ...overrides,
  };
}

/** Two tasks: `a` (coder) and `b` (tester, after `a`). */
export function aPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    goal: 'Users can switch the UI to a dark theme.',
    strategy: 'feature-first',
    tasks: [
      { id: 'a', title: 'Implement the toggle', role: 'coder', dependsOn: [] },
      { id: 'b', title: 'Test the toggle', role: 'tester', dependsOn: ['a'] },
    ],
    tokens: 1200,
    costUsd: 0.01,
    ...overrides,
  };
}

export function aRun(overrides: Partial<Run> = {}): Run {
  return {
    ...newRun({
      id: 'run0000001',
      repo: { owner: 'acme', repo: 'widgets' },
      issueNumber: 7,
      deliveryId: 'delivery-1',
      trigger: aTrigger(),
      now: T0,
    }),
    ...overrides,
  };
}

/** Applies events in order, failing the test on the first refusal. */
export function must(run: Run, ...events: RunEvent[]): Run {
  let current = run;
  events.forEach((event, i) => {
    const result = applyRunEvent(current, event, at(i + 1));
    if (!result.ok) throw new Error(`setup event ${event.type} refused: ${result.error}`);
    current = result.run;
  });
  return current;
}

type TaskStarted = Extract<RunEvent, { type: 'task-started' }>;
type TaskFinished = Extract<RunEvent, { type: 'task-finished' }>;

export const startA: TaskStarted = {
  type: 'task-started',
  taskId: 'a',
  agent: 'coder-1',
  backend: 'scripted',
  at: at(2).toISOString(),
};
export const startB: TaskStarted = {
  type: 'task-started',
  taskId: 'b',
  agent: 'tester-1',
  backend: 'scripted',
  at: at(4).toISOString(),
};
export const finishA: TaskFinished = {
  type: 'task-finished',
  taskId: 'a',
  state: 'succeeded',
  tokens: 500,
  costUsd: 0.02,
  at: at(3).toISOString(),
};
export const finishB: TaskFinished = {
  type: 'task-finished',
  taskId: 'b',
  state: 'succeeded',
  tokens: 300,
  costUsd: 0.01,
  at: at(5).toISOString(),
};

/** A run in each state, reached through real events. */
export function runIn(state: Run['state']): Run {
  const planning = aRun();
  const running = must(planning, { type: 'planned', plan: aPlan(), requireApproval: false });
  switch (state) {
    case 'planning':
      return planning;
    case 'awaiting-approval':
      return must(planning, { type: 'planned', plan: aPlan(), requireApproval: true });
    case 'running':
      return running;
    case 'integrating':
      return must(running, { type: 'integrating' });
    case 'succeeded':
      return must(running, startA, finishA, startB, finishB, { type: 'integrating' }, { type: 'succeeded' });
    case 'failed':
      return must(running, startA, { type: 'failed', reason: 'agent crashed' });
    case 'cancelled':
      return must(running, { type: 'cancelled', by: 'octocat' });
  }
}
