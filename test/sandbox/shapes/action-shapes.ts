/**
 * Workflow runs, jobs and check runs as GitHub renders them.
 */
import type {
  CheckRunRecord,
  JobRecord,
  RepositoryRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from '../simulator-state.js';
import { renderApp } from './app-shapes.js';
import { renderRepository, repositoryApiUrl, repositoryHtmlUrl } from './repository-shape.js';
import { nodeId, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

export function renderWorkflowRun(
  context: ShapeContext,
  repo: RepositoryRecord,
  run: WorkflowRunRecord,
  workflow: WorkflowRecord | undefined,
) {
  const api = `${repositoryApiUrl(context, repo)}/actions/runs/${run.id}`;
  const commit = repo.commits[run.headSha];
  const author = commit ? { name: commit.author, email: `${commit.author}@users.noreply.github.com` } : null;
  const repository = renderRepository(context, repo);
  return {
    id: run.id,
    name: workflow?.name ?? null,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? '',
    display_title: workflow?.name ?? run.headBranch,
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: api,
    html_url: `${repositoryHtmlUrl(context, repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor: renderUser(context, run.actor),
    triggering_actor: renderUser(context, run.actor),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repositoryApiUrl(context, repo)}/check-suites/${run.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repositoryApiUrl(context, repo)}/actions/workflows/${run.workflowId}`,
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.treeSha,
          message: commit.message,
          timestamp: commit.date,
          author,
          committer: author,
        }
      : null,
    repository,
    head_repository: repository,
  };
}

export function renderJob(
  context: ShapeContext,
  repo: RepositoryRecord,
  run: WorkflowRunRecord,
  job: JobRecord,
  workflow: WorkflowRecord | undefined,
) {
  const api = repositoryApiUrl(context, repo);
  return {
    id: job.id,
    run_id: run.id,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: 1,
    node_id: nodeId('Job', job.id),
    head_sha: run.headSha,
    head_branch: run.headBranch,
    workflow_name: workflow?.name ?? null,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${repositoryHtmlUrl(context, repo)}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: run.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: [],
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: null,
    runner_name: null,
    runner_group_id: null,
    runner_group_name: null,
  };
}

export function renderCheckRun(context: ShapeContext, repo: RepositoryRecord, check: CheckRunRecord) {
  const api = `${repositoryApiUrl(context, repo)}/check-runs/${check.id}`;
  return {
    id: check.id,
    head_sha: check.headSha,
    node_id: nodeId('CheckRun', check.id),
    external_id: check.externalId,
    url: api,
    html_url: `${repositoryHtmlUrl(context, repo)}/runs/${check.id}`,
    details_url: check.detailsUrl,
    status: check.status,
    conclusion: check.conclusion,
    started_at: check.startedAt,
    completed_at: check.completedAt,
    output: {
      title: check.output.title,
      summary: check.output.summary,
      text: check.output.text,
      annotations_count: check.output.annotationsCount,
      annotations_url: `${api}/annotations`,
    },
    name: check.name,
    check_suite: { id: check.id },
    app: renderApp(context),
    pull_requests: [],
  };
}
