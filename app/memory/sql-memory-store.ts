/**
 * The MemoryStore over SQL: the same statements serve PGlite and node-postgres (a Postgres server or
 * Supabase's direct connection). Nearest-neighbour search and audit appends go through the database
 * functions match_memories and autodev_append_audit, as the Supabase backend's RPC calls do, so all
 * backends share one implementation of both.
 */
import {
  toAuditEvent,
  toMemory,
  toOutcome,
  type ArmRow,
  type AuditRow,
  type MemoryRow,
  type OutcomeRow,
} from './memory-rows.js';
import type { SqlClient } from '../store/sql-client.js';
import {
  assertSameEmbedding,
  auditEventFields,
  checkEmbeddingSettings,
  checkKinds,
  checkOutcome,
  checkRepo,
  memoryInsertBatches,
  vectorLiteral,
} from './memory-input.js';
import {
  type ArmStats,
  type AuditEvent,
  type AuditEventInput,
  type EmbeddingSettings,
  type MemoryInput,
  type MemoryKind,
  type MemoryMatch,
  type MemoryQuery,
  type MemoryStore,
  type Outcome,
  type OutcomeInput,
  type OutcomeStatsQuery,
  type StoredMemory,
} from './memory-store.js';

const DEFAULT_LIMIT = 100;
/** Memories per insert statement: one JSON parameter of about 8 MB at 384 dimensions. */
const INSERT_BATCH = 1000;

/** Rows as to_jsonb renders them: both drivers then hand over the same plain JSON. */
export interface SqlMemoryStoreOptions {
  /**
   * Whether close() closes the client. False when the client is shared with the run store
   * (openDatabase in app/store/open-store.ts), which closes it.
   */
  ownsClient?: boolean;
}

export class SqlMemoryStore implements MemoryStore {
  private readonly ownsClient: boolean;

  constructor(
    private readonly client: SqlClient,
    options: SqlMemoryStoreOptions = {},
  ) {
    this.ownsClient = options.ownsClient ?? true;
  }

  async embeddingSettings(): Promise<EmbeddingSettings | null> {
    const { rows } = await this.client.query<{ model: string; dimension: number }>(
      'select embedding_model as model, embedding_dimension as dimension from autodev_memory_settings where id',
    );
    const row = rows[0];
    return row ? { model: row.model, dimension: Number(row.dimension) } : null;
  }

  async ensureEmbeddingSettings(settings: EmbeddingSettings): Promise<void> {
    checkEmbeddingSettings(settings);
    await this.client.query(
      `insert into autodev_memory_settings (embedding_model, embedding_dimension) values ($1, $2)
       on conflict (id) do nothing`,
      [settings.model, settings.dimension],
    );
    assertSameEmbedding(await this.embeddingSettings(), settings);
  }

  async addMemories(inputs: readonly MemoryInput[]): Promise<StoredMemory[]> {
    const stored: StoredMemory[] = [];
    for (const batch of memoryInsertBatches(inputs, INSERT_BATCH)) {
      const { rows } = await this.client.query<{ row: MemoryRow }>(
        `insert into autodev_memories (repo, kind, content, metadata, embedding)
         select e.value ->> 'repo', e.value ->> 'kind', e.value ->> 'content', e.value -> 'metadata',
           (e.value ->> 'embedding')::vector
         from jsonb_array_elements($1::jsonb) with ordinality as e(value, n)
         order by e.n
         returning to_jsonb(autodev_memories) - 'embedding' as row`,
        [JSON.stringify(batch)],
      );
      stored.push(...rows.map((r) => toMemory(r.row)).sort((a, b) => Number(a.id) - Number(b.id)));
    }
    return stored;
  }

  async searchMemories(query: MemoryQuery): Promise<MemoryMatch[]> {
    checkRepo(query.repo);
    const kinds = checkKinds(query.kinds);
    const vector = vectorLiteral(query.embedding, 'the query embedding');
    if (!(query.k > 0)) return [];
    const { rows } = await this.client.query<{ row: MemoryRow }>(
      `select to_jsonb(m) as row from match_memories($1::vector, $2, $3::text[], $4) m`,
      [vector, query.repo, kinds, Math.floor(query.k)],
    );
    return rows.map((r) => ({ ...toMemory(r.row), similarity: Number(r.row.similarity) }));
  }

