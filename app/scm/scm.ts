/**
 * Scm: everything autodev asks of the code host, in domain verbs. GitHubScm implements it over
 * octokit; later a local implementation works on a git repository. Errors come out as ScmError.
 */
import type { RepoRef } from '../runs/run.js';

export const PERMISSION_LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface Scm {
  /** The person's effective permission on the repository ('none' when not a collaborator). */
  getPermission(repo: RepoRef, login: string): Promise<PermissionLevel>;
  /** Text of a file on a ref (default branch when ref is omitted); null when it does not exist. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null>;
  reactToComment(repo: RepoRef, commentId: number, reaction: Reaction): Promise<void>;
  reactToIssue(repo: RepoRef, issueNumber: number, reaction: Reaction): Promise<void>;
  createComment(repo: RepoRef, issueNumber: number, body: string): Promise<{ id: number; url: string }>;
  updateComment(repo: RepoRef, commentId: number, body: string): Promise<void>;
  /** Comments on an issue or PR (used to find a progress comment by its hidden marker). */
  listComments(repo: RepoRef, issueNumber: number): Promise<{ id: number; body: string; author: string }[]>;
  /** The repository's default branch name. */
  defaultBranch(repo: RepoRef): Promise<string>;
  /** A file's text and blob sha on a branch; null when the file (or the branch) does not exist. */
  readFileWithSha(repo: RepoRef, path: string, ref: string): Promise<{ text: string; sha: string } | null>;
  /**
   * Creates or replaces a file on a branch with one commit. `expectedSha` is the blob sha the caller
   * read (null: the file must not exist yet); a different current file raises ScmError 'conflict'.
   */
  writeFile(
    repo: RepoRef,
    change: { branch: string; path: string; text: string; message: string; expectedSha: string | null },
  ): Promise<{ sha: string }>;
  /** Creates `branch` at the head of `from` unless it exists. */
  ensureBranch(repo: RepoRef, branch: string, from: string): Promise<void>;
  /**
   * Starts a workflow_dispatch run of a workflow file on a ref; returns the workflow run's id and
   * web URL (GitHub's return_run_details).
   */
  dispatchWorkflow(
    repo: RepoRef,
    workflow: string,
    ref: string,
    inputs: Record<string, string>,
  ): Promise<{ runId: number; url: string }>;
  /** The jobs of a workflow run (one per matrix entry), with how each ended. */
  listWorkflowJobs(repo: RepoRef, runId: number): Promise<WorkflowJob[]>;
  /** Starts a check run on a commit (GitHub Apps and GITHUB_TOKEN with `checks: write` only). */
  createCheckRun(repo: RepoRef, check: NewCheckRun): Promise<{ id: number; url: string }>;
  /** Changes a check run; giving a conclusion completes it. */
  updateCheckRun(repo: RepoRef, checkRunId: number, update: CheckRunUpdate): Promise<void>;
}

/**
 * What a code host with pull requests adds: the verbs that turn a run's integration branch into one
 * reviewed pull request and clean up after it. Kept apart from Scm because a local repository has no
 * pull requests; finishing checks for them with hasPullRequests.
 */
export interface PullRequestScm {
  /** The open pull request from `head` (a branch of this repository) into `base`, if there is one. */
  findPullRequest(repo: RepoRef, head: string, base: string): Promise<PullRequestRef | null>;
  /** Opens a pull request; ScmError 'invalid' when one is open for the head already or there is no change. */
  createPullRequest(repo: RepoRef, pr: NewPullRequest): Promise<PullRequestRef>;
  /** Changes title or body. The draft state cannot change here: GitHub allows that only over GraphQL. */
  updatePullRequest(repo: RepoRef, number: number, update: { title?: string; body?: string }): Promise<void>;
  /** The changed files with their unified-diff patches (absent for binary or very large files). */
  listPullRequestFiles(repo: RepoRef, number: number): Promise<PullRequestFile[]>;
  createReview(repo: RepoRef, number: number, review: NewReview): Promise<{ id: number; url: string }>;
  /** The commit a branch points at; null when there is no such branch. */
  branchSha(repo: RepoRef, branch: string): Promise<string | null>;
  /** Deletes a branch; one that is already gone is not an error. */
  deleteBranch(repo: RepoRef, branch: string): Promise<void>;
}

