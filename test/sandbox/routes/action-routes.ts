/**
 * GitHub Actions: dispatching a workflow records the inputs and creates a queued run; runs move on only
 * when the sandbox says so (startWorkflowRun / completeWorkflowRun), standing in for a runner.
 */
import { resolveCommit } from '../git-store.js';
import { nextId } from '../simulator-state.js';
import type {
  RepositoryRecord,
  RunConclusion,
  SimulatorState,
  WorkflowRecord,
  WorkflowRunRecord,
} from '../simulator-state.js';
import { renderJob, renderWorkflowRun } from '../shapes/action-shapes.js';
import { repositoryApiUrl, repositoryHtmlUrl } from '../shapes/repository-shape.js';
import { listPage, noContent, notFound, ok, unprocessable, withRepository } from './route-handler.js';
import type { RouteRequest, RouteResponse, RouteTable } from './route-handler.js';

/** By numeric id, file name (`ci.yml`) or full path, as GitHub accepts. */
function findWorkflow(repo: RepositoryRecord, key: string): WorkflowRecord | undefined {
  return repo.workflows.find(
    (workflow) =>
      String(workflow.id) === key || workflow.path === key || workflow.path.split('/').pop() === key,
  );
}

function workflowOf(repo: RepositoryRecord, run: WorkflowRunRecord): WorkflowRecord | undefined {
  return repo.workflows.find((workflow) => workflow.id === run.workflowId);
}

function findRun(state: SimulatorState, id: number): [RepositoryRecord, WorkflowRunRecord] | undefined {
  for (const repo of state.repositories) {
    const run = repo.workflowRuns.find((candidate) => candidate.id === id);
    if (run) return [repo, run];
  }
  return undefined;
}

export function startWorkflowRun(
  state: SimulatorState,
  id: number,
  now: string,
): WorkflowRunRecord | undefined {
  const run = findRun(state, id)?.[1];
  if (!run || run.status === 'completed') return run;
  run.status = 'in_progress';
  run.updatedAt = now;
  for (const job of run.jobs) job.status = 'in_progress';
  return run;
}

export function completeWorkflowRun(
  state: SimulatorState,
  id: number,
  conclusion: RunConclusion,
  now: string,
): WorkflowRunRecord | undefined {
  const run = findRun(state, id)?.[1];
  if (!run) return undefined;
  Object.assign(run, { status: 'completed', conclusion, updatedAt: now });
  for (const job of run.jobs) Object.assign(job, { status: 'completed', conclusion, completedAt: now });
  return run;
}

function dispatch(request: RouteRequest, repo: RepositoryRecord): RouteResponse {
  const workflow = findWorkflow(repo, request.params.workflow_id ?? '');
  if (!workflow) return notFound();
  const body = request.body as {
    ref: string;
    inputs?: Record<string, unknown>;
    return_run_details?: boolean;
  };
  const branch = body.ref.replace(/^refs\/(heads|tags)\//, '');
  const headSha = resolveCommit(repo, body.ref);
  if (!headSha) return unprocessable(`No ref found for: ${body.ref}`);
  const run: WorkflowRunRecord = {
    id: nextId(request.state),
    workflowId: workflow.id,
    runNumber: repo.workflowRuns.filter((candidate) => candidate.workflowId === workflow.id).length + 1,
    event: 'workflow_dispatch',
    status: 'queued',
    conclusion: null,
    headBranch: branch,
    headSha,
    actor: request.actor,
    inputs: body.inputs ?? {},
    jobs: [],
    createdAt: request.now,
    updatedAt: request.now,
  };
  run.jobs.push({
    id: nextId(request.state),
    name: workflow.name,
    status: 'queued',
    conclusion: null,
    startedAt: request.now,
    completedAt: null,
  });
  repo.workflowRuns.push(run);
  repo.dispatches.push({
    workflowId: workflow.id,
    ref: body.ref,
    inputs: run.inputs,
    runId: run.id,
    actor: request.actor,
    at: request.now,
  });
  if (!body.return_run_details) return noContent();
  return ok({
    workflow_run_id: run.id,
    run_url: `${repositoryApiUrl(request, repo)}/actions/runs/${run.id}`,
    html_url: `${repositoryHtmlUrl(request, repo)}/actions/runs/${run.id}`,
  });
}

function listRuns(request: RouteRequest, repo: RepositoryRecord, runs: WorkflowRunRecord[]): RouteResponse {
  const { actor, branch, event, status, head_sha: headSha } = request.query;
  const matching = runs
    .filter((run) => !actor || run.actor === actor)
    .filter((run) => !branch || run.headBranch === branch)
    .filter((run) => !event || run.event === event)
    .filter((run) => !status || run.status === status || run.conclusion === status)
    .filter((run) => !headSha || run.headSha === headSha)
    .sort((a, b) => b.id - a.id);
  const page = listPage(request, matching, (run) =>
    renderWorkflowRun(request, repo, run, workflowOf(repo, run)),
  );
  return { ...page, body: { total_count: matching.length, workflow_runs: page.body } };
}

export const actionRoutes: RouteTable = {
  'actions/create-workflow-dispatch': withRepository(dispatch),

  'actions/list-workflow-runs-for-repo': withRepository((request, repo) =>
    listRuns(request, repo, repo.workflowRuns),
  ),

  'actions/list-workflow-runs': withRepository((request, repo) => {
    const workflow = findWorkflow(repo, request.params.workflow_id ?? '');
    if (!workflow) return notFound();
    return listRuns(
      request,
      repo,
      repo.workflowRuns.filter((run) => run.workflowId === workflow.id),
    );
  }),

  'actions/get-workflow-run': withRepository((request, repo) => {
    const run = repo.workflowRuns.find((candidate) => candidate.id === Number(request.params.run_id));
    return run ? ok(renderWorkflowRun(request, repo, run, workflowOf(repo, run))) : notFound();
  }),

  'actions/download-job-logs-for-workflow-run': withRepository((request, repo) => {
    const jobId = Number(request.params.job_id);
    const found = repo.workflowRuns.some((run) => run.jobs.some((job) => job.id === jobId));
    if (!found) return notFound();
    // GitHub redirects to a short-lived URL outside the API; the client follows it without the token.
    return { status: 302, headers: { location: `${request.baseUrl}/_sandbox/job-logs/${jobId}` } };
  }),

  'actions/list-jobs-for-workflow-run': withRepository((request, repo) => {
    const run = repo.workflowRuns.find((candidate) => candidate.id === Number(request.params.run_id));
    if (!run) return notFound();
    const page = listPage(request, run.jobs, (job) =>
      renderJob(request, repo, run, job, workflowOf(repo, run)),
    );
    return { ...page, body: { total_count: run.jobs.length, jobs: page.body } };
  }),
};
