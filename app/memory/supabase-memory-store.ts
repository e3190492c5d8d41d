/**
 * The MemoryStore on Supabase through supabase-js, for deployments that have a Supabase project but no
 * direct Postgres connection. Configured by two environment variables:
 *
 * - `SUPABASE_URL`: the project URL, `https://<project-ref>.supabase.co` (not the `/rest/v1` API URL);
 * - `SUPABASE_SERVICE_ROLE_KEY`: the project's service_role (secret) key. autodev's tables have row level
 *   security with policies only for the service role, so the anon or publishable key reads nothing.
 *
 * The schema comes from supabase/migrations (`supabase db push`). Nearest-neighbour search runs in the
 * database through the RPC match_memories and audit appends through autodev_append_audit, which takes
 * the previous hash under a lock inside one transaction, so the chain never forks; everything else is
 * plain table reads and writes. Vectors travel as pgvector's text form, "[0.1,0.2,…]". Every PostgREST
 * error becomes a SupabaseMemoryError that names the table or function and says what to check.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
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
  toAuditEvent,
  toMemory,
  toOutcome,
  type ArmRow,
  type AuditRow,
  type MemoryRow,
  type OutcomeRow,
} from './memory-rows.js';
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
import {
  checkServiceKey,
  describeSupabaseFailure,
  SupabaseMemoryError,
  type SupabaseFailure,
} from './supabase-errors.js';

export { SupabaseMemoryError } from './supabase-errors.js';

export interface SupabaseMemoryStoreOptions {
  /** SUPABASE_URL: https://<project-ref>.supabase.co */
  url: string;
  /** SUPABASE_SERVICE_ROLE_KEY. */
  serviceKey: string;
  /** For tests and proxies; the global fetch otherwise. */
  fetch?: typeof fetch;
}

const DEFAULT_LIMIT = 100;
const DEFAULT_AUDIT_LIMIT = 1000;
/** Memories per insert request: about 2 MB of JSON at 384 dimensions, well inside request size limits. */
const INSERT_BATCH = 500;
const REQUEST_TIMEOUT_MS = 60_000;
const MEMORY_COLUMNS = 'id,repo,kind,content,metadata,created_at';

/** What supabase-js resolves every request to. */
interface Response<T> {
  data: T | null;
  error: SupabaseFailure['error'] | null;
  status: number;
}

/**
 * Connects and checks, with one read, that the URL answers, the key is accepted and the memory tables
 * exist, so a misconfiguration shows when autodev starts rather than at the first memory it writes.
 */
export async function openSupabaseMemoryStore(options: SupabaseMemoryStoreOptions): Promise<MemoryStore> {
  const url = checkProjectUrl(options.url);
  checkServiceKey(options.serviceKey);
  const client = createClient(url, options.serviceKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Node 20 has no global WebSocket; realtime is never used, but the client builds it.
    realtime: { transport: ws as unknown as never },
    global: options.fetch ? { fetch: options.fetch } : {},
    // A request that hangs (a stalled proxy, a paused project) fails instead of holding a run forever.
    db: { timeout: REQUEST_TIMEOUT_MS },
  });
  const store = new SupabaseMemoryStore(client, url);
  await store.embeddingSettings();
  return store;
}

function checkProjectUrl(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new SupabaseMemoryError(
      `SUPABASE_URL "${raw}" is not a URL; give the project URL, e.g. https://<project-ref>.supabase.co`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SupabaseMemoryError(
      `SUPABASE_URL must start with https:// (or http:// for a local Supabase), not ${parsed.protocol}//`,
    );
  }
  if (/\/rest\/v1$/.test(parsed.pathname)) {
    throw new SupabaseMemoryError(
      `SUPABASE_URL ends in /rest/v1; give the project URL without it (${trimmed.replace(/\/rest\/v1$/, '')})`,
    );
  }
  return trimmed;
}

class SupabaseMemoryStore implements MemoryStore {
  private closed = false;

