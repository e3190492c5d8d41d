/** The agent job's task, read from the plan file exactly as the dispatcher publishes it. */
import { describe, expect, it } from '@jest/globals';
import { agentTaskFromPlan, parsePlanFile, PlanFileError } from '../../app/agent-task/task-from-plan.js';
import { planDocument } from '../../app/dispatch/actions-dispatcher.js';
import type { Task } from '../../app/runs/run.js';
import { aRun } from '../runs/run-fixtures.js';

const task = (id: string, role: Task['role'], dependsOn: string[] = []): Task => ({
  id,
  title: `Do ${id}`,
  role,
  dependsOn,
  state: 'queued',
  links: {},
  tokens: 0,
  costUsd: 0,
});

const run = aRun({
  id: 'run0000001',
  tasks: [task('api', 'coder'), task('api-tests', 'tester', ['api'])],
  plan: {
    goal: 'An API for widgets',
    why: 'Integrators asked for it.',
    context: 'Express app in src/server.ts',
    validationGates: ['npm test'],
    briefs: {
      api: {
        description: 'Add GET /widgets',
        files: ['src/server.ts'],
        acceptance: ['returns JSON'],
        estimateMinutes: 10,
        candidates: 1,
      },
    },
  },
});
const text = JSON.stringify(planDocument(run));

describe('agentTaskFromPlan', () => {
  it("takes the task's brief and the run's PRP context from the published plan", () => {
    expect(agentTaskFromPlan(parsePlanFile(text), 'run0000001', 'api')).toEqual({
      runId: 'run0000001',
      taskId: 'api',
      issueNumber: 7,
      repository: 'acme/widgets',
      title: 'Do api',
      role: 'coder',
      description: 'Add GET /widgets',
      acceptance: ['returns JSON'],
      files: ['src/server.ts'],
      goal: 'An API for widgets',
      context: 'Integrators asked for it.\n\nExpress app in src/server.ts',
      validationGates: ['npm test'],
    });
  });

  it('falls back to the title and the spec for a task without a brief (outline plans)', () => {
    const bare = JSON.stringify(planDocument(aRun({ tasks: [task('only', 'docs')] })));
    expect(agentTaskFromPlan(parsePlanFile(bare), 'run0000001', 'only')).toMatchObject({
      role: 'docs',
      description: 'Do only',
      goal: 'Add a dark mode toggle to the settings page.',
      acceptance: [],
      files: [],
      validationGates: [],
    });
  });

  it('says what is wrong with a plan file that is not one', () => {
    expect(() => parsePlanFile('{', '/tmp/plan.json')).toThrow(/^\/tmp\/plan.json is not JSON/);
    expect(() =>
      parsePlanFile(JSON.stringify({ run: 'x', repository: 'acme', issue: 1, tasks: [] })),
    ).toThrow('the plan file is not an autodev plan: `repository` must look like owner/name');
    const badRole = JSON.stringify({
      ...planDocument(run),
      tasks: [{ id: 'a', title: 'A', role: 'wizard' }],
    });
    expect(() => parsePlanFile(badRole)).toThrow(PlanFileError);
  });

  it('refuses a task the plan does not have, and a plan of another run', () => {
    const plan = parsePlanFile(text);
    expect(() => agentTaskFromPlan(plan, 'run0000001', 'nope')).toThrow(
      'run run0000001 has no task `nope` (its tasks: api, api-tests)',
    );
    expect(() => agentTaskFromPlan(plan, 'run0000002', 'api')).toThrow(
      'the plan file is for run run0000001, but this job runs for run run0000002',
    );
  });
});