  async listMemories(filter: {
    repo: string;
    kinds?: readonly MemoryKind[];
    limit?: number;
  }): Promise<StoredMemory[]> {
    checkRepo(filter.repo);
    const kinds = checkKinds(filter.kinds);
    const { rows } = await this.client.query<{ row: MemoryRow }>(
      `select to_jsonb(m) - 'embedding' as row from autodev_memories m
       where m.repo = $1 and (cardinality($2::text[]) = 0 or m.kind = any ($2::text[]))
       order by m.created_at desc, m.id desc limit $3`,
      [filter.repo, kinds, filter.limit ?? DEFAULT_LIMIT],
    );
    return rows.map((r) => toMemory(r.row));
  }

  async deleteMemoriesBySource(repo: string, source: string): Promise<number> {
    checkRepo(repo);
    const { rows } = await this.client.query<{ deleted: number }>(
      `with gone as (delete from autodev_memories where repo = $1 and metadata ->> 'source' = $2 returning 1)
       select count(*)::integer as deleted from gone`,
      [repo, source],
    );
    return Number(rows[0]?.deleted ?? 0);
  }

  async recordOutcome(outcome: OutcomeInput): Promise<void> {
    checkOutcome(outcome);
    await this.client.query(
      `insert into autodev_outcomes (repo, run_id, task_id, scope, task_kind, success, failure_class, backend,
         model, strategy, duration_ms, tokens, cost_usd, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14::timestamptz, now()))`,
      [
        outcome.repo,
        outcome.runId,
        outcome.taskId ?? null,
        outcome.scope,
        outcome.taskKind,
        outcome.success,
        outcome.failureClass ?? null,
        outcome.backend ?? null,
        outcome.model ?? null,
        outcome.strategy ?? null,
        Math.round(outcome.durationMs),
        Math.round(outcome.tokens),
        outcome.costUsd,
        outcome.at ?? null,
      ],
    );
  }

  async listOutcomes(filter: { repo?: string; runId?: string; limit?: number }): Promise<Outcome[]> {
    const { rows } = await this.client.query<{ row: OutcomeRow }>(
      `select to_jsonb(o) as row from autodev_outcomes o
       where ($1::text is null or o.repo = $1) and ($2::text is null or o.run_id = $2)
       order by o.at desc, o.id desc limit $3`,
      [filter.repo ?? null, filter.runId ?? null, filter.limit ?? DEFAULT_LIMIT],
    );
    return rows.map((r) => toOutcome(r.row));
  }

  async outcomeStats(query: OutcomeStatsQuery): Promise<ArmStats[]> {
    const { rows } = await this.client.query<{ row: ArmRow }>(
      'select to_jsonb(s) as row from autodev_outcome_stats($1, $2, $3) s',
      [query.by, query.repo ?? null, query.taskKind ?? null],
    );
    return rows.map(({ row }) => ({
      arm: row.arm,
      successes: Number(row.successes),
      failures: Number(row.failures),
      meanDurationMs: Number(row.mean_duration_ms),
    }));
  }

  async appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    const { fields, payload } = auditEventFields(event);
    const { rows } = await this.client.query<{ row: AuditRow }>(
      `select to_jsonb(e) as row
       from autodev_append_audit($1, $2, $3, $4, $5::jsonb, $6::timestamptz, $7) e`,
      [
        fields.repo,
        fields.runId,
        fields.actor,
        fields.action,
        JSON.stringify(fields.detail),
        fields.at,
        payload,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('autodev_append_audit returned no row');
    return toAuditEvent(row.row);
  }

  async listAudit(filter: { repo?: string; afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const { rows } = await this.client.query<{ row: AuditRow }>(
      `select to_jsonb(e) as row from autodev_audit_events e
       where ($1::text is null or e.repo = $1) and e.seq > $2
       order by e.seq limit $3`,
      [filter.repo ?? null, filter.afterSeq ?? 0, filter.limit ?? 1000],
    );
    return rows.map((r) => toAuditEvent(r.row));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}