  constructor(
    private readonly client: SupabaseClient,
    private readonly url: string,
  ) {}

  /** The data of a response, or the error turned into what to check. */
  private async result<T>(what: string, request: PromiseLike<Response<T>>): Promise<T | null> {
    if (this.closed) throw new SupabaseMemoryError('the Supabase memory store is closed');
    const response = await request;
    const { error, status } = response;
    if (error) {
      throw new SupabaseMemoryError(describeSupabaseFailure(this.url, what, { error, status }), {
        status,
        code: error.code || undefined,
      });
    }
    return response.data;
  }

  async embeddingSettings(): Promise<EmbeddingSettings | null> {
    const rows = await this.result<{ embedding_model: string; embedding_dimension: number }[]>(
      'reading table autodev_memory_settings',
      this.client
        .from('autodev_memory_settings')
        .select('embedding_model,embedding_dimension')
        .eq('id', true),
    );
    const row = rows?.[0];
    return row ? { model: row.embedding_model, dimension: Number(row.embedding_dimension) } : null;
  }

  async ensureEmbeddingSettings(settings: EmbeddingSettings): Promise<void> {
    checkEmbeddingSettings(settings);
    // The table holds one row (id = true): the first writer wins, a later one reads what it wrote.
    await this.result(
      'writing table autodev_memory_settings',
      this.client
        .from('autodev_memory_settings')
        .upsert(
          { embedding_model: settings.model, embedding_dimension: settings.dimension },
          { onConflict: 'id', ignoreDuplicates: true },
        ),
    );
    assertSameEmbedding(await this.embeddingSettings(), settings);
  }

  async addMemories(inputs: readonly MemoryInput[]): Promise<StoredMemory[]> {
    const stored: StoredMemory[] = [];
    for (const batch of memoryInsertBatches(inputs, INSERT_BATCH)) {
      const rows = await this.result<MemoryRow[]>(
        'inserting into table autodev_memories',
        this.client.from('autodev_memories').insert(batch).select(MEMORY_COLUMNS),
      );
      // Identity ids follow the order of the batch; the response order is not promised.
      stored.push(...(rows ?? []).map(toMemory).sort((a, b) => Number(a.id) - Number(b.id)));
    }
    return stored;
  }

  async searchMemories(query: MemoryQuery): Promise<MemoryMatch[]> {
    checkRepo(query.repo);
    const kinds = checkKinds(query.kinds);
    const embedding = vectorLiteral(query.embedding, 'the query embedding');
    if (!(query.k > 0)) return [];
    const rows = await this.result<MemoryRow[]>(
      'calling function match_memories(query_embedding, match_repo, match_kinds, match_count)',
      this.client.rpc('match_memories', {
        query_embedding: embedding,
        match_repo: query.repo,
        match_kinds: kinds,
        match_count: Math.floor(query.k),
      }),
    );
    return (rows ?? []).map((row) => ({ ...toMemory(row), similarity: Number(row.similarity) }));
  }

  async listMemories(filter: {
    repo: string;
    kinds?: readonly MemoryKind[];
    limit?: number;
  }): Promise<StoredMemory[]> {
    checkRepo(filter.repo);
    const kinds = checkKinds(filter.kinds);
    let request = this.client.from('autodev_memories').select(MEMORY_COLUMNS).eq('repo', filter.repo);
    if (kinds.length > 0) request = request.in('kind', kinds);
    const rows = await this.result<MemoryRow[]>(
      'reading table autodev_memories',
      request
        .order('created_at', { ascending: false })
        .order('id', { ascending: false })
        .limit(filter.limit ?? DEFAULT_LIMIT),
    );
    return (rows ?? []).map(toMemory);
  }

  async deleteMemoriesBySource(repo: string, source: string): Promise<number> {
    checkRepo(repo);
    const rows = await this.result<{ id: number }[]>(
      'deleting from table autodev_memories',
      this.client
        .from('autodev_memories')
        .delete()
        .eq('repo', repo)
        .eq('metadata->>source', source)
        .select('id'),
    );
    return rows?.length ?? 0;
  }

