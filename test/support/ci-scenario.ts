/**
 * Arranging CI in the simulator the way a runner would leave it: a finished workflow run of a branch
 * with its jobs and their logs, a pull request (from a branch or a fork), and the workflow_run.completed
 * webhook GitHub sends about such a run, built from @octokit/webhooks-examples.
 */
import { createRequire } from 'node:module';
import type { GitHubSimulator } from '../sandbox/github-simulator.js';
import { branchSha, commitFiles } from '../sandbox/git-store.js';
import {
  ensureUser,
  findRepository,
  nextId,
  type RepositoryRecord,
  type RunConclusion,
  timestamp,
  type WorkflowRunRecord,
} from '../sandbox/simulator-state.js';
import type { Target } from './event-payloads.js';

type Json = Record<string, unknown>;

function repository(github: GitHubSimulator, target: Pick<Target, 'owner' | 'repo'>): RepositoryRecord {
  const repo = findRepository(github.state(), target.owner, target.repo);
  if (!repo) throw new Error(`the simulator has no repository ${target.owner}/${target.repo}`);
  return repo;
}

export interface FinishedJob {
  name: string;
  conclusion: RunConclusion;
  /** The job's log as the runner wrote it (timestamps, ##[group] / ##[error] markers). */
  log?: string;
}

/** Records a completed run of `workflowPath` on `branch` (its current head unless `headSha`), with its jobs. */
export function recordWorkflowRun(
  github: GitHubSimulator,
  target: Target,
  run: {
    workflowPath: string;
    branch?: string;
    headSha?: string;
    event?: string;
    jobs: FinishedJob[];
    status?: 'completed' | 'in_progress';
  },
): WorkflowRunRecord {
  const state = github.state();
  const repo = repository(github, target);
  const workflow = repo.workflows.find((w) => w.path === run.workflowPath);
  if (!workflow) throw new Error(`${target.owner}/${target.repo} has no workflow ${run.workflowPath}`);
  const branch = run.branch ?? repo.defaultBranch;
  const headSha = run.headSha ?? branchSha(repo, branch);
  if (!headSha) throw new Error(`${target.owner}/${target.repo} has no branch ${branch}`);
  const now = timestamp();
  const completed = (run.status ?? 'completed') === 'completed';
  const record: WorkflowRunRecord = {
    id: nextId(state),
    workflowId: workflow.id,
    runNumber: repo.workflowRuns.filter((r) => r.workflowId === workflow.id).length + 1,
    event: run.event ?? 'push',
    status: completed ? 'completed' : 'in_progress',
    conclusion: completed
      ? run.jobs.every((job) => job.conclusion === 'success' || job.conclusion === 'skipped')
        ? 'success'
        : 'failure'
      : null,
    headBranch: branch,
    headSha,
    actor: target.owner,
    inputs: {},
    jobs: run.jobs.map((job) => ({
      id: nextId(state),
      name: job.name,
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? job.conclusion : null,
      startedAt: now,
      completedAt: completed ? now : null,
      ...(job.log !== undefined ? { log: job.log } : {}),
    })),
    createdAt: now,
    updatedAt: now,
  };
  repo.workflowRuns.push(record);
  return record;
}

/** Pushes a commit to `branch` (made from the default branch when new); returns the new head sha. */
export function pushCommit(
  github: GitHubSimulator,
  target: Pick<Target, 'owner' | 'repo'>,
  branch: string,
  files: Record<string, string>,
  author = 'maintainer',
): string {
  const repo = repository(github, target);
  const base = branchSha(repo, repo.defaultBranch);
  if (!branchSha(repo, branch) && base) repo.refs[`refs/heads/${branch}`] = base;
  return commitFiles(repo, branch, files, { message: `Change ${branch}`, author, date: timestamp() }).sha;
}

/**
 * Opens a pull request from `head` as `author`; with `fork`, the branch lives in that repository (a
 * seeded one) and is pushed there.
 */
