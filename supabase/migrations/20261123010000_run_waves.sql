-- Waves of a run as dispatched to GitHub Actions: which tasks went out together and the workflow
-- runs that carry them, so a workflow_run event can be matched to its run and wave.
alter table autodev_runs add column if not exists waves jsonb not null default '[]'::jsonb;
