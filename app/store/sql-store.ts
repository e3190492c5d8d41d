/** The Store over SQL: the same statements serve PGlite, Postgres and Supabase. */
import type { RepoRef, Run } from '../runs/run.js';
import { GroupCommit } from './group-commit.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';
import { toDelivery, toRun, type DeliveryJson, type RunJson, type TaskJson } from './sql-rows.js';
import {
  RunNotFoundError,
  StaleRunError,
  type Delivery,
  type DeliveryInput,
  type DeliveryStatus,
  type RunFilter,
  type Store,
} from './store.js';

/** A worker silent this long is presumed dead and its delivery handed to another. */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
const DEFAULT_LIMIT = 100;

// Rows come back as jsonb so both drivers hand over the same plain JSON (numbers, ISO timestamps),
// and a run arrives with its tasks in one statement, i.e. from one snapshot.
const SELECT_RUNS = `
  select to_jsonb(r) as run,
    coalesce(
      (select jsonb_agg(to_jsonb(t) order by t.position) from autodev_tasks t where t.run_id = r.id),
      '[]'::jsonb
    ) as tasks
  from autodev_runs r`;
const NEWEST_FIRST = 'order by r.created_at desc, r.id desc';

export class SqlStore implements Store {
  constructor(private readonly client: SqlClient) {}

  /** Deliveries recorded in the same burst share one insert (see group-commit.ts). */
  private readonly deliveryWrites = new GroupCommit<DeliveryInput, boolean>((batch) =>
    this.insertDeliveries(batch),
  );

  recordDelivery(d: DeliveryInput): Promise<boolean> {
    return this.deliveryWrites.submit(d);
  }

