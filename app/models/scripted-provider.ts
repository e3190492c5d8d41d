/**
 * The `scripted` provider: a chat model that answers from a list given in code, for tests and demos.
 * It wraps LangChain's fakeModel so agent-loop code sees a real BaseChatModel (tool calls included).
 */
import { AIMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import type { ProviderFactory } from './model-registry.js';
import { estimateInputTokens, estimateTextTokens } from './token-estimate.js';

export type ScriptedAnswer =
  string | Error | BaseMessage | ((messages: BaseMessage[]) => BaseMessage | Error);

export type ScriptedChatModel = ReturnType<typeof fakeModel>;

/**
 * One model shared by every role: answers are consumed in order across the whole run, which is what
 * a demo script reads like ("the planner says …, then the coder says …").
 */
export function scriptedProvider(
  script: readonly ScriptedAnswer[],
): ProviderFactory & { model: ScriptedChatModel } {
  const model = fakeModel();
  for (const answer of script) model.respond(typeof answer === 'string' ? answerWithUsage(answer) : answer);
  return Object.assign(() => model, { model });
}

/** Plain-text answers carry estimated usage, so budgets and progress comments move as in a real run. */
function answerWithUsage(text: string): (messages: BaseMessage[]) => AIMessage {
  return (messages) => {
    const input = estimateInputTokens(messages);
    const output = estimateTextTokens(text);
    return new AIMessage({
      content: text,
      usage_metadata: { input_tokens: input, output_tokens: output, total_tokens: input + output },
    });
  };
}
