/** The planner's port to a model: plain messages in, text and usage out (budget and errors handled here). */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { meteredCall } from './invoke-metered.js';
import type { ModelUsage } from './invoke-metered.js';
import type { ModelChoice } from './model-choice.js';
import type { ModelRegistry } from './model-registry.js';
import type { PriceTable } from './price-table.js';
import type { RunBudget } from './run-budget.js';

export interface CompletionMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionModel {
  /** One chat completion; throws BudgetExceededError before calling when the budget cannot cover it, ModelError / ModelConfigError otherwise. */
  complete(messages: CompletionMessage[]): Promise<{ text: string; usage: ModelUsage }>;
}

export interface CompletionModelOptions {
  registry: ModelRegistry;
  choice: ModelChoice;
  budget: RunBudget;
  prices: PriceTable;
  env?: NodeJS.ProcessEnv;
  onUsage?(usage: ModelUsage): void;
  maxOutputTokens?: number;
}

export function completionModel(options: CompletionModelOptions): CompletionModel {
  // Built on first use, so a missing key surfaces from complete() where the planner handles errors.
  let model: BaseChatModel | undefined;
  const choice =
    options.maxOutputTokens === undefined
      ? options.choice
      : { ...options.choice, maxOutputTokens: options.maxOutputTokens };
  return {
    async complete(messages) {
      model ??= options.registry.create(choice, options.env);
      const { message, usage } = await meteredCall(model, messages.map(toLangChain), { ...options, choice });
      return { text: message.text, usage };
    },
  };
}

function toLangChain(message: CompletionMessage): BaseMessage {
  switch (message.role) {
    case 'system':
      return new SystemMessage(message.content);
    case 'user':
      return new HumanMessage(message.content);
    case 'assistant':
      return new AIMessage(message.content);
  }
}

/** Usage every scripted answer reports: small and free, so budgets never get in a test's way. */
export const SCRIPTED_USAGE: ModelUsage = {
  inputTokens: 100,
  outputTokens: 50,
  tokens: 150,
  costUsd: 0,
  provider: 'scripted',
  model: 'scripted',
};

/**
 * A CompletionModel for other modules' tests: answers in order (an Error is thrown instead of
 * answered), and records the messages of every call.
 */
export function scriptedCompletionModel(
  answers: (string | Error)[],
): CompletionModel & { calls: CompletionMessage[][] } {
  const queue = [...answers];
  const calls: CompletionMessage[][] = [];
  return {
    calls,
    async complete(messages) {
      calls.push(messages.map((m) => ({ ...m })));
      const answer = queue.shift();
      if (answer === undefined) {
        throw new Error(
          `scriptedCompletionModel: no answer left for call ${calls.length} (${answers.length} scripted)`,
        );
      }
      if (answer instanceof Error) throw answer;
      return { text: answer, usage: { ...SCRIPTED_USAGE } };
    },
  };
}
