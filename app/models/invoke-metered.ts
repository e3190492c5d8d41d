/**
 * Every model call goes through here: refuse before calling when the budget cannot cover the worst
 * case, then record what the call really used.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { ModelChoice, ProviderName } from './model-choice.js';
import { costOf, lookupPrice } from './price-table.js';
import type { PriceTable } from './price-table.js';
import { DEFAULT_MAX_OUTPUT_TOKENS } from './provider-factories.js';
import type { RunBudget } from './run-budget.js';
import { estimateInputTokens, estimateTextTokens } from './token-estimate.js';
import { toModelError } from './to-model-error.js';

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  costUsd: number;
  provider: ProviderName;
  model: string;
  /** The provider reported no usage; the token counts are estimates from characters. */
  estimated?: boolean;
  /** The model has no price in the table, so costUsd is 0 and understates the spend. */
  unpriced?: boolean;
}

export interface MeteredCallContext {
  choice: ModelChoice;
  budget: RunBudget;
  prices: PriceTable;
  onUsage?(usage: ModelUsage): void;
  /**
   * The output cap the model was built with (default: choice.maxOutputTokens, else the factories'
   * default); the worst case assumes the answer uses all of it.
   */
  maxOutputTokens?: number;
  /** For error messages that name OLLAMA_HOST / OPENAI_BASE_URL values; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export async function invokeMetered(
  model: BaseChatModel,
  messages: BaseMessage[],
  ctx: MeteredCallContext,
): Promise<AIMessage> {
  return (await meteredCall(model, messages, ctx)).message;
}

/** invokeMetered, also returning the usage it recorded. */
export async function meteredCall(
  model: BaseChatModel,
  messages: BaseMessage[],
  ctx: MeteredCallContext,
): Promise<{ message: AIMessage; usage: ModelUsage }> {
  const { choice, budget, prices } = ctx;
  const inputEstimate = estimateInputTokens(messages);
  const outputCap = ctx.maxOutputTokens ?? choice.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const worstCase = { inputTokens: inputEstimate, outputTokens: outputCap };
  budget.ensureRoom(
    { tokens: inputEstimate + outputCap, costUsd: costOf(worstCase, choice.model, prices, choice.provider) },
    `${choice.provider}/${choice.model}`,
  );

  let message: AIMessage;
  try {
    message = await model.invoke(messages);
  } catch (error) {
    throw toModelError(error, choice, ctx.env);
  }

  const usage = usageOf(message, inputEstimate, ctx);
  budget.record({ tokens: usage.tokens, costUsd: usage.costUsd });
  ctx.onUsage?.(usage);
  return { message, usage };
}

function usageOf(message: AIMessage, inputEstimate: number, ctx: MeteredCallContext): ModelUsage {
  const { choice, prices } = ctx;
  const reported = message.usage_metadata;
  const inputTokens = reported?.input_tokens ?? inputEstimate;
  const outputTokens = reported?.output_tokens ?? estimateTextTokens(message.text);
  const { known } = lookupPrice(choice.model, prices, choice.provider);
  return {
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    costUsd: costOf({ inputTokens, outputTokens }, choice.model, prices, choice.provider),
    provider: choice.provider,
    model: choice.model,
    ...(reported ? {} : { estimated: true }),
    ...(known ? {} : { unpriced: true }),
  };
}
