/**
 * The LLM planner: asks a model for a PRP and a task graph, checks the answer with postProcessPlan,
 * and on an invalid answer asks again with the problems listed, up to `planning.maxAttempts` answers.
 * Everything outside (model, prompt library, fencing, repository summary, memory) is injected, so the
 * planner runs the same against a real provider, a scripted model, or a repository's prompt override.
 */
import type { Complexity, Strategy } from '../commands/command.js';
import type { CompletionModel } from '../models/completion-model.js';
import { ModelConfigError, ModelError } from '../models/model-error.js';
import { BudgetExceededError } from '../models/run-budget.js';
import { type Plan, type PlanRequest, type Planner, PlanningError } from '../planner/planner.js';
import type { PromptTemplate } from '../prompts/prompt-template.js';
import { PromptError } from '../prompts/prompt-template.js';
import type { Run } from '../runs/run.js';
import { agentRange, describeAgentRange } from './agent-range.js';
import { extractJson } from './extract-json.js';
import { postProcessPlan, type PostProcessContext } from './post-process-plan.js';
import { planJsonSchema } from './prp-schema.js';
import { STRATEGY_GUIDANCE } from './strategies.js';

export interface LlmPlannerDeps {
  /** The model for this run's planning (the config's planner model, metered against the run's budget). */
  completionModelFor(request: PlanRequest): CompletionModel;
  /** The planner prompt; the request says which repository's override applies. */
  loadPrompt(name: 'planner', request: PlanRequest): Promise<PromptTemplate>;
  renderPrompt(template: PromptTemplate, inputs: Record<string, string>): string;
  /** Wraps untrusted text as data (fenceUntrusted). */
  fence(text: string, source: string): string;
  /** The repository's file list, possibly shortened. */
  repoSummary?(request: PlanRequest): Promise<string>;
  /** Notes from earlier runs on the repository that look relevant. */
  memory?(request: PlanRequest): Promise<string>;
}

/** Errors whose message already tells a maintainer what to change (budget, keys, a broken prompt override). */
const ACTIONABLE_ERRORS = [BudgetExceededError, ModelError, ModelConfigError, PromptError];

/** How many of the last answer's problems the failure message names; the rest are counted. */
const PROBLEMS_SHOWN = 5;

export class LlmPlanner implements Planner {
  constructor(private readonly deps: LlmPlannerDeps) {}

  async plan(request: PlanRequest): Promise<Plan> {
    const spent = { tokens: 0, costUsd: 0 };
    try {
      return await this.attempt(request, spent);
    } catch (error) {
      if (error instanceof PlanningError) throw error;
      if (ACTIONABLE_ERRORS.some((kind) => error instanceof kind)) {
        throw new PlanningError((error as Error).message, { cause: error, ...spent });
      }
      throw error;
    }
  }

  private async attempt(request: PlanRequest, spent: { tokens: number; costUsd: number }): Promise<Plan> {
    const { run, config } = request;
    if (!run.trigger.spec.trim()) throw new PlanningError('The spec is empty: there is nothing to plan.');
    const range = agentRange(run.trigger.complexity, config.maxParallelAgents, run.trigger.instances);
    const gates = Object.values(config.gates).filter((g): g is string => typeof g === 'string');
    const context: PostProcessContext = {
      strategy: run.trigger.strategy,
      agentRange: range,
      maxParallelAgents: config.maxParallelAgents,
      gates,
      allowedCommands: config.allowedCommands,
    };
    const [template, repoSummary, memory] = await Promise.all([
      this.deps.loadPrompt('planner', request),
      this.deps.repoSummary?.(request) ?? '',
      this.deps.memory?.(request) ?? '',
    ]);
    const inputs: Record<string, string> = {
      title: this.deps.fence(run.trigger.title, `issue #${run.issueNumber} title`),
      spec: this.deps.fence(run.trigger.spec, specSource(run)),
      plan_schema: planJsonSchema(),
      ...strategyInputs(run.trigger.strategy),
      complexity: complexityInput(run.trigger.complexity),
      agent_range: describeAgentRange(range),
      max_agents: String(config.maxParallelAgents),
      gates: gates.join('\n'),
      repo_summary: repoSummary,
      memory: memory.trim()
        ? this.deps.fence(memory, `autodev's memory of ${run.repo.owner}/${run.repo.repo}`)
        : '',
      feedback: this.feedbackInput(request),
    };
    const model = this.deps.completionModelFor(request);
    const attempts = config.planning.maxAttempts;
    let problems: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const prompt = this.deps.renderPrompt(template, { ...inputs, previous_errors: problems.join('\n') });
      const { text, usage } = await model.complete([{ role: 'user', content: prompt }]);
      spent.tokens += usage.tokens;
      spent.costUsd += usage.costUsd;
      const json = extractJson(text);
      const result = json.ok
        ? postProcessPlan(json.value, context)
        : { ok: false as const, errors: [json.error] };
      if (result.ok) return { ...result.plan, tokens: spent.tokens, costUsd: spent.costUsd };
      problems = result.errors;
    }
    throw new PlanningError(failureMessage(attempts, problems), spent);
  }

  /** `/plan` feedback travels with the plan it is about, in one fence: both came from outside. */
  private feedbackInput(request: PlanRequest): string {
    const feedback = request.feedback?.trim();
    if (!feedback) return '';
    const previous = request.previousPlan;
    const text = previous
      ? `${feedback}\n\nThe previous plan, as JSON:\n${previousPlanJson(previous)}`
      : feedback;
    return this.deps.fence(text, previous ? '/plan feedback and the previous plan' : '/plan feedback');
  }
}

/** Who wrote the spec: the issue's author is not known when a command pointed at the issue body. */
function specSource(run: Run): string {
  const { trigger, issueNumber } = run;
  if (trigger.kind === 'issue') return `issue #${issueNumber} body by @${trigger.actor}`;
  if (trigger.command.name === 'parallel-dev' && trigger.command.feature !== undefined) {
    return `/parallel-dev feature= on #${issueNumber} by @${trigger.actor}`;
  }
  return `issue #${issueNumber} body`;
}

function strategyInputs(strategy: Strategy | undefined): { strategy: string; strategy_guidance: string } {
  if (strategy) return { strategy, strategy_guidance: STRATEGY_GUIDANCE[strategy] };
  const options = Object.entries(STRATEGY_GUIDANCE).map(([name, guidance]) => `- ${name}: ${guidance}`);
  return {
    strategy: 'not chosen by the requester; pick the one that fits the request best',
    strategy_guidance: `The strategies:\n${options.join('\n')}`,
  };
}

function complexityInput(complexity: Complexity | undefined): string {
  return complexity ?? 'not stated; judge it from the request';
}

/** The structure a reviewer commented on; descriptions are left out to keep the prompt small. */
function previousPlanJson(plan: Plan): string {
  return JSON.stringify({
    goal: plan.goal,
    strategy: plan.strategy,
    pattern: plan.pattern,
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      role: t.role,
      dependsOn: t.dependsOn,
      files: t.files,
    })),
  });
}

function failureMessage(attempts: number, problems: string[]): string {
  const shown = problems.slice(0, PROBLEMS_SHOWN).join('; ');
  const more = problems.length > PROBLEMS_SHOWN ? `; and ${problems.length - PROBLEMS_SHOWN} more` : '';
  const answers = attempts === 1 ? 'its answer' : `all ${attempts} of its answers`;
  return (
    `The planner model did not produce a valid plan: ${answers} had problems. In the last one: ${shown}${more}. ` +
    'Try again with a more specific spec, a stronger planner model (models.planner), or a higher planning.maxAttempts.'
  );
}
