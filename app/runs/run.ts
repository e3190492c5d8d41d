/** The Run and its Tasks: the unit of work autodev tracks from trigger to final comment. */
import type { Command, Complexity, Strategy } from '../commands/command.js';

export const RUN_STATES = [
  'planning',
  'awaiting-approval',
  'running',
  'integrating',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type RunState = (typeof RUN_STATES)[number];
export const FINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled'];

export const TASK_STATES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const FINAL_TASK_STATES: readonly TaskState[] = ['succeeded', 'failed', 'skipped'];

export const AGENT_ROLES = ['planner', 'coder', 'tester', 'reviewer', 'docs', 'integrator'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export interface RepoRef {
  owner: string;
  repo: string;
}

/** What started the run: an issue (its body is the spec) or a command comment. */
export interface RunTrigger {
  kind: 'issue' | 'command';
  /** Login of the person who asked. */
  actor: string;
  /** The parsed command (for kind 'issue', a parallel-dev with no arguments). */
  command: Command;
  /** The spec text the planner works from (issue body or `feature=`). */
  spec: string;
  /** Issue title, for the plan and the PR. */
  title: string;
  strategy?: Strategy;
  complexity?: Complexity;
  instances?: number;
  /** The command was written on a pull request, so the run's pull request closes no issue. */
  onPullRequest?: boolean;
}

export interface TaskLinks {
  jobLog?: string;
  branch?: string;
  pullRequest?: string;
}

export interface Task {
  id: string;
  title: string;
  role: AgentRole;
  dependsOn: string[];
  state: TaskState;
  /** Agent instance name, e.g. "coder-1". */
  agent?: string;
  /** Backend that ran it, e.g. "langchain:openai/gpt-4o-mini" or "claude-cli". */
  backend?: string;
  startedAt?: string;
  finishedAt?: string;
  links: TaskLinks;
  tokens: number;
  costUsd: number;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Automatic retries used so far (config `retries.attempts` caps them; `/retry` does not count). */
  retries?: number;
  /** A queued retry waits until this time (backoff), so no process has to sleep for it. */
  notBefore?: string;
  /** Agent backend the task was handed to after its retries ran out (config `retries.reassignTo`). */
  reassignedTo?: string;
}

/** How a plan's parallel work is shaped; the planner names one and the PRP summary shows it. */
export const PLAN_PATTERNS = ['fork-join', 'pipeline', 'map-reduce', 'scatter-gather', 'saga'] as const;
export type PlanPattern = (typeof PLAN_PATTERNS)[number];

/** What an agent is told about its task beyond the checklist line. */
export interface TaskBrief {
  description: string;
  /** Paths the task is expected to create or change. */
  files: string[];
  /** Checks that tell the task is done. */
  acceptance: string[];
  estimateMinutes: number;
  /** Best-of-N: agents that attempt the task in competition. */
  candidates: number;
}

/**
 * The plan as the run keeps it (stored as one JSON value). Everything past `strategy` comes from a
 * PRP planner and is absent for plans made without one (the outline planner, older runs).
 */
export interface PlanSummary {
  /** One-paragraph goal from the PRP. */
  goal: string;
  strategy?: Strategy;
  why?: string;
  what?: string;
  context?: string;
  acceptanceCriteria?: string[];
  /** Commands that must pass (the repo's configured gates first). */
  validationGates?: string[];
  pattern?: PlanPattern;
  waveCount?: number;
  /** Sum of the estimates along the longest dependency chain. */
  criticalPathMinutes?: number;
  /** What post-processing did and warns about: the strategy's reshaping, a plan wider than asked. */
  notes?: string[];
  /** By task id. Kept here because the task rows hold only what the checklist shows. */
  briefs?: Record<string, TaskBrief>;
  /** What earlier runs on the repository say about this plan's kinds of task (app/learning). */
  learned?: LearnedEstimate[];
}

/** How long a kind of task took here before, and how often it succeeded. */
export interface LearnedEstimate {
  /** The role, e.g. "coder". */
  kind: string;
  minutes: number;
  runs: number;
  /** 0..1. */
  successRate: number;
}

/** One wave of ready tasks sent to GitHub Actions (split over several runs past the matrix limit). */
export interface Wave {
  number: number;
  taskIds: string[];
  /** One workflow run per chunk of at most 256 tasks (GitHub's matrix limit). */
  workflowRuns: { id: number; url: string; taskIds: string[]; completedAt?: string }[];
  dispatchedAt: string;
  /** Set once every workflow run of the wave has completed. */
  completedAt?: string;
}

/** The one pull request a run opens from its integration branch. */
export interface RunPullRequest {
  number: number;
  url: string;
  draft: boolean;
  /** Head commit the reviewer agent last reviewed, so finishing again does not review it twice. */
  reviewedSha?: string;
}

export interface Run {
  id: string;
  repo: RepoRef;
  /** Issue or pull request number the run belongs to (where its progress comment lives). */
  issueNumber: number;
  /** X-GitHub-Delivery of the event that created the run; unique. */
  deliveryId: string;
  trigger: RunTrigger;
  state: RunState;
  /** Why the run is in its state: failure reason, cancel note, waiting note. */
  reason?: string;
  plan?: PlanSummary;
  tasks: Task[];
  /** Waves dispatched so far, oldest first. */
  waves?: Wave[];
  /** Progress comment id, once created. */
  commentId?: number;
  /** Set when the run finished with a pull request. */
  pullRequest?: RunPullRequest;
  tokens: number;
  costUsd: number;
  /** Optimistic-lock version, bumped on every save. */
  version: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}