  async recordOutcome(outcome: OutcomeInput): Promise<void> {
    checkOutcome(outcome);
    const row = {
      repo: outcome.repo,
      run_id: outcome.runId,
      task_id: outcome.taskId ?? null,
      scope: outcome.scope,
      task_kind: outcome.taskKind,
      success: outcome.success,
      failure_class: outcome.failureClass ?? null,
      backend: outcome.backend ?? null,
      model: outcome.model ?? null,
      strategy: outcome.strategy ?? null,
      duration_ms: Math.round(outcome.durationMs),
      tokens: Math.round(outcome.tokens),
      cost_usd: outcome.costUsd,
      // Left out, the column's default (the database's now()) applies.
      ...(outcome.at === undefined ? {} : { at: new Date(outcome.at).toISOString() }),
    };
    await this.result(
      'inserting into table autodev_outcomes',
      this.client.from('autodev_outcomes').insert(row),
    );
  }

  async listOutcomes(filter: { repo?: string; runId?: string; limit?: number }): Promise<Outcome[]> {
    let request = this.client.from('autodev_outcomes').select('*');
    if (filter.repo !== undefined) request = request.eq('repo', filter.repo);
    if (filter.runId !== undefined) request = request.eq('run_id', filter.runId);
    const rows = await this.result<OutcomeRow[]>(
      'reading table autodev_outcomes',
      request
        .order('at', { ascending: false })
        .order('id', { ascending: false })
        .limit(filter.limit ?? DEFAULT_LIMIT),
    );
    return (rows ?? []).map(toOutcome);
  }

  async outcomeStats(query: OutcomeStatsQuery): Promise<ArmStats[]> {
    const rows = await this.result<ArmRow[]>(
      'calling function autodev_outcome_stats(p_by, p_repo, p_task_kind)',
      this.client.rpc('autodev_outcome_stats', {
        p_by: query.by,
        p_repo: query.repo ?? null,
        p_task_kind: query.taskKind ?? null,
      }),
    );
    return (rows ?? []).map((row) => ({
      arm: row.arm,
      successes: Number(row.successes),
      failures: Number(row.failures),
      meanDurationMs: Number(row.mean_duration_ms),
    }));
  }

  async appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    const { fields, payload } = auditEventFields(event);
    const row = await this.result<AuditRow>(
      'calling function autodev_append_audit(p_repo, p_run_id, p_actor, p_action, p_detail, p_at, p_payload)',
      this.client.rpc('autodev_append_audit', {
        p_repo: fields.repo,
        p_run_id: fields.runId,
        p_actor: fields.actor,
        p_action: fields.action,
        p_detail: fields.detail,
        p_at: fields.at,
        p_payload: payload,
      }),
    );
    if (!row || typeof row !== 'object' || row.seq === null || row.seq === undefined) {
      throw new SupabaseMemoryError(
        `autodev_append_audit on ${this.url} returned no event row; the function does not match this autodev's ` +
          'migrations: run `supabase db push`',
      );
    }
    return toAuditEvent(row);
  }

  async listAudit(filter: { repo?: string; afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    let request = this.client.from('autodev_audit_events').select('*');
    if (filter.repo !== undefined) request = request.eq('repo', filter.repo);
    if (filter.afterSeq !== undefined) request = request.gt('seq', filter.afterSeq);
    const rows = await this.result<AuditRow[]>(
      'reading table autodev_audit_events',
      request.order('seq', { ascending: true }).limit(filter.limit ?? DEFAULT_AUDIT_LIMIT),
    );
    return (rows ?? []).map(toAuditEvent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The store opens no realtime channels; disconnecting a socket that never connected would wait
    // for realtime's 10 s timeout and hold the process open that long.
    if (this.client.getChannels().length > 0) await this.client.removeAllChannels();
  }
}
