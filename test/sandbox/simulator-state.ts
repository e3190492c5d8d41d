/**
 * The simulator's whole world as plain JSON-serialisable data, and small helpers over it. Route handlers
 * mutate it; renderers turn it into GitHub's response shapes. Nothing here knows about HTTP.
 */
export type CollaboratorRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';
export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface UserRecord {
  id: number;
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

export interface TokenRecord {
  token: string;
  createdAt: string;
  expiresAt: string;
}

export interface CommitRecord {
  sha: string;
  treeSha: string;
  message: string;
  parents: string[];
  /** path → blob sha */
  files: Record<string, string>;
  author: string;
  date: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface ReactionRecord {
  id: number;
  content: ReactionContent;
  user: string;
  createdAt: string;
}

/** An issue, or the issue half of a pull request (GitHub numbers both from one sequence). */
export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'duplicate' | 'reopened' | null;
  labels: string[];
  isPullRequest: boolean;
  reactions: ReactionRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  reactions: ReactionRecord[];
  createdAt: string;
  updatedAt: string;
}

export interface PullRecord {
  id: number;
  number: number;
  head: string;
  /** Last known head commit, kept when the head branch is deleted. */
  headSha: string;
  base: string;
  draft: boolean;
  maintainerCanModify: boolean;
  /** For a pull request from a fork: the fork (a repository of the simulator) holding `head`. */
  headRepository?: { owner: string; name: string };
}

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: string;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING';
  commitId: string;
  comments: unknown[];
  submittedAt: string | null;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number };
}

export interface WorkflowRecord {
  id: number;
  path: string;
  name: string;
  createdAt: string;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral';

export interface JobRecord {
  id: number;
  name: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  startedAt: string;
  completedAt: string | null;
  /** The job's log as the runner wrote it (served behind the log download's redirect). */
  log?: string;
}

export interface WorkflowRunRecord {
  id: number;
  workflowId: number;
  runNumber: number;
  event: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  headBranch: string;
  headSha: string;
  actor: string;
  inputs: Record<string, unknown>;
  jobs: JobRecord[];
  createdAt: string;
  updatedAt: string;
}

export interface DispatchRecord {
  workflowId: number;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
  actor: string;
  at: string;
}

export interface RepositoryRecord {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
  collaborators: Record<string, CollaboratorRole>;
  /** Full ref name (refs/heads/main) → commit sha. */
  refs: Record<string, string>;
  commits: Record<string, CommitRecord>;
  /** blob sha → text */
  blobs: Record<string, string>;
  labels: LabelRecord[];
  issues: IssueRecord[];
  comments: CommentRecord[];
  pulls: PullRecord[];
  reviews: ReviewRecord[];
  checkRuns: CheckRunRecord[];
  workflows: WorkflowRecord[];
  workflowRuns: WorkflowRunRecord[];
  dispatches: DispatchRecord[];
  nextNumber: number;
}

export interface SimulatorState {
  app: { id: number; slug: string; name: string };
  installationId: number;
  createdAt: string;
  nextId: number;
  users: UserRecord[];
  tokens: TokenRecord[];
  repositories: RepositoryRecord[];
}

/** GitHub's timestamps carry whole seconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nextId(state: SimulatorState): number {
  state.nextId += 1;
  return state.nextId;
}

export function botLogin(state: SimulatorState): string {
  return `${state.app.slug}[bot]`;
}

export function findUser(state: SimulatorState, login: string): UserRecord | undefined {
  const wanted = login.toLowerCase();
  return state.users.find((user) => user.login.toLowerCase() === wanted);
}

/** The user for a login, created on first sight so authors outside the seed still render. */
export function ensureUser(
  state: SimulatorState,
  login: string,
  type: UserRecord['type'] = 'User',
): UserRecord {
  const existing = findUser(state, login);
  if (existing) return existing;
  const user: UserRecord = { id: nextId(state), login, type: login.endsWith('[bot]') ? 'Bot' : type };
  state.users.push(user);
  return user;
}

export function findRepository(
  state: SimulatorState,
  owner: string,
  name: string,
): RepositoryRecord | undefined {
  const [o, n] = [owner.toLowerCase(), name.toLowerCase()];
  return state.repositories.find((repo) => repo.owner.toLowerCase() === o && repo.name.toLowerCase() === n);
}

/** The repository label with this name, created with GitHub's default colour if missing (as GitHub does). */
export function ensureLabel(state: SimulatorState, repo: RepositoryRecord, name: string): LabelRecord {
  const existing = repo.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
  if (existing) return existing;
  const label: LabelRecord = { id: nextId(state), name, color: 'ededed', description: null };
  repo.labels.push(label);
  return label;
}
