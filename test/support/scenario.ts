/**
 * Arranging what people do on GitHub before the webhook about it arrives: an issue opened or a
 * comment written by a given user, recorded in the simulator's state exactly where GitHub would
 * keep it, so the app's follow-up calls (reactions, comments) find real objects.
 */
import type { GitHubSimulator } from '../sandbox/github-simulator.js';
import {
  type CommentRecord,
  ensureLabel,
  ensureUser,
  findRepository,
  type IssueRecord,
  nextId,
  type RepositoryRecord,
  timestamp,
} from '../sandbox/simulator-state.js';
import type { Target } from './event-payloads.js';

function repository(github: GitHubSimulator, target: Target): RepositoryRecord {
  const repo = findRepository(github.state(), target.owner, target.repo);
  if (!repo) throw new Error(`the simulator has no repository ${target.owner}/${target.repo}`);
  return repo;
}

export function openIssueAs(
  github: GitHubSimulator,
  target: Target,
  author: string,
  fields: { title: string; body?: string; labels?: string[] },
): IssueRecord {
  const state = github.state();
  const repo = repository(github, target);
  ensureUser(state, author);
  const now = timestamp();
  const issue: IssueRecord = {
    id: nextId(state),
    number: repo.nextNumber++,
    title: fields.title,
    body: fields.body ?? null,
    user: author,
    state: 'open',
    stateReason: null,
    labels: fields.labels ?? [],
    isPullRequest: false,
    reactions: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  for (const label of issue.labels) ensureLabel(state, repo, label);
  repo.issues.push(issue);
  return issue;
}

export function commentAs(
  github: GitHubSimulator,
  target: Target,
  issueNumber: number,
  author: string,
  body: string,
): CommentRecord {
  const state = github.state();
  const repo = repository(github, target);
  if (!repo.issues.some((i) => i.number === issueNumber)) {
    throw new Error(`${target.owner}/${target.repo} has no issue #${issueNumber}`);
  }
  ensureUser(state, author);
  const now = timestamp();
  const comment: CommentRecord = {
    id: nextId(state),
    issueNumber,
    body,
    user: author,
    reactions: [],
    createdAt: now,
    updatedAt: now,
  };
  repo.comments.push(comment);
  return comment;
}

export function commentsOn(github: GitHubSimulator, target: Target, issueNumber: number): CommentRecord[] {
  return repository(github, target).comments.filter((c) => c.issueNumber === issueNumber);
}

export function issueRecord(github: GitHubSimulator, target: Target, issueNumber: number): IssueRecord {
  const issue = repository(github, target).issues.find((i) => i.number === issueNumber);
  if (!issue) throw new Error(`no issue #${issueNumber}`);
  return issue;
}

/** Plays the Actions runner: the workflow run's jobs end as given and the run completes. */
export function finishWorkflowRun(
  github: GitHubSimulator,
  target: Target,
  runId: number,
  jobs: { name: string; conclusion: 'success' | 'failure' | 'cancelled' | 'timed_out' }[],
): void {
  const state = github.state();
  const run = repository(github, target).workflowRuns.find((r) => r.id === runId);
  if (!run) throw new Error(`no workflow run ${runId} in ${target.owner}/${target.repo}`);
  const now = timestamp();
  run.jobs = jobs.map((job) => ({
    id: nextId(state),
    name: job.name,
    status: 'completed',
    conclusion: job.conclusion,
    startedAt: now,
    completedAt: now,
  }));
  run.status = 'completed';
  run.conclusion = jobs.every((j) => j.conclusion === 'success') ? 'success' : 'failure';
  run.updatedAt = now;
}
