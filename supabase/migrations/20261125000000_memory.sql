-- Memory: what autodev remembers per repository (memories with embeddings), the outcomes of tasks and
-- runs that its backend choice learns from, and the hash-chained audit trail.
--
-- Idempotent like the others ("if not exists", "create or replace", guarded blocks): a database may be
-- migrated both by app/store/migrate.ts (which runs every pending file in one transaction) and by the
-- Supabase CLI.
--
-- Embedding dimension: the column is vector(384). Every embedder must produce 384 dimensions — the
-- offline default (hashed-ngram-v1) does, OpenAI's text-embedding-3-* models do when asked with
-- `dimensions: 384`, and other providers need a 384-dimensional model. autodev_memory_settings records
-- which embedder filled the table; the store refuses (EmbeddingMismatchError) to mix in another.

-- pgvector: Supabase ships it (Database → Extensions); PGlite loads @electric-sql/pglite-pgvector.
do $$
begin
  if not exists (select 1 from pg_available_extensions where name = 'vector') then
    raise exception 'the pgvector extension is not installed on this Postgres server; install pgvector '
      '(https://github.com/pgvector/pgvector), use Supabase, or leave DATABASE_URL unset to use the '
      'embedded database, which has it';
  end if;
end $$;
create extension if not exists vector;

create table if not exists autodev_memories (
  -- An identity, not a uuid: it breaks ties between memories written in one transaction (same created_at).
  id bigint generated always as identity primary key,
  repo text not null, -- "owner/name"
  kind text not null check (kind in (
    'architecture', 'decision', 'pattern', 'learning', 'failure', 'success', 'convention', 'dependency'
  )),
  content text not null,
  metadata jsonb not null default '{}'::jsonb,
  embedding vector(384) not null,
  created_at timestamptz not null default now()
);

-- Nearest-neighbour search by cosine distance (match_memories orders by <=>).
create index if not exists autodev_memories_embedding_idx
  on autodev_memories using hnsw (embedding vector_cosine_ops);
-- Listing a repo's memories of some kinds, newest first.
create index if not exists autodev_memories_repo_kind_idx
  on autodev_memories (repo, kind, created_at desc);
-- Re-ingesting a changed convention file deletes the memories taken from it.
create index if not exists autodev_memories_source_idx
  on autodev_memories (repo, (metadata ->> 'source'));

-- One row: the embedder whose vectors fill autodev_memories.
create table if not exists autodev_memory_settings (
  id boolean primary key default true check (id),
  embedding_model text not null,
  embedding_dimension integer not null check (embedding_dimension > 0),
  created_at timestamptz not null default now()
);

-- The outcome of every task and run: what the backend / model / strategy choice learns from.
create table if not exists autodev_outcomes (
  id bigint generated always as identity primary key,
  repo text not null,
  run_id text not null,
  task_id text, -- null for a run's own outcome
  scope text not null check (scope in ('task', 'run')),
  task_kind text not null, -- the task's role ("coder", "tester", …) or "run"
  success boolean not null,
  failure_class text,
  backend text,
  model text,
  strategy text,
  duration_ms bigint not null check (duration_ms >= 0),
  tokens bigint not null default 0 check (tokens >= 0),
  cost_usd numeric not null default 0 check (cost_usd >= 0),
  at timestamptz not null default now()
);

create index if not exists autodev_outcomes_repo_kind_idx on autodev_outcomes (repo, task_kind, at desc);
create index if not exists autodev_outcomes_run_idx on autodev_outcomes (run_id, at);

-- Agent statistics for dashboards: success counts, durations and spend per repo, kind of task, backend
-- and model. security_invoker: readers see only the outcome rows their own policies let them read.
create or replace view autodev_agent_stats with (security_invoker = true) as
  select repo, task_kind, backend, model,
    count(*) filter (where success) as successes,
    count(*) filter (where not success) as failures,
    avg(duration_ms)::double precision as mean_duration_ms,
    sum(tokens) as tokens,
    sum(cost_usd) as cost_usd,
    max(at) as last_at
  from autodev_outcomes
  group by repo, task_kind, backend, model;

-- Success counts per arm (a backend, model or strategy) for the bandit; rows without the arm are left out.
create or replace function autodev_outcome_stats(p_by text, p_repo text default null, p_task_kind text default null)
returns table (arm text, successes bigint, failures bigint, mean_duration_ms double precision)
language plpgsql stable
as $$
begin
  if p_by is null or p_by not in ('backend', 'model', 'strategy') then
    raise exception 'outcome statistics are grouped by backend, model or strategy, not %', coalesce(p_by, 'null');
  end if;
  return query
    select a.arm,
      count(*) filter (where a.success),
      count(*) filter (where not a.success),
      avg(a.duration_ms)::double precision
    from (
      select case p_by when 'backend' then o.backend when 'model' then o.model else o.strategy end as arm,
        o.success, o.duration_ms
      from autodev_outcomes o
      where (p_repo is null or o.repo = p_repo) and (p_task_kind is null or o.task_kind = p_task_kind)
    ) a
    where a.arm is not null
    group by a.arm
    order by a.arm;
