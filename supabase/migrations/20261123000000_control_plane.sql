-- Control plane: webhook deliveries (the work queue), runs and their tasks.
--
-- Applied in filename order by app/store/migrate.ts (PGlite and Postgres) and by the Supabase CLI.
-- Statements are idempotent ("if not exists") because a database may be migrated by both, each
-- keeping its own record of applied files.

create table if not exists autodev_deliveries (
  id text primary key, -- X-GitHub-Delivery: a redelivery carries the same id
  event text not null,
  action text,
  repo text not null,
  -- json, not jsonb: stored as sent after a validity check, several times cheaper to write on the
  -- webhook request path; nothing queries inside it.
  payload json not null,
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'done', 'failed')),
  attempts integer not null default 0,
  claimed_by text,
  claimed_at timestamptz,
  error text,
  received_at timestamptz not null default now(),
  finished_at timestamptz
);

-- Workers claim the oldest pending (or stale processing) delivery.
create index if not exists autodev_deliveries_status_received_idx
  on autodev_deliveries (status, received_at);

create table if not exists autodev_runs (
  id text primary key,
  repo_owner text not null,
  repo_name text not null,
  issue_number integer not null,
  delivery_id text not null unique, -- one run per delivery, whoever processes it
  trigger jsonb not null,
  state text not null
    check (state in ('planning', 'awaiting-approval', 'running', 'integrating', 'succeeded', 'failed', 'cancelled')),
  reason text,
  plan jsonb,
  comment_id bigint,
  tokens bigint not null default 0,
  cost_usd numeric not null default 0,
  version integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz
);

-- /status, /cancel, /approve, /plan look up the newest run on an issue or pull request.
create index if not exists autodev_runs_issue_idx
  on autodev_runs (repo_owner, repo_name, issue_number, created_at desc);

-- At most one unfinished run per issue or pull request. GitHub sends both issues.opened and
-- issues.labeled for an issue opened with the label; this makes the second one find the first
-- instead of starting a twin, whichever process handles it.
create unique index if not exists autodev_runs_one_active_per_issue
  on autodev_runs (repo_owner, repo_name, issue_number)
  where state not in ('succeeded', 'failed', 'cancelled');

-- Listing active runs (e.g. to resume them after a restart).
create index if not exists autodev_runs_state_idx
  on autodev_runs (state, created_at desc);

create table if not exists autodev_tasks (
  run_id text not null references autodev_runs (id) on delete cascade,
  id text not null,
  position integer not null,
  title text not null,
  role text not null,
  depends_on text[] not null default '{}',
  state text not null
    check (state in ('queued', 'running', 'succeeded', 'failed', 'skipped')),
  agent text,
  backend text,
  started_at timestamptz,
  finished_at timestamptz,
  links jsonb not null default '{}',
  tokens bigint not null default 0,
  cost_usd numeric not null default 0,
  reason text,
  primary key (run_id, id)
);

-- Supabase exposes the public schema through its REST API; with row level security on and no policies,
-- only the service role and the table owner (the control plane) can read or write these tables.
alter table autodev_deliveries enable row level security;
alter table autodev_runs enable row level security;
alter table autodev_tasks enable row level security;
