/** One Run per state, with fixed timestamps, for the progress-comment golden files. */
import type { PlanSummary, Run, RunState, Task } from '../../app/runs/run.js';
import { aTask, at, FIXED_NOW } from '../support/run-builders.js';

export const NOW = FIXED_NOW;

const task = aTask;

function run(state: RunState, extra: Partial<Run> = {}): Run {
  return {
    id: 'ab12cd34',
    repo: { owner: 'acme', repo: 'web' },
    issueNumber: 42,
    deliveryId: 'delivery-1',
    trigger: {
      kind: 'command',
      actor: 'alice',
      command: { name: 'parallel-dev', strategy: 'agile', instances: 3, feature: 'Add a dark mode toggle' },
      spec: 'Add a dark mode toggle',
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

/** A plan made before PRPs (or by the outline planner): the comment shows only its goal. */
const plan: PlanSummary = { goal: 'Let people switch the settings page between light and dark themes.' };
/** A PRP plan: the comment adds its summary above the checklist. */
const prpPlan: PlanSummary = {
  ...plan,
  strategy: 'agile',
  why: 'People who read at night asked for a darker screen;\nthe settings page is where they look for it.',
  what: 'A theme toggle on the settings page, remembered per browser.',
  context: 'Theme tokens live in src/theme/tokens.ts.',
  acceptanceCriteria: [
    'The settings page has a light/dark toggle',
    'The choice survives a reload',
    '# Both themes pass the contrast check',
    'Keyboard users can reach the toggle',
    'No layout shift when switching',
    'The default follows prefers-color-scheme',
    'Docs mention the toggle',
  ],
  validationGates: ['npm test', 'npm run lint'],
  pattern: 'pipeline',
  waveCount: 3,
  criticalPathMinutes: 95,
  notes: [
    'Agile: an MVP of 1 task (the smallest coder task and what it needs) runs first; the other 2 follow.',
  ],
  briefs: {
    t1: {
      description: 'Add tokens',
      files: ['src/theme/tokens.ts'],
      acceptance: [],
      estimateMinutes: 20,
      candidates: 1,
    },
  },
};
const log = (n: number) => `https://github.com/acme/web/actions/runs/900/job/${n}`;
const branch = (id: string) => `https://github.com/acme/web/tree/autodev/ab12cd34/${id}`;

const planned = [
  task('t1', 'Add theme tokens'),
  task('t2', 'Wire the toggle into settings', { dependsOn: ['t1'] }),
  task('t3', 'Test both themes', { role: 'tester', dependsOn: ['t1', 't2'] }),
];

const t1Done = task('t1', 'Add theme tokens', {
  state: 'succeeded',
  agent: 'coder-1',
  backend: 'claude-cli',
  startedAt: at('10:01:00'),
  finishedAt: at('10:04:12'),
  links: { jobLog: log(1), branch: branch('t1'), pullRequest: 'https://github.com/acme/web/pull/43' },
  tokens: 40_000,
  costUsd: 0.12,
});
const t2Running = task('t2', 'Wire the toggle into settings', {
  state: 'running',
  agent: 'coder-2',
  backend: 'langchain:openai/gpt-4o-mini',
  dependsOn: ['t1'],
  startedAt: at('10:04:30'),
  links: { jobLog: log(2), branch: 'autodev/ab12cd34/t2' },
});
const t3Failed = task('t3', 'Persist the choice', {
  state: 'failed',
  agent: 'coder-3',
  backend: 'claude-cli',
  dependsOn: ['t1'],
  startedAt: at('10:04:30'),
  finishedAt: at('10:09:00'),
  links: { jobLog: log(3) },
  reason: 'Gate `npm test` failed: 2 of 14 tests in test/theme.test.ts',
});
const t4Queued = task('t4', 'Test both themes', { role: 'tester', dependsOn: ['t2', 't3'] });
/** Failed once, requeued by the retry policy, waiting out its backoff on another backend. */
const t5Retrying = task('t5', 'Sync the choice across tabs', {
  dependsOn: ['t1'],
  retries: 2,
  reassignedTo: 'claude',
  notBefore: at('10:13:04'),
});

const finished = (id: string, title: string, n: number, start: string, end: string): Task =>
  task(id, title, {
    state: 'succeeded',
    agent: `coder-${n}`,
    backend: 'claude-cli',
    startedAt: at(start),
    finishedAt: at(end),
    links: { jobLog: log(n), branch: branch(id) },
  });
const allDone = [
  t1Done,
  finished('t2', 'Wire the toggle into settings', 2, '10:04:30', '10:08:02'),
  { ...finished('t3', 'Test both themes', 3, '10:08:10', '10:11:45'), role: 'tester' as const },
];

export const LINKS = {
  dashboard: 'https://autodev.example.com/runs/ab12cd34',
  workflowRun: 'https://github.com/acme/web/actions/runs/900',
};

export const sampleRuns: Record<RunState, Run> = {
  planning: run('planning', { tokens: 1_250, costUsd: 0.003 }),
  'awaiting-approval': run('awaiting-approval', {
    trigger: {
      kind: 'issue',
      actor: 'bob',
      command: { name: 'parallel-dev' },
      spec: 'Dark mode',
      title: 'Dark mode',
    },
    plan: prpPlan,
    tasks: planned,
    tokens: 5_321,
    costUsd: 0.0123,
  }),
  running: run('running', {
    plan: prpPlan,
    tasks: [t1Done, t2Running, t3Failed, t4Queued, t5Retrying],
    tokens: 123_456,
    costUsd: 0.42,
  }),
  integrating: run('integrating', { plan: prpPlan, tasks: allDone, tokens: 310_000, costUsd: 1.05 }),
  succeeded: run('succeeded', {
    plan: prpPlan,
    tasks: allDone,
    tokens: 352_410,
    costUsd: 1.2,
    reason: 'Pull request #44 is a draft: gates failed: npm test (exit 1).',
    pullRequest: { number: 44, url: 'https://github.com/acme/web/pull/44', draft: true },
    updatedAt: at('10:15:05'),
    finishedAt: at('10:15:05'),
  }),
  failed: run('failed', {
    plan: prpPlan,
    tasks: [t1Done, t2Running, t3Failed, t4Queued],
    reason: 'Task t3 failed its gates 3 times; retrying again would exceed the $10.00 budget.',
    tokens: 1_980_000,
    costUsd: 9.87,
    updatedAt: at('10:20:00'),
    finishedAt: at('10:20:00'),
  }),
  cancelled: run('cancelled', {
    plan,
    tasks: [t1Done, t2Running, { ...t4Queued, dependsOn: ['t2'] }],
    reason: 'Cancelled by @carol with /cancel.',
    tokens: 60_000,
    costUsd: 0.2,
    updatedAt: at('10:06:40'),
    finishedAt: at('10:06:40'),
  }),
};
