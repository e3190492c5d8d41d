-- Example data for a local Supabase (`supabase start`, `supabase db reset`), run after the migrations.
-- Nothing here is needed by autodev: a fresh database fills itself as runs happen. The rows below show
-- the shapes, are all under the made-up repository "example/seed", and are removed again by
--   delete from autodev_outcomes where repo = 'example/seed';

-- Outcomes the backend choice learns from: one success and one failure of a coder task.
insert into autodev_outcomes
  (repo, run_id, task_id, scope, task_kind, success, failure_class, backend, model, strategy,
   duration_ms, tokens, cost_usd, at)
values
  ('example/seed', 'run-seed-1', 't1', 'task', 'coder', true, null, 'langchain', 'example-model',
   'test-driven', 420000, 51000, 0.21, '2026-11-25T09:00:00Z'),
  ('example/seed', 'run-seed-1', 't2', 'task', 'coder', false, 'gate_failed', 'claude-code', 'example-model',
   'test-driven', 610000, 88000, 0.37, '2026-11-25T09:10:00Z');

-- Memories are not seeded: their embeddings must come from the embedder the store is configured with
-- (autodev_memory_settings), and the audit trail starts empty so its hash chain begins at the genesis hash.
