/**
 * The prompt an agent starts from: its role's template rendered with the task slice, the conventions,
 * memory and the previous attempt's feedback (both fenced as untrusted data). Shared by the built-in
 * loop and the CLI backends, so every backend is told the same thing.
 */
import { AGENT_ROLES } from '../runs/run.js';
import type { AgentRole } from '../runs/run.js';
import type { PromptName, PromptTemplate } from '../prompts/prompt-library.js';
import { fenceUntrusted, isFenced } from '../prompts/untrusted-text.js';
import type { AgentContext, AgentTask } from './agent-backend.js';
import { AgentError } from './agent-error.js';

/** Where prompts come from: loadPrompt / renderPrompt in production, the same with an override in tests. */
export interface PromptSource {
  load(name: PromptName): Promise<PromptTemplate>;
  render(template: PromptTemplate, inputs: Record<string, string>): string;
}

export interface AgentPrompt {
  /** The rendered role template: the system prompt of the built-in loop. */
  system: string;
  /** The repository map, when the template has no place for it: sent as the opening user message. */
  repoMap: string;
  template: PromptTemplate;
}

/** Roles that work inside a worktree; the planner plans and has no agent prompt. */
const AGENT_PROMPTS: Partial<Record<AgentRole, PromptName>> = {
  coder: 'coder',
  tester: 'tester',
  docs: 'docs',
  reviewer: 'reviewer',
  integrator: 'integrator',
};

/** The tester template needs a strategy; a task from a plan without one is ordered implementation-first. */
const DEFAULT_STRATEGY = 'feature-first';

export async function buildAgentPrompt(context: AgentContext, prompts: PromptSource): Promise<AgentPrompt> {
  const name = context.task.prompt ?? AGENT_PROMPTS[context.task.role];
  if (!name) {
    throw new AgentError(
      'misconfigured',
      `Task ${context.task.taskId} has the role "${context.task.role}", which no agent backend runs; ` +
        `agent roles are ${AGENT_ROLES.filter((role) => AGENT_PROMPTS[role]).join(', ')}.`,
    );
  }
  const template = await prompts.load(name);
  const declared = new Set(template.inputs.map((input) => input.name));
  const candidates = { ...standardInputs(context), repo_map: context.repoMap, ...context.task.promptInputs };
  // renderPrompt rejects inputs a template does not declare; each role's template declares a subset.
  const inputs = Object.fromEntries(
    Object.entries(candidates).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && declared.has(entry[0]),
    ),
  );
  return {
    system: prompts.render(template, inputs),
    repoMap: declared.has('repo_map') ? '' : context.repoMap,
    template,
  };
}

function standardInputs(context: AgentContext): Record<string, string | undefined> {
  const { task } = context;
  return {
    task: formatTask(task),
    plan_context: [`Goal: ${task.goal}`, task.context ? `Context: ${task.context}` : '']
      .filter(Boolean)
      .join('\n'),
    acceptance_criteria: bullets(task.featureAcceptance ?? task.acceptance),
    branch: context.workspace.branch,
    strategy: task.strategy ?? DEFAULT_STRATEGY,
    gates: task.validationGates.join('\n'),
    dependencies: task.dependencyReports?.join('\n'),
    conventions: context.conventions,
    memory: context.memory.length
      ? fenceUntrusted(context.memory.join('\n\n'), 'autodev memory of earlier runs on this repository')
      : undefined,
    previous_attempt: fencedFeedback(context.feedback),
  };
}

/** The caller is asked to fence feedback; fencing again here covers one that did not. */
function fencedFeedback(feedback: string | undefined): string | undefined {
  if (feedback === undefined || feedback.trim() === '') return undefined;
  return isFenced(feedback) ? feedback : fenceUntrusted(feedback, 'the gate output of the previous attempt');
}

/** The task as the plan file holds it, in the same key: value shape the planner was shown. */
export function formatTask(task: AgentTask): string {
  return [
    `id: ${task.taskId}`,
    `title: ${task.title}`,
    `role: ${task.role}`,
    `description: ${task.description}`,
    `files: [${task.files.join(', ')}]`,
    'acceptance:',
    ...task.acceptance.map((line) => `  - ${line}`),
  ].join('\n');
}

function bullets(lines: readonly string[]): string {
  return lines.map((line) => (line.startsWith('- ') ? line : `- ${line}`)).join('\n');
}
