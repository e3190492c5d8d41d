/**
 * Best-of-N between dispatch and the agent jobs: candidate job ids, the plan file an agent reads as a
 * candidate, the contender each candidate runs as, and how candidates' jobs decide their task's state.
 */
import { describe, expect, it } from '@jest/globals';
import { contenderConfig } from '../../app/agent-task/agent-job.js';
import { agentTaskFromPlan, parsePlanFile, PlanFileError } from '../../app/agent-task/task-from-plan.js';
import { defaultConfig } from '../../app/config/config-schema.js';
import { planDocument } from '../../app/dispatch/actions-dispatcher.js';
import { candidateJobId, jobIdsOf, parseJobId } from '../../app/dispatch/job-names.js';
import { waveOutcomeEvents } from '../../app/dispatch/wave-outcome.js';
import { TASK_ID_PATTERN } from '../../app/planning/task-ids.js';
import type { Run } from '../../app/runs/run.js';
import { type RunEvent } from '../../app/runs/transitions.js';
import { aPlan, aRun, at, must, startA } from '../runs/run-fixtures.js';

const wave1: RunEvent = {
  type: 'wave-dispatched',
  wave: {
    number: 1,
    taskIds: ['a'],
    workflowRuns: [{ id: 501, url: 'https://github.test/runs/501', taskIds: ['a'] }],
    dispatchedAt: at(2).toISOString(),
  },
};

function contestRun(candidates: number): Run {
  const run = must(aRun(), { type: 'planned', plan: aPlan(), requireApproval: false }, wave1, startA);
  const brief = { description: 'A', files: [], acceptance: [], estimateMinutes: 5, candidates };
  return { ...run, plan: { ...run.plan!, briefs: { a: brief } } };
}

describe('candidate job ids', () => {
  it('round-trip, and cannot be mistaken for a task id', () => {
    expect(candidateJobId('add-login', 2)).toBe('add-login.c2');
    expect(parseJobId('add-login.c2')).toEqual({ taskId: 'add-login', candidate: 2 });
    expect(parseJobId('add-login')).toEqual({ taskId: 'add-login' });
    expect(parseJobId('v1.c0')).toEqual({ taskId: 'v1.c0' });
    expect(TASK_ID_PATTERN.test('add-login.c2')).toBe(false);
    expect(jobIdsOf('x', 1)).toEqual(['x']);
    expect(jobIdsOf('x', 3)).toEqual(['x.c1', 'x.c2', 'x.c3']);
  });
});

describe('a candidate reading the plan file', () => {
  const plan = parsePlanFile(JSON.stringify(planDocument(contestRun(2))));

  it("gets its task's work under its own id, so its branch and check run are its own", () => {
    const task = agentTaskFromPlan(plan, plan.run, 'a.c2');
    expect(task.taskId).toBe('a.c2');
    expect(task.title).toBe(plan.tasks.find((t) => t.id === 'a')?.title);
    expect(task.description).toBe('A');
  });

  it('is refused past the number of candidates the plan gave', () => {
    expect(() => agentTaskFromPlan(plan, plan.run, 'a.c3')).toThrow(
      new PlanFileError(`task \`a\` of run ${plan.run} has 2 candidates; there is no candidate 3`),
    );
    expect(() => agentTaskFromPlan(plan, plan.run, 'b.c1')).toThrow(/runs once, not as competing/);
    expect(() => agentTaskFromPlan(plan, plan.run, 'zz.c1')).toThrow(/has no task `zz.c1`/);
  });
});

describe('contenderConfig', () => {
  const config = defaultConfig();
  config.competition.contenders = [
    { backend: 'codex' },
    { backend: 'builtin', model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } },
  ];

  it('gives candidate n the n-th contender, wrapping round, with its model for the role', () => {
    expect(contenderConfig(config, 'coder', 1)).toEqual({ backend: 'codex', config });
    const second = contenderConfig(config, 'coder', 2);
    expect(second.backend).toBe('builtin');
    expect(second.config.models.coder).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(second.config.models.default).toEqual(config.models.default);
    expect(contenderConfig(config, 'coder', 3).backend).toBe('codex');
  });

  it('leaves a task run once, or a config without contenders, as it is', () => {
    expect(contenderConfig(config, 'coder', undefined)).toEqual({ config });
    expect(contenderConfig(defaultConfig(), 'coder', 2)).toEqual({ config: defaultConfig() });
  });
});

describe("a best-of-N task's state after its wave", () => {
  const job = (name: string, conclusion: string) => ({
    name: `autodev task ${name}`,
    status: 'completed',
    conclusion,
    url: `https://github.test/jobs/${name}`,
  });

  it('succeeded when any candidate did, with that job as its log', () => {
    const events = waveOutcomeEvents(
      contestRun(3),
      501,
      [job('a.c1', 'failure'), job('a.c2', 'success'), job('a.c3', 'cancelled')],
      at(60).toISOString(),
    );
    expect(events.find((e) => e.type === 'task-finished')).toMatchObject({
      taskId: 'a',
      state: 'succeeded',
      links: { jobLog: 'https://github.test/jobs/a.c2' },
    });
  });

  it("failed when none did, naming every candidate's conclusion", () => {
    const events = waveOutcomeEvents(
      contestRun(2),
      501,
      [job('a.c1', 'failure'), job('a.c2', 'timed_out')],
      at(60).toISOString(),
    );
    expect(events.find((e) => e.type === 'task-finished')).toMatchObject({
      taskId: 'a',
      state: 'failed',
      reason: "none of its 2 candidates' jobs succeeded (failure, timed_out)",
    });
  });
});
