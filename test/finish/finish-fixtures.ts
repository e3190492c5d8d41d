/** Runs that reached the end of their waves, and integration reports about them, with fixed times. */
import type { GateResult } from '../../app/agents/task-result.js';
import type { WaveIntegration } from '../../app/finish/integration-source.js';
import type { WaveReport } from '../../app/finish/render-pull-request.js';
import type { Run, Task } from '../../app/runs/run.js';
import { aTask, at } from '../support/run-builders.js';

/** A task that finished well, with its job log; `extra` overrides any field. */
function task(id: string, title: string, extra: Partial<Task> = {}): Task {
  return aTask(id, title, {
    state: 'succeeded',
    links: { jobLog: `https://github.com/acme/web/actions/runs/900/job/${id}` },
    tokens: 1000,
    costUsd: 0.01,
    startedAt: at('10:01:00'),
    finishedAt: at('10:04:30'),
    ...extra,
  });
}

/** Three tasks over two waves: `api` and `ui` first, then `e2e` after `api`. */
export function finishedRun(extra: Partial<Run> = {}): Run {
  return {
    id: 'ab12cd34',
    repo: { owner: 'acme', repo: 'web' },
    issueNumber: 42,
    deliveryId: 'delivery-1',
    trigger: {
      kind: 'issue',
      actor: 'alice',
      command: { name: 'parallel-dev' },
      spec: 'Add a checkout flow',
      title: 'Checkout',
    },
    state: 'integrating',
    plan: {
      goal: 'Shoppers can pay for their cart on one page.',
      why: 'Half of the carts are abandoned at the three-step checkout.',
      acceptanceCriteria: ['POST /checkout charges the cart', 'the page shows the total before paying'],
    },
    tasks: [
      task('api', 'Checkout API', { agent: 'coder-1', backend: 'openai/gpt-4o-mini' }),
      task('ui', 'Checkout page', { agent: 'coder-2', backend: 'openai/gpt-4o-mini', retries: 1 }),
      task('e2e', 'End-to-end test', {
        role: 'tester',
        dependsOn: ['api'],
        agent: 'tester-1',
        backend: 'openai/gpt-4o-mini',
        startedAt: at('10:06:00'),
        finishedAt: at('10:09:10'),
      }),
    ],
    waves: [
      {
        number: 1,
        taskIds: ['api', 'ui'],
        workflowRuns: [
          {
            id: 900,
            url: 'https://github.com/acme/web/actions/runs/900',
            taskIds: ['api', 'ui'],
            completedAt: at('10:05:00'),
          },
        ],
        dispatchedAt: at('10:00:30'),
        completedAt: at('10:05:00'),
      },
      {
        number: 2,
        taskIds: ['e2e'],
        workflowRuns: [
          {
            id: 901,
            url: 'https://github.com/acme/web/actions/runs/901',
            taskIds: ['e2e'],
            completedAt: at('10:10:00'),
          },
        ],
        dispatchedAt: at('10:05:30'),
        completedAt: at('10:10:00'),
      },
    ],
    commentId: 7,
    tokens: 45_678,
    costUsd: 0.42,
    version: 9,
    createdAt: at('10:00:00'),
    updatedAt: at('10:10:00'),
    ...extra,
  };
}

export function gate(command: string, exitCode: number, extra: Partial<GateResult> = {}): GateResult {
  return {
    name: 'test',
    command,
    exitCode,
    durationMs: 12_300,
    outputTail: exitCode === 0 ? '' : '1 failing: checkout charges twice',
    passed: exitCode === 0,
    ...extra,
  };
}

export function integration(
  extra: Partial<WaveIntegration> & Pick<WaveIntegration, 'merges'>,
): WaveIntegration {
  return {
    runId: 'ab12cd34',
    branch: 'autodev/ab12cd34/integration',
    head: 'f'.repeat(40),
    gates: [],
    passed: true,
    ...extra,
  };
}

/** Everything merged and the gates passed. */
export const cleanReports: WaveReport[] = [
  {
    wave: 1,
    result: integration({
      merges: [
        { taskId: 'api', status: 'merged' },
        { taskId: 'ui', status: 'resolved', files: ['src/app.ts'], note: 'kept both route registrations' },
      ],
      gates: [gate('npm test', 0), gate('npm run lint', 0, { name: 'lint', durationMs: 4_000 })],
    }),
  },
  {
    wave: 2,
    result: integration({ merges: [{ taskId: 'e2e', status: 'merged' }], gates: [gate('npm test', 0)] }),
  },
];

/** `ui` conflicted and a gate failed in wave 2. */
export const troubledReports: WaveReport[] = [
  {
    wave: 1,
    result: integration({
      merges: [
        { taskId: 'api', status: 'merged' },
        {
          taskId: 'ui',
          status: 'conflicted',
          files: ['src/app.ts', 'src/routes.ts'],
          note: 'both add /checkout',
        },
      ],
      gates: [gate('npm test', 0)],
      passed: false,
    }),
  },
  {
    wave: 2,
    result: integration({
      merges: [{ taskId: 'e2e', status: 'merged' }],
      gates: [gate('npm test', 1)],
      passed: false,
    }),
  },
];

export const unreported: WaveReport[] = [
  { wave: 1, result: null },
  { wave: 2, result: null },
];
