/**
 * The behaviour every MemoryStore must have, run against each backend.
 *
 * Usage, from a *.test.ts file:
 *
 *   describeMemoryStoreContract('SqlMemoryStore on PGlite', async () => ({
 *     store,                          // a MemoryStore over a freshly migrated, empty database
 *     tamper: (sql) => run sql,       // runs one SQL statement directly on that database, bypassing
 *                                     // the store (as someone with database access would)
 *     dispose: async () => {},        // releases what the opener set up besides the store
 *   }));
 *
 * The opener is called once per suite (a database costs seconds to start); the tests share it, so each
 * uses its own repositories, and they run in order: the first expects no embedding settings yet, and the
 * audit tests that tamper with rows come last.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditHash, GENESIS_HASH, verifyAuditChain } from '../../app/memory/audit-chain.js';
import { MEMORY_DIMENSION, MemoryInputError } from '../../app/memory/memory-input.js';
import {
  EmbeddingMismatchError,
  type MemoryInput,
  type MemoryKind,
  type MemoryStore,
  type OutcomeInput,
} from '../../app/memory/memory-store.js';

export interface MemoryStoreFixture {
  store: MemoryStore;
  /** Runs one SQL statement on the store's database directly. */
  tamper(sql: string): Promise<void>;
  dispose(): Promise<void>;
}

const SETTINGS = { model: 'contract-test-vectors', dimension: MEMORY_DIMENSION };

