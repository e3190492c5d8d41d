/** The built-in provider factories: each turns a ModelChoice and the environment into a LangChain chat model. */
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { ModelChoice, ProviderName } from './model-choice.js';
import { ModelConfigError } from './model-error.js';
import type { ProviderFactory } from './model-registry.js';
import {
  isPrivateEndpoint,
  OPENAI_DEFAULT_BASE_URL,
  ollamaHost,
  readKey,
  requireKey,
} from './provider-env.js';

/** Sent to servers that need no key: the OpenAI client refuses to start without one. */
const NO_KEY_PLACEHOLDER = 'not-needed';
/**
 * Output cap set on every model and assumed by invokeMetered's worst-case estimate, so the budget
 * check and the provider agree on how much one call can cost.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/**
 * LangChain's default (6 with exponential backoff) can hold a run for a minute on a dead endpoint;
 * a few retries ride out a blip, and a typed error tells the maintainer the rest.
 */
export const DEFAULT_MAX_RETRIES = 2;

export interface ProviderOptions {
  maxRetries?: number;
  maxOutputTokens?: number;
}

export function defaultProviderFactories(
  options: ProviderOptions = {},
): Record<ProviderName, ProviderFactory> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const common = (choice: ModelChoice) => ({
    maxRetries,
    maxTokens: choice.maxOutputTokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
  });
  return {
    openai: (choice, env) =>
      new ChatOpenAI({
        ...common(choice),
        model: choice.model,
        apiKey: requireKey(choice, env),
        // Always explicit: left undefined, the client would read process.env instead of `env`.
        configuration: { baseURL: choice.baseUrl ?? env.OPENAI_BASE_URL?.trim() ?? OPENAI_DEFAULT_BASE_URL },
      }),
    anthropic: (choice, env) =>
      new ChatAnthropic({
        ...common(choice),
        model: choice.model,
        apiKey: requireKey(choice, env),
        ...(choice.baseUrl ? { anthropicApiUrl: choice.baseUrl } : {}),
      }),
    ollama: (choice, env) =>
      new ChatOllama({
        maxRetries,
        numPredict: common(choice).maxTokens,
        model: choice.model,
        baseUrl: ollamaHost(choice, env),
      }),
    'openai-compatible': (choice, env) => {
      const baseURL = requireBaseUrl(choice);
      const apiKey = isPrivateEndpoint(baseURL)
        ? (readKey(choice.provider, env) ?? NO_KEY_PLACEHOLDER)
        : requireKey(choice, env);
      return new ChatOpenAI({ ...common(choice), model: choice.model, apiKey, configuration: { baseURL } });
    },
    scripted: (choice) => {
      throw new ModelConfigError(
        `The scripted provider answers from a script given in code (new ModelRegistry({ scripted: scriptedProvider([...]) })); ` +
          `it is for tests and demos — choose openai, anthropic, ollama or openai-compatible for ${choice.configKey ?? 'this model'}`,
      );
    },
  };
}

function requireBaseUrl(choice: ModelChoice): string {
  if (choice.baseUrl) return choice.baseUrl;
  const where = choice.configKey ?? 'the model entry';
  throw new ModelConfigError(
    `openai-compatible needs the server's address: add \`baseUrl: https://your-server/v1\` under ${where} ` +
      `in .github/autodev.yml (it uses openai-compatible/${choice.model})`,
  );
}
