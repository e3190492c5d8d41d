-- Finishing and recovery: the pull request a run opened, and where each task stands with its retries.

-- {number, url, draft, reviewedSha}: one pull request per run, read and written with the run.
alter table autodev_runs add column if not exists pull_request jsonb;

-- Automatic retries used, the earliest time a queued retry may be dispatched (its backoff), and the
-- agent backend a task was handed to once its retries ran out.
alter table autodev_tasks add column if not exists retries integer not null default 0;
alter table autodev_tasks add column if not exists not_before timestamptz;
alter table autodev_tasks add column if not exists reassigned_to text;