/** A unit vector mostly along axis `axis`, leaning `lean` towards axis `towards`. */
export function axisVector(axis: number, towards = axis, lean = 0): number[] {
  const vector = new Array<number>(MEMORY_DIMENSION).fill(0);
  vector[axis] = 1;
  vector[towards] = (vector[towards] ?? 0) + lean;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

function memory(
  repo: string,
  kind: MemoryKind,
  content: string,
  embedding: number[],
  metadata = {},
): MemoryInput {
  return { repo, kind, content, embedding, metadata };
}

export function describeMemoryStoreContract(name: string, open: () => Promise<MemoryStoreFixture>): void {
  describe(name, () => {
    let fixture: MemoryStoreFixture | undefined;
    const store = (): MemoryStore => {
      if (!fixture) throw new Error('the memory store did not open');
      return fixture.store;
    };

    beforeAll(async () => {
      fixture = await open();
    }, 60_000);
    afterAll(async () => {
      await fixture?.store.close();
      await fixture?.dispose();
    });

    describe('embedding settings', () => {
      it('records the first embedder and refuses another model or dimension afterwards', async () => {
        expect(await store().embeddingSettings()).toBeNull();
        await store().ensureEmbeddingSettings(SETTINGS);
        await store().ensureEmbeddingSettings(SETTINGS);
        expect(await store().embeddingSettings()).toEqual(SETTINGS);

        const other = { model: 'openai:text-embedding-3-small', dimension: MEMORY_DIMENSION };
        const refused = store().ensureEmbeddingSettings(other);
        await expect(refused).rejects.toBeInstanceOf(EmbeddingMismatchError);
        await expect(refused).rejects.toThrow(/holds 384-dimensional vectors from contract-test-vectors/);
        await expect(store().ensureEmbeddingSettings({ ...SETTINGS, dimension: 768 })).rejects.toThrow(
          /holds 384-dimensional vectors, but contract-test-vectors gives 768/,
        );
        expect(await store().embeddingSettings()).toEqual(SETTINGS);
      });
    });

    describe('memories', () => {
      it('stores memories and lists them newest first, by repo and kind', async () => {
        const added = await store().addMemories([
          memory('contract/list', 'convention', 'Use pnpm, not npm', axisVector(0), { source: 'AGENTS.md' }),
          memory('contract/list', 'decision', 'Postgres over MySQL', axisVector(1)),
          memory('contract/other', 'convention', 'Tabs', axisVector(2)),
        ]);
        expect(added.map((m) => [m.repo, m.kind, m.content])).toEqual([
          ['contract/list', 'convention', 'Use pnpm, not npm'],
          ['contract/list', 'decision', 'Postgres over MySQL'],
          ['contract/other', 'convention', 'Tabs'],
        ]);
        expect(added[0]?.metadata).toEqual({ source: 'AGENTS.md' });
        expect(added[1]?.metadata).toEqual({});
        expect(new Set(added.map((m) => m.id)).size).toBe(3);
        expect(Number.isNaN(Date.parse(added[0]?.createdAt ?? ''))).toBe(false);

        const later = await store().addMemories([
          memory('contract/list', 'failure', 'Flaky e2e', axisVector(3)),
        ]);
        const listed = await store().listMemories({ repo: 'contract/list' });
        expect(listed.map((m) => m.content)).toEqual([
          'Flaky e2e',
          'Postgres over MySQL',
          'Use pnpm, not npm',
        ]);
        expect(listed[0]).toEqual(later[0]);
        const conventions = await store().listMemories({
          repo: 'contract/list',
          kinds: ['convention', 'failure'],
        });
        expect(conventions.map((m) => m.content)).toEqual(['Flaky e2e', 'Use pnpm, not npm']);
        expect(await store().listMemories({ repo: 'contract/list', kinds: [] })).toHaveLength(3);
        expect(await store().listMemories({ repo: 'contract/list', limit: 1 })).toEqual([later[0]]);
        expect(await store().listMemories({ repo: 'contract/nobody' })).toEqual([]);
      });

      it('finds the nearest memories first, within the repo and the kinds asked for', async () => {
        const repo = 'contract/search';
        await store().addMemories([
          memory(repo, 'pattern', 'exactly axis 10', axisVector(10)),
          memory(repo, 'pattern', 'axis 10 leaning to 11', axisVector(10, 11, 0.5)),
          memory(repo, 'decision', 'axis 10 leaning more to 11', axisVector(10, 11, 1.5)),
          memory(repo, 'learning', 'axis 12', axisVector(12)),
          memory('contract/elsewhere', 'pattern', 'same vector, other repo', axisVector(10)),
        ]);
        const matches = await store().searchMemories({ repo, embedding: axisVector(10), k: 10 });
        expect(matches.map((m) => m.content)).toEqual([
          'exactly axis 10',
          'axis 10 leaning to 11',
          'axis 10 leaning more to 11',
          'axis 12',
        ]);
        expect(matches[0]?.similarity).toBeCloseTo(1, 5);
        expect(matches[1]?.similarity).toBeCloseTo(1 / Math.hypot(1, 0.5), 5);
        expect(matches[3]?.similarity).toBeCloseTo(0, 5);
        expect(matches[0]).toMatchObject({ repo, kind: 'pattern' });

        const top2 = await store().searchMemories({ repo, embedding: axisVector(11), k: 2 });
        expect(top2.map((m) => m.content)).toEqual(['axis 10 leaning more to 11', 'axis 10 leaning to 11']);
        const decisions = await store().searchMemories({
          repo,
          embedding: axisVector(10),
          kinds: ['decision', 'learning'],
          k: 5,
        });
        expect(decisions.map((m) => m.kind)).toEqual(['decision', 'learning']);
        expect(
          await store().searchMemories({ repo, embedding: axisVector(10), kinds: [], k: 9 }),
        ).toHaveLength(4);
        expect(
          await store().searchMemories({ repo: 'contract/empty', embedding: axisVector(10), k: 5 }),
        ).toEqual([]);
      });

      it('deletes the memories taken from one source of one repo', async () => {
        const repo = 'contract/sources';
        await store().addMemories([
          memory(repo, 'convention', 'from AGENTS.md, part 1', axisVector(20), {
            source: 'AGENTS.md',
            sha: 'a1',
          }),
          memory(repo, 'convention', 'from AGENTS.md, part 2', axisVector(21), {
            source: 'AGENTS.md',
            sha: 'a1',
          }),
          memory(repo, 'convention', 'from CLAUDE.md', axisVector(22), { source: 'CLAUDE.md' }),
          memory('contract/sources-2', 'convention', 'AGENTS.md elsewhere', axisVector(20), {
            source: 'AGENTS.md',
          }),
        ]);
        expect(await store().deleteMemoriesBySource(repo, 'AGENTS.md')).toBe(2);
        expect(await store().deleteMemoriesBySource(repo, 'AGENTS.md')).toBe(0);
        expect((await store().listMemories({ repo })).map((m) => m.content)).toEqual(['from CLAUDE.md']);
        expect(await store().listMemories({ repo: 'contract/sources-2' })).toHaveLength(1);
      });

      it('refuses vectors of another size, unknown kinds and malformed repositories, saying what to change', async () => {
        const short = store().addMemories([memory('contract/bad', 'pattern', 'short', [1, 0, 0])]);
        await expect(short).rejects.toBeInstanceOf(MemoryInputError);
        await expect(short).rejects.toThrow(
          'the embedding of memory 1 has 3 dimensions; the memory store takes 384',
        );
        await expect(
          store().addMemories([memory('contract/bad', 'gossip' as MemoryKind, 'x', axisVector(0))]),
        ).rejects.toThrow(/"gossip" is not a memory kind; use one of architecture, decision/);
        await expect(
          store().searchMemories({ repo: 'no-slash', embedding: axisVector(0), k: 3 }),
        ).rejects.toThrow('"no-slash" is not a repository; give it as owner/name');
        expect(await store().listMemories({ repo: 'contract/bad' })).toEqual([]);
      });
    });

    describe('outcomes', () => {
      const outcome = (overrides: Partial<OutcomeInput>): OutcomeInput => ({
        repo: 'contract/outcomes',
        runId: 'run-1',
        taskId: 't1',
        scope: 'task',
        taskKind: 'coder',
        success: true,
        backend: 'langchain',
        model: 'model-a',
        strategy: 'test-driven',
        durationMs: 1000,
        tokens: 500,
        costUsd: 0.25,
        ...overrides,
      });

      it('records outcomes and lists them newest first, by repo and run', async () => {
        await store().recordOutcome(outcome({ at: '2026-11-25T10:00:00.000Z' }));
        await store().recordOutcome(
          outcome({
            taskId: 't2',
            success: false,
            failureClass: 'gate_failed',
            backend: 'claude-code',
            at: '2026-11-25T10:05:00.000Z',
          }),
        );
        await store().recordOutcome({
          repo: 'contract/outcomes',
          runId: 'run-2',
          scope: 'run',
          taskKind: 'run',
          success: true,
          durationMs: 90_000,
          tokens: 0,
          costUsd: 0,
          at: '2026-11-25T11:00:00.000Z',
        });
        await store().recordOutcome(outcome({ repo: 'contract/outcomes-2', at: '2026-11-25T12:00:00.000Z' }));

        const all = await store().listOutcomes({ repo: 'contract/outcomes' });
        expect(all.map((o) => [o.runId, o.taskId, o.success])).toEqual([
          ['run-2', null, true],
          ['run-1', 't2', false],
          ['run-1', 't1', true],
        ]);
        expect(all[1]).toEqual({
          id: expect.any(String),
          repo: 'contract/outcomes',
          runId: 'run-1',
          taskId: 't2',
          scope: 'task',
          taskKind: 'coder',
          success: false,
          failureClass: 'gate_failed',
          backend: 'claude-code',
          model: 'model-a',
          strategy: 'test-driven',
          durationMs: 1000,
          tokens: 500,
          costUsd: 0.25,
          at: '2026-11-25T10:05:00.000Z',
        });
        expect(all[0]).toMatchObject({ failureClass: null, backend: null, model: null, strategy: null });
        expect((await store().listOutcomes({ runId: 'run-1', repo: 'contract/outcomes' })).length).toBe(2);
        expect(await store().listOutcomes({ repo: 'contract/outcomes', limit: 1 })).toEqual([all[0]]);
        await expect(store().recordOutcome(outcome({ durationMs: -5 }))).rejects.toThrow(
          "an outcome's durationMs must be a number of zero or more, not -5",
        );
      });

      it('counts successes and failures per backend, model or strategy', async () => {
        const repo = 'contract/stats';
        const runs: Array<[string, string, boolean, number]> = [
          ['langchain', 'coder', true, 1000],
          ['langchain', 'coder', true, 3000],
          ['langchain', 'coder', false, 2000],
          ['claude-code', 'coder', false, 4000],
          ['claude-code', 'tester', true, 500],
        ];
        for (const [backend, taskKind, success, durationMs] of runs) {
          await store().recordOutcome(outcome({ repo, backend, taskKind, success, durationMs }));
        }
        await store().recordOutcome(outcome({ repo, backend: null, model: 'model-b', success: false }));

        expect(await store().outcomeStats({ by: 'backend', repo, taskKind: 'coder' })).toEqual([
          { arm: 'claude-code', successes: 0, failures: 1, meanDurationMs: 4000 },
          { arm: 'langchain', successes: 2, failures: 1, meanDurationMs: 2000 },
        ]);
        expect(await store().outcomeStats({ by: 'backend', repo })).toEqual([
          { arm: 'claude-code', successes: 1, failures: 1, meanDurationMs: 2250 },
          { arm: 'langchain', successes: 2, failures: 1, meanDurationMs: 2000 },
        ]);
        expect(await store().outcomeStats({ by: 'model', repo })).toEqual([
          { arm: 'model-a', successes: 3, failures: 2, meanDurationMs: 2100 },
          { arm: 'model-b', successes: 0, failures: 1, meanDurationMs: 1000 },
        ]);
      });
    });

    describe('audit trail', () => {
      it('chains each event to the one before it', async () => {
        const first = await store().appendAudit({
          repo: 'contract/audit',
          runId: 'run-1',
          actor: 'autodev',
          action: 'run.created',
          detail: { issue: 7, labels: ['autodev'], nested: { b: 2, a: 1 } },
        });
        const second = await store().appendAudit({
          repo: 'contract/audit-2',
          actor: 'agent:coder-1',
          action: 'agent.tool',
        });
        expect(first).toMatchObject({
          seq: 1,
          repo: 'contract/audit',
          runId: 'run-1',
          actor: 'autodev',
          action: 'run.created',
          detail: { issue: 7, labels: ['autodev'], nested: { a: 1, b: 2 } },
          prevHash: GENESIS_HASH,
        });
        expect(first.hash).toBe(auditHash(GENESIS_HASH, first.payload));
        expect(second).toMatchObject({ seq: 2, runId: null, detail: {}, prevHash: first.hash });
        expect(second.hash).toBe(auditHash(first.hash, second.payload));

        expect(await store().listAudit()).toEqual([first, second]);
        expect(await store().listAudit({ repo: 'contract/audit-2' })).toEqual([second]);
        expect(await store().listAudit({ afterSeq: 1 })).toEqual([second]);
        expect(await store().listAudit({ limit: 1 })).toEqual([first]);
      });

      it('keeps one unbroken chain when many events are appended at once', async () => {
        const before = (await store().listAudit()).length;
        const appended = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store().appendAudit({
              repo: `contract/audit-${i % 3}`,
              actor: `agent:coder-${i}`,
              action: 'task.dispatched',
              detail: { i },
            }),
          ),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => before + i + 1),
        );
        const chain = await store().listAudit();
        expect(chain).toHaveLength(before + 20);
        expect(verifyAuditChain(chain)).toEqual({
          ok: true,
          checked: before + 20,
          head: { seq: before + 20, hash: chain.at(-1)?.hash },
          problems: [],
        });
      });

      it('detects a row edited in the database and a row deleted from it', async () => {
        const chain = await store().listAudit();
        const target = chain[4];
        if (!target) throw new Error('the chain is shorter than the earlier tests made it');
        await fixture?.tamper(
          `update autodev_audit_events set detail = '{"i": 999}'::jsonb where seq = ${target.seq}`,
        );
        const edited = verifyAuditChain(await store().listAudit());
        expect(edited.ok).toBe(false);
        expect(edited.problems).toEqual([
          {
            seq: target.seq,
            kind: 'edited',
            message: `row ${target.seq}: detail differs from what its hash covers: edited after it was written`,
          },
        ]);

        await fixture?.tamper(`delete from autodev_audit_events where seq = ${target.seq + 3}`);
        const deleted = verifyAuditChain(await store().listAudit());
        expect(deleted.problems.map((p) => [p.seq, p.kind])).toEqual([
          [target.seq, 'edited'],
          [target.seq + 4, 'deleted'],
        ]);
      });
    });
  });
}
