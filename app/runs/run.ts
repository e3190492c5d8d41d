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
}

export interface PlanSummary {
  /** One-paragraph goal from the PRP. */
  goal: string;
  strategy?: Strategy;
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
  /** Progress comment id, once created. */
  commentId?: number;
  tokens: number;
  costUsd: number;
  /** Optimistic-lock version, bumped on every save. */
  version: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}
