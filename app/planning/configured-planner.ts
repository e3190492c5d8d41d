/**
 * The planner autodev runs with: the LLM planner over the config's planner model (keys from the
 * environment), metered against the run's budget, with the repository's prompt override if it has one.
 */
import { completionModel } from '../models/completion-model.js';
import { modelChoiceFor } from '../models/model-choice.js';
import { ModelRegistry } from '../models/model-registry.js';
import { pricesFor } from '../models/price-table.js';
import { RunBudget } from '../models/run-budget.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { Planner, PlanRequest } from '../planner/planner.js';
import { loadPrompt, renderPrompt } from '../prompts/prompt-library.js';
import { fenceUntrusted } from '../prompts/untrusted-text.js';
import type { Run } from '../runs/run.js';
import { LlmPlanner } from './llm-planner.js';

/** The run's budget: `/parallel-dev … budget=N` overrides the config's dollars; spending carries over. */
export function budgetFor(run: Run, config: Pick<AutodevConfig, 'budget'>): RunBudget {
  const command = run.trigger.command;
  const dollars =
    command.name === 'parallel-dev' && command.budget !== undefined ? command.budget : config.budget.dollars;
  return new RunBudget(
    { tokens: config.budget.tokens, dollars },
    { tokens: run.tokens, costUsd: run.costUsd },
  );
}

export function configuredPlanner(
  options: {
    registry?: ModelRegistry;
    env?: NodeJS.ProcessEnv;
    /** What the planner recalls about the repository (app/memory/planner-memory.ts). */
    memory?: (request: PlanRequest) => Promise<string>;
  } = {},
): Planner {
  const registry = options.registry ?? new ModelRegistry();
  const env = options.env ?? process.env;
  return new LlmPlanner({
    completionModelFor: (request) =>
      completionModel({
        registry,
        choice: modelChoiceFor(request.config, 'planner'),
        budget: budgetFor(request.run, request.config),
        prices: pricesFor(request.config),
        env,
      }),
    loadPrompt: (name, request) =>
      loadPrompt(name, request.scm ? { scm: request.scm, repo: request.run.repo } : {}),
    renderPrompt,
    fence: fenceUntrusted,
    ...(options.memory ? { memory: options.memory } : {}),
  });
}
