/** The dashboard's JSON: runs by repository with links, timelines' raw data and bottlenecks. */
import { describe, expect, it } from '@jest/globals';
import { dashboardView, safeUrl, snapshotKey } from '../../app/dashboard/dashboard-view.js';
import type { Run } from '../../app/runs/run.js';
import { aPlan, aRun, at, finishA, must, runIn, startA, T0 } from '../runs/run-fixtures.js';

const WEB = 'http://127.0.0.1:4000/';
const wave1 = {
  type: 'wave-dispatched' as const,
  wave: {
    number: 1,
    taskIds: ['a'],
    workflowRuns: [{ id: 41, url: 'http://127.0.0.1:4000/acme/widgets/actions/runs/41', taskIds: ['a'] }],
    dispatchedAt: at(1).toISOString(),
  },
};

/** Task `a` failed in wave 1, so `b` (which needs it) can never start: a blocked task. */
function blockedRun(): Run {
  return must(
    runIn('running'),
    wave1,
    { ...startA, links: { jobLog: 'http://127.0.0.1:4000/acme/widgets/actions/runs/41/job/1' } },
    { type: 'task-finished', taskId: 'a', state: 'failed', reason: 'gate failed', at: at(3).toISOString() },
  );
}

describe('dashboardView', () => {
  it('groups runs by repository, newest first, with the links a person clicks through to', () => {
    const older = { ...runIn('succeeded'), id: 'run-old', createdAt: at(-60).toISOString() };
    older.pullRequest = { number: 12, url: 'http://127.0.0.1:4000/acme/widgets/pull/12', draft: false };
    const newer = { ...blockedRun(), id: 'run-new' };
    const other = { ...aRun(), id: 'run-other', repo: { owner: 'acme', repo: 'gadgets' }, issueNumber: 3 };
    const view = dashboardView([older, other, newer], { now: at(10), webUrl: WEB });

    expect(view.generatedAt).toBe(at(10).toISOString());
    expect(view.repositories.map((r) => [r.repo, r.url, r.runs.map((run) => run.id)])).toEqual([
      ['acme/widgets', 'http://127.0.0.1:4000/acme/widgets', ['run-new', 'run-old']],
      ['acme/gadgets', 'http://127.0.0.1:4000/acme/gadgets', ['run-other']],
    ]);
    const [latest, done] = view.repositories[0]!.runs;
    expect(done!.links).toEqual({
      issue: 'http://127.0.0.1:4000/acme/widgets/issues/7',
      pullRequest: 'http://127.0.0.1:4000/acme/widgets/pull/12',
    });
    expect(done!.state).toBe('succeeded');
    expect(done!.tokens).toBe(1200 + 500 + 300);
    expect(latest!.waveDetails).toEqual([
      { number: 1, workflowRuns: [{ id: 41, url: 'http://127.0.0.1:4000/acme/widgets/actions/runs/41' }] },
    ]);
    expect(latest!.taskDetails['a']!.links.jobLog).toBe(
      'http://127.0.0.1:4000/acme/widgets/actions/runs/41/job/1',
    );
    const a = latest!.tasks.find((t) => t.id === 'a')!;
    expect(a).toMatchObject({ state: 'failed', agent: 'coder-1', backend: 'scripted', durationMs: 1000 });
  });

  it('puts each bottleneck on the run it concerns and lists them all at the top', () => {
    const stuck = { ...blockedRun(), id: 'run-stuck' };
    const fine = { ...runIn('running'), id: 'run-fine', createdAt: at(-5).toISOString() };
    const view = dashboardView([stuck, fine], { now: at(10), webUrl: WEB });
    expect(view.bottlenecks).toHaveLength(1);
    expect(view.bottlenecks[0]).toMatchObject({ kind: 'blocked-task', runId: 'run-stuck', taskId: 'b' });
    const runs = view.repositories[0]!.runs;
    expect(runs.find((r) => r.id === 'run-stuck')!.bottlenecks).toEqual(view.bottlenecks);
    expect(runs.find((r) => r.id === 'run-fine')!.bottlenecks).toEqual([]);
  });

  it('drops links that are not http(s), so a stored javascript: URL never becomes an href', () => {
    const run = must(runIn('running'), {
      ...startA,
      links: { jobLog: 'javascript:alert(1)', branch: 'autodev/x/a' },
    });
    const view = dashboardView([run], { now: at(10), webUrl: WEB });
    expect(view.repositories[0]!.runs[0]!.taskDetails['a']!.links).toEqual({ branch: 'autodev/x/a' });
    expect(safeUrl('https://github.com/acme/widgets')).toBe('https://github.com/acme/widgets');
    expect(safeUrl('data:text/html,hi')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
  });
});

describe('snapshotKey', () => {
  it('changes when a run is saved again, not when only the clock moves', () => {
    const run = runIn('running');
    const before = dashboardView([run], { now: at(10), webUrl: WEB });
    const later = dashboardView([run], { now: at(500), webUrl: WEB });
    expect(snapshotKey(later)).toBe(snapshotKey(before));
    const saved = { ...must(run, startA, finishA), version: run.version + 1 };
    expect(snapshotKey(dashboardView([saved], { now: at(10), webUrl: WEB }))).not.toBe(snapshotKey(before));
  });

  it('changes when a task runs past its estimate, with no save in between', () => {
    const plan = aPlan({
      tasks: [
        { id: 'a', title: 'Toggle', role: 'coder', dependsOn: [], description: 'd', estimateMinutes: 1 },
        { id: 'b', title: 'Test', role: 'tester', dependsOn: ['a'] },
      ],
    });
    const run = must(aRun(), { type: 'planned', plan, requireApproval: false }, startA);
    const early = dashboardView([run], { now: new Date(T0.getTime() + 60_000), webUrl: WEB });
    const late = dashboardView([run], { now: new Date(T0.getTime() + 30 * 60_000), webUrl: WEB });
    expect(late.bottlenecks.map((b) => b.kind)).toEqual(['over-estimate']);
    expect(snapshotKey(late)).not.toBe(snapshotKey(early));
  });
});
