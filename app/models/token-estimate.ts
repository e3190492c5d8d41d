/**
 * Rough token counts for budgeting before a call and for providers that report no usage. About four
 * characters per token holds for English and code with the common BPE tokenizers; a real tokenizer
 * per provider would cost a dependency each for a number that only has to be conservative.
 */
import type { BaseMessage } from '@langchain/core/messages';

const CHARS_PER_TOKEN = 4;
/** Role markers and separators every chat format adds around a message. */
const TOKENS_PER_MESSAGE = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateInputTokens(messages: readonly BaseMessage[]): number {
  return messages.reduce(
    (sum, message) => sum + TOKENS_PER_MESSAGE + estimateTextTokens(contentText(message)),
    0,
  );
}

/** All text of a message, including tool-call arguments, which providers also bill as input. */
function contentText(message: BaseMessage): string {
  const content =
    typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '');
  const toolCalls = 'tool_calls' in message && message.tool_calls ? JSON.stringify(message.tool_calls) : '';
  return content + toolCalls;
}