  private async insertDeliveries(batch: DeliveryInput[]): Promise<boolean[]> {
    const params: unknown[] = [];
    const rows = batch.map((d) => {
      const at = params.length;
      params.push(d.id, d.event, d.action ?? null, d.repo, toJson(d.payload ?? null));
      return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::json)`;
    });
    const { rows: inserted } = await query<{ id: string }>(
      this.client,
      `insert into autodev_deliveries (id, event, action, repo, payload) values ${rows.join(', ')}
       on conflict (id) do nothing returning id`,
      params,
    );
    // A redelivery inside the same batch: only the first occurrence of an id counts as recorded.
    const fresh = new Set(inserted.map((r) => r.id));
    return batch.map((d) => fresh.delete(d.id));
  }

  async claimDelivery(workerId: string, options: { staleAfterMs?: number } = {}): Promise<Delivery | null> {
    // SKIP LOCKED lets concurrent claimers pass over a row another one is taking, and the locked re-check
    // drops a row that stopped qualifying meanwhile: each delivery goes to exactly one worker.
    const { rows } = await query<{ delivery: DeliveryJson }>(
      this.client,
      `update autodev_deliveries d
       set status = 'processing', attempts = d.attempts + 1, claimed_by = $1, claimed_at = now(), error = null
       where d.id = (
         select id from autodev_deliveries
         where status = 'pending'
           or (status = 'processing' and claimed_at < now() - $2::double precision * interval '1 millisecond')
         order by received_at, id
         limit 1
         for update skip locked
       )
       returning to_jsonb(d) as delivery`,
      [workerId, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS],
    );
    const row = rows[0];
    return row ? toDelivery(row.delivery) : null;
  }

  async finishDelivery(id: string, outcome: { status: 'done' | 'failed'; error?: string }): Promise<void> {
    const { rows } = await query(
      this.client,
      `update autodev_deliveries set status = $2, error = $3, finished_at = now() where id = $1 returning id`,
      [id, outcome.status, outcome.error ?? null],
    );
    if (rows.length === 0) throw new Error(`cannot finish delivery ${id}: it was never recorded`);
  }

  async countDeliveries(status: DeliveryStatus): Promise<number> {
    const { rows } = await query<{ count: number }>(
      this.client,
      'select count(*)::int as count from autodev_deliveries where status = $1',
      [status],
    );
    return rows[0]?.count ?? 0;
  }

  async createRun(run: Run): Promise<{ run: Run; created: boolean }> {
    return this.client.transaction(async (tx) => {
      // No conflict target: every unique key arbitrates, so racing inserts of the very same run (same id,
      // same delivery) also end in one row rather than a primary-key error.
      const inserted = await query(
        tx,
        `insert into autodev_runs (id, repo_owner, repo_name, issue_number, delivery_id, trigger, state, reason,
           plan, comment_id, tokens, cost_usd, version, created_at, updated_at, finished_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16)
         on conflict do nothing returning id`,
        [
          run.id,
          run.repo.owner,
          run.repo.repo,
          run.issueNumber,
          run.deliveryId,
          toJson(run.trigger),
          run.state,
          run.reason ?? null,
          run.plan ? toJson(run.plan) : null,
          run.commentId ?? null,
          run.tokens,
          run.costUsd,
          run.version,
          run.createdAt,
          run.updatedAt,
          run.finishedAt ?? null,
        ],
      );
      const created = inserted.rows.length === 1;
      if (created) await insertTasks(tx, run);
      const [stored] = await selectRuns(tx, 'where r.delivery_id = $1', [run.deliveryId]);
      if (stored) return { run: stored, created };
      // The insert lost to the one-active-run-per-issue index: hand back the run that holds the issue.
      const [active] = await selectRuns(
        tx,
        `where r.repo_owner = $1 and r.repo_name = $2 and r.issue_number = $3
           and r.state not in ('succeeded', 'failed', 'cancelled')`,
        [run.repo.owner, run.repo.repo, run.issueNumber],
      );
      if (active) return { run: active, created: false };
      throw new Error(`cannot create run ${run.id}: the id is taken by a run of another delivery`);
    });
  }

  async getRun(id: string): Promise<Run | null> {
    const [run] = await selectRuns(this.client, 'where r.id = $1', [id]);
    return run ?? null;
  }

  async saveRun(run: Run): Promise<Run> {
    return this.client.transaction(async (tx) => {
      const { rows } = await query<{ version: number }>(
        tx,
        `update autodev_runs set state = $3, reason = $4, plan = $5::jsonb, comment_id = $6, tokens = $7,
           cost_usd = $8, updated_at = $9, finished_at = $10, waves = $11::jsonb, pull_request = $12::jsonb,
           version = version + 1
         where id = $1 and version = $2 returning version`,
        [
          run.id,
          run.version,
          run.state,
          run.reason ?? null,
          run.plan ? toJson(run.plan) : null,
          run.commentId ?? null,
          run.tokens,
          run.costUsd,
          run.updatedAt,
          run.finishedAt ?? null,
          toJson(run.waves ?? []),
          run.pullRequest ? toJson(run.pullRequest) : null,
        ],
      );
      const saved = rows[0];
      if (!saved) {
        const current = await query<{ version: number }>(
          tx,
          'select version from autodev_runs where id = $1',
          [run.id],
        );
        const stored = current.rows[0];
        if (!stored) throw new RunNotFoundError(run.id);
        throw new StaleRunError(run.id, run.version, Number(stored.version));
      }
      await query(tx, 'delete from autodev_tasks where run_id = $1', [run.id]);
      await insertTasks(tx, run);
      return { ...structuredClone(run), version: Number(saved.version) };
    });
  }

  async latestRunForIssue(repo: RepoRef, issueNumber: number): Promise<Run | null> {
    const [run] = await selectRuns(
      this.client,
      `where r.repo_owner = $1 and r.repo_name = $2 and r.issue_number = $3 ${NEWEST_FIRST} limit 1`,
      [repo.owner, repo.repo, issueNumber],
    );
    return run ?? null;
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
    if (filter.states?.length === 0) return [];
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.states)
      where.push(`r.state in (${filter.states.map((s) => `$${params.push(s)}`).join(', ')})`);
    if (filter.repo) {
      where.push(
        `r.repo_owner = $${params.push(filter.repo.owner)} and r.repo_name = $${params.push(filter.repo.repo)}`,
      );
    }
    const condition = where.length > 0 ? `where ${where.join(' and ')}` : '';
    return selectRuns(this.client, `${condition} ${NEWEST_FIRST} limit $${params.push(limit)}`, params);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Postgres text cannot hold NUL, which untrusted text (issue bodies, logs) may carry: one NUL must not make a delivery unrecordable. */
function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
}

function query<T = Record<string, unknown>>(
  db: SqlQueryable,
  sql: string,
  params: readonly unknown[],
): Promise<{ rows: T[] }> {
  return db.query<T>(
    sql,
    params.map((p) => (typeof p === 'string' ? withoutNul(p) : p)),
  );
}

async function selectRuns(db: SqlQueryable, rest: string, params: readonly unknown[]): Promise<Run[]> {
  const { rows } = await query<{ run: RunJson; tasks: TaskJson[] }>(db, `${SELECT_RUNS} ${rest}`, params);
  return rows.map((row) => toRun(row.run, row.tasks));
}

async function insertTasks(tx: SqlQueryable, run: Run): Promise<void> {
  if (run.tasks.length === 0) return;
  const tasks = run.tasks.map((t, position) => ({
    id: t.id,
    position,
    title: t.title,
    role: t.role,
    depends_on: t.dependsOn,
    state: t.state,
    agent: t.agent ?? null,
    backend: t.backend ?? null,
    started_at: t.startedAt ?? null,
    finished_at: t.finishedAt ?? null,
    links: t.links,
    tokens: t.tokens,
    cost_usd: t.costUsd,
    reason: t.reason ?? null,
    retries: t.retries ?? 0,
    not_before: t.notBefore ?? null,
    reassigned_to: t.reassignedTo ?? null,
  }));
  // One statement for any number of tasks, and no driver-specific encoding of text[] parameters.
  await query(
    tx,
    `insert into autodev_tasks (run_id, id, position, title, role, depends_on, state, agent, backend, started_at,
       finished_at, links, tokens, cost_usd, reason, retries, not_before, reassigned_to)
     select $1, x.id, x.position, x.title, x.role, x.depends_on, x.state, x.agent, x.backend, x.started_at,
       x.finished_at, x.links, x.tokens, x.cost_usd, x.reason, x.retries, x.not_before, x.reassigned_to
     from jsonb_to_recordset($2::jsonb) as x(id text, position integer, title text, role text, depends_on text[],
       state text, agent text, backend text, started_at timestamptz, finished_at timestamptz, links jsonb,
       tokens bigint, cost_usd numeric, reason text, retries integer, not_before timestamptz, reassigned_to text)`,
    [run.id, toJson(tasks)],
  );
}
