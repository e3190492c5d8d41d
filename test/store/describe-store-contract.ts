/** The behaviour every Store must have, run against each implementation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Run } from '../../app/runs/run.js';
import { RunNotFoundError, StaleRunError, type Store } from '../../app/store/store.js';
import { aPlan, aRun, aTrigger, must, startA, finishA } from '../runs/run-fixtures.js';

export interface ContractTarget {
  store: Store;
  /** Runs the migrations again; returns the files applied. */
  migrateAgain(): Promise<string[]>;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  /** Releases what open() set up besides the store. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function runFor(n: number, overrides: Partial<Run> = {}): Run {
  const minute = String(n).padStart(2, '0');
  return aRun({
    id: `run${String(n).padStart(7, '0')}`,
    deliveryId: `delivery-${n}`,
    // One issue per run by default: an issue holds at most one unfinished run.
    issueNumber: n,
    createdAt: `2026-11-23T10:${minute}:00.000Z`,
    updatedAt: `2026-11-23T10:${minute}:00.000Z`,
    ...overrides,
  });
}

export function describeStoreContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(name, () => {
    let target: ContractTarget | undefined;
    const store = (): Store => {
      if (!target) throw new Error('the store did not open');
      return target.store;
    };

    beforeAll(async () => {
      target = await open();
    }, 60_000);
    afterAll(async () => {
      await target?.store.close();
      await target?.dispose();
    });
    beforeEach(async () => {
      await target?.reset();
    });

    it('applies no migration twice', async () => {
      expect(await target?.migrateAgain()).toEqual([]);
    });

    describe('deliveries', () => {
      const delivery = (id: string) => ({
        id,
        event: 'issues',
        action: 'opened',
        repo: 'acme/widgets',
        payload: { n: id },
      });

      it('records a delivery once; a redelivery returns false', async () => {
        expect(await store().recordDelivery(delivery('d1'))).toBe(true);
        expect(await store().recordDelivery(delivery('d1'))).toBe(false);
        expect(await store().claimDelivery('w1')).toMatchObject({
          id: 'd1',
          status: 'processing',
          attempts: 1,
        });
        expect(await store().claimDelivery('w1')).toBeNull();
      });

      it('hands out the oldest pending delivery first, with its payload', async () => {
        for (const id of ['c', 'b', 'a']) {
          await store().recordDelivery(delivery(id));
          await sleep(5);
        }
        const first = await store().claimDelivery('w1');
        expect(first).toEqual({
          id: 'c',
          event: 'issues',
          action: 'opened',
          repo: 'acme/widgets',
          payload: { n: 'c' },
          status: 'processing',
          attempts: 1,
          receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        });
        expect((await store().claimDelivery('w1'))?.id).toBe('b');
      });

      it('never hands one delivery to two concurrent claimers', async () => {
        for (let i = 0; i < 5; i++) await store().recordDelivery(delivery(`p${i}`));
        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store().claimDelivery(`w${i}`)),
        );
        const ids = claims.flatMap((c) => (c ? [c.id] : []));
        expect(ids.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      });

      it('reclaims a delivery stuck in processing, not a fresh one', async () => {
        await store().recordDelivery(delivery('stuck'));
        await store().claimDelivery('crashed-worker');
        expect(await store().claimDelivery('w2')).toBeNull();
        await sleep(20);
        expect(await store().claimDelivery('w2', { staleAfterMs: 10 })).toMatchObject({
          id: 'stuck',
          attempts: 2,
        });
      });

      it('does not hand out finished deliveries and keeps the error', async () => {
        await store().recordDelivery(delivery('d1'));
        await store().recordDelivery(delivery('d2'));
        await store().claimDelivery('w1');
        await store().finishDelivery('d1', { status: 'failed', error: 'GitHub said 502' });
        await store().claimDelivery('w1');
        await store().finishDelivery('d2', { status: 'done' });
        await sleep(5);
        expect(await store().claimDelivery('w1', { staleAfterMs: 0 })).toBeNull();
        await expect(store().finishDelivery('nope', { status: 'done' })).rejects.toThrow('never recorded');
      });

      it('stores text with NUL characters, which Postgres rejects', async () => {
        expect(await store().recordDelivery({ ...delivery('nul'), payload: { body: 'a\u0000b' } })).toBe(
          true,
        );
        expect((await store().claimDelivery('w1'))?.payload).toEqual({ body: 'a\uFFFDb' });
      });
    });

    describe('runs', () => {
      it('creates one run per delivery', async () => {
        const first = await store().createRun(runFor(1));
        expect(first).toEqual({ run: runFor(1), created: true });
        const second = await store().createRun(runFor(2, { deliveryId: 'delivery-1' }));
        expect(second).toEqual({ run: runFor(1), created: false });
        expect(await store().getRun('run0000002')).toBeNull();
      });

      it('keeps one unfinished run per issue and hands back the one holding it', async () => {
        const first = await store().createRun(runFor(1, { issueNumber: 7 }));
        const twin = await store().createRun(runFor(2, { issueNumber: 7 }));
        expect(twin).toEqual({ run: first.run, created: false });
        const otherIssue = await store().createRun(runFor(3, { issueNumber: 8 }));
        expect(otherIssue.created).toBe(true);
        await store().saveRun(must(first.run, { type: 'cancelled', by: 'mona' }));
        const after = await store().createRun(runFor(4, { issueNumber: 7 }));
        expect(after.created).toBe(true);
        expect(after.run.id).toBe('run0000004');
      });

      it('creates exactly one run when 30 deliveries race for one issue', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => store().createRun(runFor(i + 1, { issueNumber: 42 }))),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
      });

      it('creates exactly one run when 50 workers race for one delivery', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store().createRun(runFor(i + 1, { deliveryId: 'contested' }))),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
        expect(await store().listRuns()).toHaveLength(1);
      });

      it('saves and reloads a run with its tasks, in order', async () => {
        const plan = aPlan({
          tasks: [
            { id: 'zeta', title: 'Z', role: 'coder', dependsOn: [] },
            { id: 'a', title: 'A', role: 'coder', dependsOn: [] },
            { id: 'b', title: 'B — ünïcode ✓', role: 'tester', dependsOn: ['zeta', 'a'] },
          ],
        });
        const { run: created } = await store().createRun(
          runFor(1, { trigger: aTrigger({ spec: 'spec \u0000 ✓' }) }),
        );
        const changed: Run = {
          ...must(created, { type: 'planned', plan, requireApproval: false }, startA, {
            ...finishA,
            costUsd: 0.1 + 0.2,
            links: { branch: 'autodev/run0000001/a', jobLog: 'https://x.test/1' },
          }),
          commentId: 2_147_483_648_123,
          reason: 'why',
        };
        const saved = await store().saveRun(changed);
        expect(saved).toEqual({ ...changed, version: 1 });
        const loaded = await store().getRun(created.id);
        expect(loaded).toEqual({ ...saved, trigger: aTrigger({ spec: 'spec \uFFFD ✓' }) });
        expect(loaded?.tasks.map((t) => t.id)).toEqual(['zeta', 'a', 'b']);
        expect(loaded?.tasks[1]?.costUsd).toBe(0.1 + 0.2);

        const ended = must(saved, { type: 'cancelled', by: 'mona' });
        expect(await store().saveRun(ended)).toMatchObject({ version: 2, state: 'cancelled' });
        expect((await store().getRun(created.id))?.finishedAt).toBe(ended.finishedAt);
      });

      it("keeps a task's retries and backend, and the run's pull request", async () => {
        const { run: created } = await store().createRun(runFor(1));
        const planned = must(created, { type: 'planned', plan: aPlan(), requireApproval: false }, startA, {
          type: 'task-finished',
          taskId: 'a',
          state: 'failed',
          reason: 'its job ended failure',
          at: '2026-11-23T10:05:00.000Z',
        });
        const retried = must(planned, {
          type: 'retry',
          taskId: 'a',
          automatic: true,
          notBefore: '2026-11-23T10:06:00.000Z',
          reassignTo: 'claude',
        });
        const changed: Run = {
          ...retried,
          pullRequest: {
            number: 12,
            url: 'https://x.test/pull/12',
            draft: true,
            reviewedSha: 'f'.repeat(40),
          },
        };
        const saved = await store().saveRun(changed);
        expect(await store().getRun(created.id)).toEqual(saved);
        expect(saved.tasks[0]).toMatchObject({
          retries: 1,
          notBefore: '2026-11-23T10:06:00.000Z',
          reassignedTo: 'claude',
        });
      });

      it('rejects a save based on a stale version', async () => {
        const { run } = await store().createRun(runFor(1));
        await store().saveRun(must(run, { type: 'cancelled', by: 'a' }));
        const stale = store().saveRun(must(run, { type: 'failed', reason: 'b' }));
        await expect(stale).rejects.toBeInstanceOf(StaleRunError);
        await expect(stale).rejects.toMatchObject({ runId: run.id, expectedVersion: 0, storedVersion: 1 });
        expect((await store().getRun(run.id))?.state).toBe('cancelled');
        await expect(store().saveRun(runFor(9))).rejects.toBeInstanceOf(RunNotFoundError);
      });

      it('lets exactly one of several concurrent saves of one version win', async () => {
        const { run } = await store().createRun(runFor(1));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store().saveRun(must(run, { type: 'failed', reason: `r${i}` })),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(StaleRunError);
      });

      it('finds the newest run on an issue', async () => {
        const ended = { state: 'failed', finishedAt: '2026-11-23T11:00:00.000Z' } as const;
        await store().createRun(runFor(1, { issueNumber: 7, ...ended }));
        await store().createRun(runFor(3, { issueNumber: 7 }));
        await store().createRun(runFor(2, { issueNumber: 7, ...ended }));
        await store().createRun(runFor(4, { issueNumber: 8 }));
        await store().createRun(runFor(5, { issueNumber: 7, repo: { owner: 'acme', repo: 'gadgets' } }));
        expect((await store().latestRunForIssue({ owner: 'acme', repo: 'widgets' }, 7))?.id).toBe(
          'run0000003',
        );
        expect((await store().latestRunForIssue({ owner: 'acme', repo: 'widgets' }, 8))?.id).toBe(
          'run0000004',
        );
        expect(await store().latestRunForIssue({ owner: 'acme', repo: 'widgets' }, 99)).toBeNull();
      });

      it('lists runs newest first, by state, repo and limit', async () => {
        await store().createRun(runFor(1));
        await store().createRun(runFor(2, { state: 'running' }));
        await store().createRun(runFor(3, { state: 'failed', finishedAt: '2026-11-23T11:00:00.000Z' }));
        await store().createRun(runFor(4, { state: 'running', repo: { owner: 'acme', repo: 'gadgets' } }));
        const ids = (runs: Run[]) => runs.map((r) => r.id);
        expect(ids(await store().listRuns())).toEqual([
          'run0000004',
          'run0000003',
          'run0000002',
          'run0000001',
        ]);
        expect(ids(await store().listRuns({ states: ['running', 'planning'] }))).toEqual([
          'run0000004',
          'run0000002',
          'run0000001',
        ]);
        const widgets = { owner: 'acme', repo: 'widgets' };
        expect(ids(await store().listRuns({ states: ['running'], repo: widgets }))).toEqual(['run0000002']);
        expect(ids(await store().listRuns({ repo: widgets, limit: 2 }))).toEqual([
          'run0000003',
          'run0000002',
        ]);
        expect(await store().listRuns({ states: [] })).toEqual([]);
        await expect(store().listRuns({ limit: 0 })).rejects.toThrow('limit must be');
      });
    });
  });
}
