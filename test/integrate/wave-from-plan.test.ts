/** The integration job's reading of the plan file: the wave's tasks and the feature they belong to. */
import { describe, expect, it } from '@jest/globals';
import { parsePlanFile } from '../../app/agent-task/task-from-plan.js';
import { integrationPlan, waveTasks } from '../../app/integrate/wave-from-plan.js';

const plan = parsePlanFile(
  JSON.stringify({
    run: 'rplan',
    repository: 'octo-org/wave',
    issue: 9,
    spec: 'Make the list complete',
    plan: {
      goal: 'Everything in the list',
      why: 'Users miss items',
      context: 'src/list.js holds the list',
      acceptanceCriteria: ['npm test passes'],
      briefs: {
        api: { description: 'Add the API', files: ['src/api.js'], acceptance: ['GET /items works'] },
      },
    },
    tasks: [
      { id: 'api', title: 'Add the API', role: 'coder', dependsOn: [] },
      { id: 'docs', title: 'Document it', role: 'docs', dependsOn: ['api'] },
      { id: 'ui', title: 'Show the list', role: 'coder', dependsOn: [] },
    ],
  }),
);

describe('waveTasks', () => {
  it('takes the dispatched ids, in plan order, each on its task branch', () => {
    expect(waveTasks(plan, 'rplan', 3, ['ui', 'api'])).toEqual([
      {
        taskId: 'api',
        title: 'Add the API',
        description: 'Add the API',
        acceptance: ['GET /items works'],
        branch: 'autodev/rplan/api',
        dependsOn: [],
      },
      {
        taskId: 'ui',
        title: 'Show the list',
        description: 'Show the list',
        acceptance: [],
        branch: 'autodev/rplan/ui',
        dependsOn: [],
      },
    ]);
  });

  it("falls back to the plan's dependency levels without ids", () => {
    expect(waveTasks(plan, 'rplan', 1).map((t) => t.taskId)).toEqual(['api', 'ui']);
    expect(waveTasks(plan, 'rplan', 2).map((t) => t.taskId)).toEqual(['docs']);
    expect(() => waveTasks(plan, 'rplan', 3)).toThrow('run rplan has 2 wave(s); there is no wave 3');
  });

  it('refuses a plan of another run and ids the plan does not have', () => {
    expect(() => waveTasks(plan, 'rother', 1)).toThrow(
      'the plan file is for run rplan, but this job integrates run rother',
    );
    expect(() => waveTasks(plan, 'rplan', 1, ['api', 'nope'])).toThrow(
      'run rplan has no task `nope` (its tasks: api, docs, ui)',
    );
  });
});

describe('integrationPlan', () => {
  it('states the feature the way agents are told it', () => {
    expect(integrationPlan(plan)).toEqual({
      issueNumber: 9,
      repository: 'octo-org/wave',
      goal: 'Everything in the list',
      context: 'Users miss items\n\nsrc/list.js holds the list',
      acceptance: ['npm test passes'],
    });
  });
});