export function hasPullRequests(scm: Scm): scm is Scm & PullRequestScm {
  const candidate = scm as Partial<PullRequestScm>;
  return typeof candidate.findPullRequest === 'function' && typeof candidate.createReview === 'function';
}

export interface PullRequestRef {
  number: number;
  url: string;
  draft: boolean;
  headSha: string;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface PullRequestFile {
  path: string;
  status: string;
  /** The hunks of the change, as GitHub gives them (no `diff --git` header). */
  patch?: string;
  previousPath?: string;
}

export type ReviewEvent = 'COMMENT' | 'REQUEST_CHANGES' | 'APPROVE';

export interface NewReview {
  body: string;
  event: ReviewEvent;
  /** On lines of the new version that appear in the diff. */
  comments: { path: string; line: number; body: string }[];
  /** The head the review is about; the comments' lines refer to it. */
  commitId?: string;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** Markdown shown on the check run's page; GitHub caps summary and text at 65,535 characters each. */
export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface NewCheckRun {
  name: string;
  headSha: string;
  status?: Exclude<CheckStatus, 'completed'>;
  externalId?: string;
  detailsUrl?: string;
  output?: CheckRunOutput;
}

export interface CheckRunUpdate {
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  output?: CheckRunOutput;
  detailsUrl?: string;
}

export interface WorkflowJob {
  /** GitHub's job id (for its log); absent where the host has none. */
  id?: number;
  name: string;
  status: string;
  /** success, failure, cancelled, skipped, timed_out … ; null while it runs. */
  conclusion: string | null;
  url: string;
}

/**
 * What healing CI asks of a code host with Actions, issues and pull requests: the runs of a commit,
 * the logs of their failed jobs, the pull request a command is about, and labelled issues that track
 * failures. Kept apart from Scm like PullRequestScm; check with hasCi.
 */
export interface CiScm {
  /** Workflow runs, newest first (at most `limit`, default 100). */
  listWorkflowRuns(repo: RepoRef, filter: WorkflowRunFilter): Promise<WorkflowRunSummary[]>;
  getWorkflowRun(repo: RepoRef, runId: number): Promise<WorkflowRunSummary>;
  /** A job's whole log as text (GitHub answers with a redirect to it, which is followed). */
  downloadJobLog(repo: RepoRef, jobId: number): Promise<string>;
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestDetails>;
  /** Issues (never pull requests) carrying `label`, newest first. */
  listIssuesByLabel(repo: RepoRef, label: string, state: 'open' | 'all'): Promise<IssueSummary[]>;
  /** Opens an issue; labels that do not exist yet are created by the host. */
  createIssue(repo: RepoRef, issue: NewIssue): Promise<{ number: number; url: string }>;
  updateIssue(repo: RepoRef, number: number, update: IssueUpdate): Promise<void>;
}

export function hasCi(scm: Scm): scm is Scm & CiScm {
  const candidate = scm as Partial<CiScm>;
  return typeof candidate.listWorkflowRuns === 'function' && typeof candidate.downloadJobLog === 'function';
}

export interface WorkflowRunFilter {
  branch?: string;
  headSha?: string;
  /** e.g. push, pull_request */
  event?: string;
  /** A status (queued, in_progress, completed) or a conclusion (failure, success …), as GitHub filters. */
  status?: string;
  limit?: number;
}

export interface WorkflowRunSummary {
  id: number;
  /** The workflow's name ('' when GitHub gives none). */
  name: string;
  /** e.g. .github/workflows/ci.yml */
  path: string;
  event: string;
  status: string;
  conclusion: string | null;
  headBranch: string;
  headSha: string;
  url: string;
  runNumber: number;
  runAttempt: number;
  createdAt: string;
}

export interface PullRequestDetails {
  number: number;
  url: string;
  state: 'open' | 'closed';
  headRef: string;
  headSha: string;
  /** owner/name of the head repository; differs from the base for a fork, null when the fork is gone. */
  headRepo: string | null;
  baseRef: string;
}

export interface IssueSummary {
  number: number;
  title: string;
  body: string;
  url: string;
  state: 'open' | 'closed';
  labels: string[];
}

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

export interface IssueUpdate {
  body?: string;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened';
}

export type ScmErrorKind =
  'not-found' | 'forbidden' | 'rate-limited' | 'unavailable' | 'invalid' | 'conflict' | 'unknown';

export class ScmError extends Error {
  constructor(
    readonly kind: ScmErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScmError';
  }
}
