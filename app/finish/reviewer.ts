/**
 * The reviewer agent: reads the pull request's diff against the plan and the gate results, and answers
 * with a review (review-schema.ts). It runs in the control plane, where there is no checkout, so it is
 * one model call over prompts/reviewer.md rather than a tool-using agent in a worktree. The model is
 * injected: the config's reviewer model in production, a scripted one in tests.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { CompletionMessage, CompletionModel } from '../models/completion-model.js';
import { completionModel } from '../models/completion-model.js';
import { modelChoiceFor } from '../models/model-choice.js';
import { ModelRegistry } from '../models/model-registry.js';
import { pricesFor } from '../models/price-table.js';
import { budgetFor } from '../planning/configured-planner.js';
import { loadPrompt, renderPrompt } from '../prompts/prompt-library.js';
import type { PromptTemplate } from '../prompts/prompt-library.js';
import { fenceCode, fenceUntrusted } from '../prompts/untrusted-text.js';
import type { Run } from '../runs/run.js';
import type { PullRequestFile, Scm } from '../scm/scm.js';
import { clipMiddle } from '../agents/text-format.js';
import { unifiedDiff } from './diff-lines.js';
import type { WaveIntegration } from './integration-source.js';
import { parseReview, type Review, reviewJsonSchema } from './review-schema.js';

export interface ReviewRequest {
  run: Run;
  config: AutodevConfig;
  scm: Scm;
  files: PullRequestFile[];
  integrations: { wave: number; result: WaveIntegration | null }[];
}

export interface ReviewAnswer {
  review: Review;
  tokens: number;
  costUsd: number;
}

export interface Reviewer {
  review(request: ReviewRequest): Promise<ReviewAnswer>;
}

export class ReviewError extends Error {
  constructor(
    message: string,
    readonly spent: { tokens: number; costUsd: number } = { tokens: 0, costUsd: 0 },
  ) {
    super(message);
    this.name = 'ReviewError';
  }
}

export interface ModelReviewerDeps {
  completionModelFor(request: ReviewRequest): CompletionModel;
  loadPrompt(request: ReviewRequest): Promise<PromptTemplate>;
  /** Answers that do not parse are sent back with the problem, this many times in all. */
  maxAnswers?: number;
}

/** Big diffs keep their head and tail; the model is told that the middle is missing. */
const DIFF_CHARS = 60_000;
const GATE_TAIL_CHARS = 2_000;

export class ModelReviewer implements Reviewer {
  constructor(private readonly deps: ModelReviewerDeps) {}

  async review(request: ReviewRequest): Promise<ReviewAnswer> {
    const model = this.deps.completionModelFor(request);
    const prompt = renderPrompt(await this.deps.loadPrompt(request), reviewerInputs(request));
    const messages: CompletionMessage[] = [{ role: 'user', content: prompt }];
    const spent = { tokens: 0, costUsd: 0 };
    const maxAnswers = this.deps.maxAnswers ?? 2;
    let problem = '';
    for (let answer = 1; answer <= maxAnswers; answer++) {
      const { text, usage } = await model.complete(messages);
      spent.tokens += usage.tokens;
      spent.costUsd += usage.costUsd;
      const parsed = parseReview(text);
      if (parsed.ok) return { review: parsed.review, ...spent };
      problem = parsed.error;
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: `That answer cannot be used: ${problem}. Answer again with the JSON only.` },
      );
    }
    throw new ReviewError(`the reviewer's answer could not be used (${problem})`, spent);
  }
}

export function reviewerInputs(request: ReviewRequest): Record<string, string> {
  const { run } = request;
  const plan = run.plan;
  const context = [
    `Goal: ${plan?.goal ?? run.trigger.title}`,
    plan?.why ? `Why: ${plan.why}` : undefined,
    plan?.what ? `What: ${plan.what}` : undefined,
    plan?.context ? `Context: ${plan.context}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const tasks = run.tasks.map((t) => `- ${t.id} (${t.role}, ${t.state}): ${t.title}`).join('\n');
  return {
    plan_context: context.join('\n'),
    acceptance_criteria: (plan?.acceptanceCriteria ?? []).map((c) => `- ${c}`).join('\n'),
    diff: fenceCode(clipMiddle(unifiedDiff(request.files), DIFF_CHARS), 'diff'),
    gate_results: gateResultsText(request.integrations),
    review_schema: reviewJsonSchema(),
    // Titles come from a model reading an issue: data, not instructions.
    task_reports: fenceUntrusted(
      `The agents' own reports are not available here; the tasks ended as follows.\n${tasks}`,
      `the task list of autodev run ${run.id}`,
    ),
  };
}

function gateResultsText(integrations: ReviewRequest['integrations']): string {
  const lines: string[] = [];
  for (const { wave, result } of integrations) {
    for (const gate of result?.gates ?? []) {
      lines.push(
        `- wave ${wave}: \`${gate.command}\` exited ${gate.exitCode} (${gate.passed ? 'passed' : 'failed'})`,
      );
      if (!gate.passed && gate.outputTail.trim()) {
        lines.push(
          fenceUntrusted(clipMiddle(gate.outputTail, GATE_TAIL_CHARS), `the output of ${gate.command}`),
        );
      }
    }
  }
  return lines.length > 0
    ? lines.join('\n')
    : 'No gate results were reported for the merged branch: nothing is known about tests, lint or types.';
}

/** The reviewer autodev runs with: the config's reviewer model, metered against the run's budget. */
export function configuredReviewer(
  options: { registry?: ModelRegistry; env?: NodeJS.ProcessEnv } = {},
): Reviewer {
  const registry = options.registry ?? new ModelRegistry();
  const env = options.env ?? process.env;
  return new ModelReviewer({
    completionModelFor: (request) =>
      completionModel({
        registry,
        choice: modelChoiceFor(request.config, 'reviewer'),
        budget: budgetFor(request.run, request.config),
        prices: pricesFor(request.config),
        env,
      }),
    loadPrompt: (request) => loadPrompt('reviewer', { scm: request.scm, repo: request.run.repo }),
  });
}

/** A reviewer over a fixed model (tests, the sandbox): the same prompt and parsing as in production. */
export function modelReviewer(model: CompletionModel): Reviewer {
  return new ModelReviewer({
    completionModelFor: () => model,
    loadPrompt: () => loadPrompt('reviewer'),
  });
}
