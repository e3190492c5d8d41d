/**
 * Learning at dispatch and planning: with `learning.backends` configured, each task's backend comes
 * from the chooser (the bandit) and reaches the agent job through the plan file; the plan carries how
 * long each kind of task took before.
 */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../app/config/config-schema.js';
import { ActionsDispatcher, type BackendChooser } from '../../app/dispatch/actions-dispatcher.js';
import { learnedEstimates, withLearnedEstimates } from '../../app/learning/learned-estimates.js';
import type { ArmStats, OutcomeStatsQuery } from '../../app/memory/memory-store.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { renderProgress } from '../../app/progress/render-progress.js';
import { toPlanSummary } from '../../app/planner/planner.js';
import type { Scm } from '../../app/scm/scm.js';
import { aPlan, aRun, must, runIn } from '../runs/run-fixtures.js';

function recordingScm() {
  const files = new Map<string, string>();
  const scm = {
    defaultBranch: async () => 'main',
    ensureBranch: async () => undefined,
    readFileWithSha: async () => null,
    writeFile: async (_repo: unknown, change: { path: string; text: string }) => {
      files.set(change.path, change.text);
      return { sha: 'y' };
    },
    dispatchWorkflow: async () => ({ runId: 1, url: 'https://github.test/runs/1' }),
  } as unknown as Scm;
  return { scm, files };
}

describe('dispatch with learning.backends', () => {
  const run = runIn('running');
  const asked: string[] = [];
  const chooser: BackendChooser = async ({ taskKind, candidates }) => {
    asked.push(`${taskKind}:${candidates.join('|')}`);
    return { backend: 'codex', reason: 'codex succeeded 9 of 10 times' };
  };

  it("sends each task to the chooser's backend, named in the plan file and the progress", async () => {
    const config = defaultConfig();
    config.learning.backends = ['claude', 'codex'];
    const { scm, files } = recordingScm();
    const events = await new ActionsDispatcher({ chooseBackend: chooser }).dispatch(run, { scm, config });

    expect(asked).toEqual(['coder:claude|codex']);
    expect(events.find((e) => e.type === 'task-started')).toMatchObject({ taskId: 'a', backend: 'codex' });
    const plan = JSON.parse([...files.values()][0]!) as { tasks: { id: string; backend?: string }[] };
    expect(plan.tasks.find((t) => t.id === 'a')?.backend).toBe('codex');
    // b is not ready yet: it gets its choice when its own wave goes out.
    expect(plan.tasks.find((t) => t.id === 'b')?.backend).toBeUndefined();
  });

  it('makes no choice with fewer than two backends, and keeps the usual one when choosing fails', async () => {
    const { scm } = recordingScm();
    const one = defaultConfig();
    one.learning.backends = ['claude'];
    const failing: BackendChooser = () => Promise.reject(new Error('memory unreachable'));
    const two = defaultConfig();
    two.learning.backends = ['claude', 'codex'];
    for (const [config, chooseBackend] of [
      [one, chooser],
      [two, failing],
    ] as const) {
      const events = await new ActionsDispatcher({ chooseBackend }).dispatch(run, { scm, config });
      expect(events.find((e) => e.type === 'task-started')).toMatchObject({ backend: 'openai/gpt-4o-mini' });
    }
  });
});

describe('learned estimates', () => {
  const stats: Record<string, ArmStats[]> = {
    coder: [
      { arm: 'claude', successes: 3, failures: 1, meanDurationMs: 600_000 },
      { arm: 'codex', successes: 4, failures: 0, meanDurationMs: 300_000 },
    ],
  };
  const store = {
    outcomeStats: async (q: OutcomeStatsQuery) =>
      q.repo === 'acme/widgets' ? (stats[q.taskKind ?? ''] ?? []) : [],
  };

  it('are the runs-weighted mean duration and success rate of each kind with history', async () => {
    expect(await learnedEstimates(store, 'acme/widgets', ['coder', 'tester', 'coder'])).toEqual([
      { kind: 'coder', minutes: 7.5, runs: 8, successRate: 7 / 8 },
    ]);
    expect(await learnedEstimates(store, 'acme/other', ['coder'])).toEqual([]);
  });

  it('reach the progress comment through the plan', async () => {
    const planner = withLearnedEstimates(new ScriptedPlanner([aPlan()]), store);
    const plan = await planner.plan({ run: aRun(), config: defaultConfig() });
    const planned = must(aRun(), { type: 'planned', plan, requireApproval: true });
    expect(toPlanSummary(plan).learned).toHaveLength(1);
    expect(renderProgress(planned, { now: new Date('2026-11-23T10:05:00Z') })).toContain(
      '**From earlier runs here:** `coder` ≈ 8 min (8 earlier, 88% succeeded)',
    );
  });
});
