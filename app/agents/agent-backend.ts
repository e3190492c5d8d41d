/**
 * AgentBackend: something that carries out one task inside a Workspace — the built-in LangChain tool
 * loop, the claude / codex / aider CLIs, or a scripted backend for tests. Backends are registered by
 * name (agent-registry.ts).
 */
import type { PromptName } from '../prompts/prompt-template.js';
import type { AgentRole } from '../runs/run.js';
import type { Workspace } from '../workspace/workspace.js';

/** The task's slice of the PRP, as the agent job reads it from the plan file. */
export interface AgentTask {
  runId: string;
  taskId: string;
  issueNumber: number;
  repository: string;
  title: string;
  role: AgentRole;
  description: string;
  acceptance: string[];
  files: string[];
  /** Run-level PRP context: goal, why, acceptance criteria, validation gates. */
  goal: string;
  context?: string;
  validationGates: string[];
  /** The whole feature's acceptance criteria (the task's own are `acceptance`); defaults to those. */
  featureAcceptance?: string[];
  /** The plan's strategy (e.g. "test-driven"); the tester prompt needs it. */
  strategy?: string;
  /** What the tasks this one depends on reported when they finished. */
  dependencyReports?: string[];
  /**
   * Role-specific prompt inputs the task slice does not carry (the integrator's `conflicts`, the
   * reviewer's `diff`), by the template's input name. Untrusted ones must come from fenceUntrusted.
   */
  promptInputs?: Record<string, string>;
  /** The template to render instead of the role's own (`/auto-fix` runs a coder with `auto-fix`). */
  prompt?: PromptName;
}

export interface AgentLimits {
  maxTurns: number;
  maxTokens: number;
  maxDollars: number;
  maxWallMs: number;
}

export interface AgentContext {
  task: AgentTask;
  workspace: Workspace;
  /** AGENTS.md / CLAUDE.md / CONTRIBUTING.md contents, when present. */
  conventions: string;
  /** Files and exported symbols, compact. */
  repoMap: string;
  /** Snippets from memory (empty until memory exists). */
  memory: string[];
  /** Output of failing gates from the previous attempt, fenced as data. */
  feedback?: string;
  limits: AgentLimits;
  /** Secret values the backend must never echo (already scrubbed from command environments). */
  secrets: string[];
  signal?: AbortSignal;
}

export type AgentStatus = 'finished' | 'gave-up' | 'limit' | 'error';

export interface AgentOutcome {
  status: AgentStatus;
  /** The agent's own summary (finish tool), or why it stopped. Redacted. */
  summary: string;
  tokens: number;
  costUsd: number;
  turns: number;
  /** Which limit stopped it, when status is 'limit'. */
  limit?: 'turns' | 'tokens' | 'dollars' | 'wall-time';
  /** Backend label for reports, e.g. "langchain:openai/gpt-4o-mini" or "claude-cli". */
  backend: string;
}

export interface AgentBackend {
  readonly name: string;
  run(context: AgentContext): Promise<AgentOutcome>;
}
