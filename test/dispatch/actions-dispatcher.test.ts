import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../app/config/config-schema.js';
import { ActionsDispatcher, dispatchInputs, MATRIX_LIMIT } from '../../app/dispatch/actions-dispatcher.js';
import type { Run } from '../../app/runs/run.js';
import { applyRunEvent, newRun } from '../../app/runs/transitions.js';
import type { Scm } from '../../app/scm/scm.js';

function plannedRun(taskCount: number): Run {
  const run = newRun({
    id: 'bigrun0001',
    repo: { owner: 'o', repo: 'r' },
    issueNumber: 7,
    deliveryId: 'd',
    trigger: { kind: 'issue', actor: 'mona', command: { name: 'parallel-dev' }, spec: 's', title: 't' },
    now: new Date('2026-11-23T10:00:00Z'),
  });
  const tasks = Array.from({ length: taskCount }, (_, i) => ({
    id: `task-${String(i).padStart(3, '0')}`,
    title: `Task ${i}`,
    role: 'coder' as const,
    dependsOn: [],
  }));
  const planned = applyRunEvent(
    run,
    { type: 'planned', plan: { goal: 'g', tasks }, requireApproval: false },
    new Date(),
  );
  if (!planned.ok) throw new Error(planned.error);
  return planned.run;
}

/** The dispatch-related Scm verbs, recording what they were asked. */
function recordingScm() {
  const dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[] = [];
  const files = new Map<string, string>();
  const scm = {
    defaultBranch: async () => 'main',
    ensureBranch: async () => undefined,
    readFileWithSha: async (_repo: unknown, path: string) =>
      files.has(path) ? { text: files.get(path)!, sha: 'x' } : null,
    writeFile: async (_repo: unknown, change: { path: string; text: string }) => {
      files.set(change.path, change.text);
      return { sha: 'y' };
    },
    dispatchWorkflow: async (
      _repo: unknown,
      workflow: string,
      ref: string,
      inputs: Record<string, string>,
    ) => {
      dispatches.push({ workflow, ref, inputs });
      return { runId: 100 + dispatches.length, url: `https://github.test/runs/${100 + dispatches.length}` };
    },
  } as unknown as Scm;
  return { scm, dispatches, files };
}

describe('ActionsDispatcher', () => {
  it('splits a wave past the 256-job matrix limit over several workflow runs', async () => {
    const run = plannedRun(300);
    const { scm, dispatches, files } = recordingScm();
    const events = await new ActionsDispatcher().dispatch(run, { scm, config: defaultConfig() });
    expect(dispatches).toHaveLength(2);
    const sent = dispatches.map((d) => JSON.parse(d.inputs['tasks']!) as string[]);
    expect(sent.map((ids) => ids.length)).toEqual([MATRIX_LIMIT, 300 - MATRIX_LIMIT]);
    expect(sent.flat()).toEqual(run.tasks.map((t) => t.id));
    expect(dispatches.every((d) => d.inputs['wave'] === '1' && d.workflow === 'autodev-agents.yml')).toBe(
      true,
    );
    const wave = events.find((e) => e.type === 'wave-dispatched');
    expect(wave).toMatchObject({ wave: { number: 1, workflowRuns: [{ id: 101 }, { id: 102 }] } });
    expect(events.filter((e) => e.type === 'task-started')).toHaveLength(300);
    // The jobs read their tasks by run id from the plan file; the inputs carry only ids.
    const plan = JSON.parse(files.get('.autodev/plans/bigrun0001.json')!) as { tasks: unknown[] };
    expect(plan.tasks).toHaveLength(300);
    for (const d of dispatches) {
      expect(Object.keys(d.inputs).length).toBeLessThanOrEqual(25);
      expect(Object.values(d.inputs).join('').length).toBeLessThan(65_535);
    }
  });

  it('dispatches nothing when no task is ready', async () => {
    const { scm, dispatches } = recordingScm();
    const run = plannedRun(2);
    const waiting = { ...run, tasks: run.tasks.map((t) => ({ ...t, state: 'running' as const })) };
    expect(await new ActionsDispatcher().dispatch(waiting, { scm, config: defaultConfig() })).toEqual([]);
    expect(dispatches).toEqual([]);
  });

  it('caps max_parallel at the matrix limit', () => {
    const config = { ...defaultConfig(), maxParallelAgents: 256 };
    expect(dispatchInputs(plannedRun(1), 1, ['task-000'], config)['max_parallel']).toBe('256');
  });
});

describe('ActionsDispatcher, best-of-N', () => {
  function contestRun(candidates: Record<string, number>, taskCount = 3): Run {
    const run = plannedRun(taskCount);
    const briefs = Object.fromEntries(
      Object.entries(candidates).map(([id, n]) => [
        id,
        { description: id, files: [], acceptance: [], estimateMinutes: 5, candidates: n },
      ]),
    );
    return { ...run, plan: { ...run.plan!, briefs } };
  }

  it('starts one matrix job per candidate and names the contenders in the progress', async () => {
    const run = contestRun({ 'task-001': 3 });
    const { scm, dispatches, files } = recordingScm();
    const config = defaultConfig();
    config.competition.contenders = [
      { backend: 'claude' },
      { backend: 'builtin', model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } },
    ];
    const events = await new ActionsDispatcher().dispatch(run, { scm, config });

    expect(JSON.parse(dispatches[0]!.inputs['tasks']!)).toEqual([
      'task-000',
      'task-001.c1',
      'task-001.c2',
      'task-001.c3',
      'task-002',
    ]);
    // The run keeps tracking tasks, not jobs.
    const wave = events.find((e) => e.type === 'wave-dispatched');
    expect(wave).toMatchObject({ wave: { taskIds: ['task-000', 'task-001', 'task-002'] } });
    const started = events.find((e) => e.type === 'task-started' && e.taskId === 'task-001');
    expect(started).toMatchObject({
      backend: 'best of 3: claude, builtin anthropic/claude-sonnet-4-5, claude',
    });
    const plan = JSON.parse(files.get('.autodev/plans/bigrun0001.json')!) as {
      tasks: { id: string; candidates?: number }[];
    };
    expect(plan.tasks.map((t) => t.candidates)).toEqual([undefined, 3, undefined]);
  });

  it("keeps a task's candidates in one workflow run when the wave is split", async () => {
    // 255 single tasks, then one of 3 candidates: 258 jobs do not fit in one matrix.
    const run = contestRun({ 'task-255': 3 }, 256);
    const { scm, dispatches } = recordingScm();
    await new ActionsDispatcher().dispatch(run, { scm, config: defaultConfig() });
    const sent = dispatches.map((d) => JSON.parse(d.inputs['tasks']!) as string[]);
    expect(sent.map((ids) => ids.length)).toEqual([255, 3]);
    expect(sent[1]).toEqual(['task-255.c1', 'task-255.c2', 'task-255.c3']);
  });

  it('runs a task reassigned after its retries once, on the backend it was reassigned to', async () => {
    const base = contestRun({ 'task-000': 2 }, 1);
    const run = { ...base, tasks: base.tasks.map((t) => ({ ...t, reassignedTo: 'codex' })) };
    const { scm, dispatches } = recordingScm();
    await new ActionsDispatcher().dispatch(run, { scm, config: defaultConfig() });
    expect(JSON.parse(dispatches[0]!.inputs['tasks']!)).toEqual(['task-000']);
  });
});