export function openPullRequestAs(
  github: GitHubSimulator,
  target: Target,
  author: string,
  pr: { title: string; head: string; files: Record<string, string>; fork?: { owner: string; repo: string } },
): { number: number; headSha: string } {
  const state = github.state();
  const repo = repository(github, target);
  ensureUser(state, author);
  const headSha = pushCommit(github, pr.fork ?? target, pr.head, pr.files, author);
  if (pr.fork) {
    // The fork's commit is reachable from the base repository too, as GitHub keeps PR heads.
    const fork = repository(github, pr.fork);
    const commit = fork.commits[headSha];
    if (commit) repo.commits[headSha] = commit;
    for (const [sha, text] of Object.entries(fork.blobs)) repo.blobs[sha] = text;
  }
  const now = timestamp();
  const number = repo.nextNumber++;
  repo.issues.push({
    id: nextId(state),
    number,
    title: pr.title,
    body: null,
    user: author,
    state: 'open',
    stateReason: null,
    labels: [],
    isPullRequest: true,
    reactions: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  });
  repo.pulls.push({
    id: nextId(state),
    number,
    head: pr.head,
    headSha,
    base: repo.defaultBranch,
    draft: false,
    maintainerCanModify: true,
    ...(pr.fork ? { headRepository: { owner: pr.fork.owner, name: pr.fork.repo } } : {}),
  });
  return { number, headSha };
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Json[];
}[];

/**
 * The workflow_run.completed webhook for a run recorded in the simulator: GitHub's example payload with
 * the run's id, workflow, branch, commit, event and conclusion, in the target repository.
 */
export function workflowRunCompletedPayload(
  github: GitHubSimulator,
  target: Target,
  run: WorkflowRunRecord,
  options: { sender?: string; headRepository?: { owner: string; repo: string } } = {},
): Json {
  const example = (examples.find((g) => g.name === 'workflow_run')?.examples ?? []).find(
    (p) => p['action'] === 'completed' && (p['workflow_run'] as Json | undefined)?.['path'],
  );
  if (!example) throw new Error('no complete workflow_run.completed example in @octokit/webhooks-examples');
  const payload = structuredClone(example);
  const repo = repository(github, target);
  const workflow = repo.workflows.find((w) => w.id === run.workflowId);
  const html = `${github.url}/${target.owner}/${target.repo}`;

  const retarget = (json: Json, owner: string, name: string) => {
    json['name'] = name;
    json['full_name'] = `${owner}/${name}`;
    json['html_url'] = `${github.url}/${owner}/${name}`;
    (json['owner'] as Json)['login'] = owner;
  };
  const repositoryJson = payload['repository'] as Json;
  retarget(repositoryJson, target.owner, target.repo);
  repositoryJson['default_branch'] = repo.defaultBranch;

  const workflowRun = payload['workflow_run'] as Json;
  retarget(workflowRun['repository'] as Json, target.owner, target.repo);
  const head = options.headRepository ?? target;
  retarget(workflowRun['head_repository'] as Json, head.owner, head.repo);
  Object.assign(workflowRun, {
    id: run.id,
    name: workflow?.name ?? '',
    path: workflow?.path ?? '',
    workflow_id: run.workflowId,
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: 'completed',
    conclusion: run.conclusion,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    html_url: `${html}/actions/runs/${run.id}`,
    display_title: workflow?.name ?? run.headBranch,
  });
  (workflowRun['head_commit'] as Json)['id'] = run.headSha;

  Object.assign(payload['workflow'] as Json, {
    id: run.workflowId,
    name: workflow?.name ?? '',
    path: workflow?.path ?? '',
  });
  const sender = payload['sender'] as Json;
  sender['login'] = options.sender ?? target.owner;
  if (target.installationId === undefined) delete payload['installation'];
  else
    payload['installation'] = {
      id: target.installationId,
      node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==',
    };
  return payload;
}
