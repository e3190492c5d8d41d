/** Local runs in every state, with fixed times and waves, for the terminal view's golden files. */
import type { Run, RunState, Task } from '../../app/runs/run.js';
import { aTask, at, FIXED_NOW } from '../support/run-builders.js';

export const NOW = FIXED_NOW;

const task = aTask;

const done = (id: string, title: string, n: number, start: string, end: string, extra: Partial<Task> = {}) =>
  task(id, title, {
    state: 'succeeded',
    agent: `coder-${n}`,
    startedAt: at(start),
    finishedAt: at(end),
    ...extra,
  });

const t1 = done('t1', 'Add theme tokens', 1, '10:01:00', '10:04:12');
const t2Running = task('t2', 'Wire the toggle into settings', {
  state: 'running',
  agent: 'coder-2',
  dependsOn: ['t1'],
  startedAt: at('10:04:30'),
});
const t3Failed = task('t3', 'Persist the choice', {
  state: 'failed',
  agent: 'coder-3',
  dependsOn: ['t1'],
  startedAt: at('10:04:30'),
  finishedAt: at('10:09:00'),
  reason: 'gate `npm test` still failing after 3 attempts: 2 of 14 tests in test/theme.test.ts',
});
const t4Queued = task('t4', 'Test both themes', { role: 'tester', dependsOn: ['t2', 't3'] });
const t4Skipped = { ...t4Queued, state: 'skipped' as const, reason: 'waits for failed task t3' };
const allDone = [
  t1,
  done('t2', 'Wire the toggle into settings', 2, '10:04:30', '10:08:02', { dependsOn: ['t1'] }),
  done('t3', 'Test both themes', 1, '10:08:10', '10:11:45', { role: 'tester', agent: 'tester-1' }),
];
const waves = (second: string[]) => [
  { number: 1, taskIds: ['t1'], workflowRuns: [], dispatchedAt: at('10:01:00') },
  { number: 2, taskIds: second, workflowRuns: [], dispatchedAt: at('10:04:30') },
];

function run(state: RunState, extra: Partial<Run> = {}): Run {
  return {
    id: 'k3v9x0q2ab',
    repo: { owner: 'local', repo: 'web' },
    issueNumber: 0,
    deliveryId: 'local-k3v9x0q2ab',
    trigger: {
      kind: 'command',
      actor: 'alice',
      command: { name: 'parallel-dev' },
      spec: '- Add theme tokens\n- Wire the toggle\n',
      title: 'Dark mode',
    },
    state,
    tasks: [],
    tokens: 0,
    costUsd: 0,
    version: 1,
    createdAt: at('10:00:00'),
    updatedAt: at('10:12:00'),
    ...extra,
  };
}

export const terminalRuns: Record<RunState, Run> = {
  planning: run('planning'),
  'awaiting-approval': run('awaiting-approval', { tasks: [task('t1', 'Add theme tokens'), t4Queued] }),
  running: run('running', { tasks: [t1, t2Running, t3Failed, t4Queued], waves: waves(['t2', 't3']) }),
  integrating: run('integrating', { tasks: allDone, waves: waves(['t2', 't3']) }),
  succeeded: run('succeeded', { tasks: allDone, waves: waves(['t2', 't3']), finishedAt: at('10:12:30') }),
  failed: run('failed', {
    tasks: [t1, { ...t2Running, state: 'succeeded', finishedAt: at('10:08:02') }, t3Failed, t4Skipped],
    waves: waves(['t2', 't3']),
    reason: 'task t3 ("Persist the choice") failed: gate `npm test` still failing after 3 attempts',
    finishedAt: at('10:09:01'),
  }),
  cancelled: run('cancelled', {
    tasks: [
      t1,
      { ...t2Running, state: 'failed', finishedAt: at('10:06:40'), reason: 'Cancelled by @alice' },
      { ...t4Skipped, reason: 'Cancelled by @alice' },
    ],
    waves: waves(['t2']),
    reason: 'Cancelled by @alice',
    finishedAt: at('10:06:40'),
  }),
};