end;
$$;

-- The audit trail: every bot decision and agent action, hash-chained. `payload` is the canonical JSON of
-- (repo, runId, actor, action, detail, at) written by app/memory/audit-chain.ts, and
-- hash = sha256hex(prev_hash || '\n' || payload). seq is max + 1 taken under a lock, not a sequence:
-- a rolled-back sequence value would leave a gap that reads as a deleted row.
create table if not exists autodev_audit_events (
  seq bigint primary key,
  repo text not null,
  run_id text,
  actor text not null,
  action text not null,
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null,
  payload text not null,
  prev_hash text not null,
  hash text not null
);

create index if not exists autodev_audit_events_repo_idx on autodev_audit_events (repo, seq);

-- Appends one event to the chain. The advisory lock serialises appends (held until the caller's
-- transaction ends), so two appends never read the same last row and fork the chain.
create or replace function autodev_append_audit(
  p_repo text,
  p_run_id text,
  p_actor text,
  p_action text,
  p_detail jsonb,
  p_at timestamptz,
  p_payload text
) returns autodev_audit_events
language plpgsql
as $$
declare
  last_seq bigint;
  last_hash text;
  appended autodev_audit_events;
begin
  perform pg_advisory_xact_lock(hashtext('autodev_audit_events'));
  select seq, hash into last_seq, last_hash from autodev_audit_events order by seq desc limit 1;
  if last_seq is null then
    last_seq := 0;
    last_hash := repeat('0', 64); -- GENESIS_HASH
  end if;
  insert into autodev_audit_events (seq, repo, run_id, actor, action, detail, at, payload, prev_hash, hash)
  values (
    last_seq + 1, p_repo, p_run_id, p_actor, p_action, coalesce(p_detail, '{}'::jsonb), p_at, p_payload,
    last_hash, encode(sha256(convert_to(last_hash || E'\n' || p_payload, 'UTF8')), 'hex')
  )
  returning * into appended;
  return appended;
end;
$$;

-- Memories nearest to a query embedding within one repo, optionally of some kinds (all kinds when
-- match_kinds is null or empty); similarity is 1 - cosine distance. iterative_scan keeps the HNSW scan
-- going until match_count rows pass the filter (pgvector 0.8); ef_search widens the candidate list.
create or replace function match_memories(
  query_embedding vector(384),
  match_repo text,
  match_kinds text[] default null,
  match_count integer default 10
) returns table (
  id bigint,
  repo text,
  kind text,
  content text,
  metadata jsonb,
  created_at timestamptz,
  similarity double precision
)
language sql stable
set hnsw.iterative_scan = strict_order
set hnsw.ef_search = 100
as $$
  select m.id, m.repo, m.kind, m.content, m.metadata, m.created_at,
    1 - (m.embedding <=> query_embedding) as similarity
  from autodev_memories m
  where m.repo = match_repo
    and (match_kinds is null or cardinality(match_kinds) = 0 or m.kind = any (match_kinds))
  order by m.embedding <=> query_embedding
  limit greatest(match_count, 0);
$$;

-- Row level security on every autodev table. Supabase exposes the public schema through its REST API;
-- anon and authenticated get no policy, so they read and write nothing. The service role (the key
-- autodev's Supabase backend uses) gets policies: everything on the working tables, only reading and
-- appending on the audit trail. Supabase's service_role bypasses row level security anyway; the
-- policies state the intent and apply where the role does not (a plain Postgres, PGlite), where it is
-- created here if missing.
alter table autodev_memories enable row level security;
alter table autodev_memory_settings enable row level security;
alter table autodev_outcomes enable row level security;
alter table autodev_audit_events enable row level security;

do $$
declare
  t text;
begin
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    begin
      create role service_role nologin;
    exception when insufficient_privilege then
      raise notice 'no service_role and no right to create it: skipping its policies';
      return;
    end;
  end if;
  foreach t in array array[
    'autodev_deliveries', 'autodev_runs', 'autodev_tasks',
    'autodev_memories', 'autodev_memory_settings', 'autodev_outcomes'
  ] loop
    execute format('grant select, insert, update, delete on %I to service_role', t);
    if not exists (select 1 from pg_policies where tablename = t and policyname = 'service_role_all') then
      execute format(
        'create policy service_role_all on %I for all to service_role using (true) with check (true)', t
      );
    end if;
  end loop;
  grant select, insert on autodev_audit_events to service_role;
  if not exists (
    select 1 from pg_policies where tablename = 'autodev_audit_events' and policyname = 'service_role_read'
  ) then
    create policy service_role_read on autodev_audit_events for select to service_role using (true);
  end if;
  if not exists (
    select 1 from pg_policies where tablename = 'autodev_audit_events' and policyname = 'service_role_append'
  ) then
    create policy service_role_append on autodev_audit_events for insert to service_role with check (true);
  end if;
  grant select on autodev_agent_stats to service_role;
end $$;
