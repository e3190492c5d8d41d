/**
 * What each provider reads from the environment: its key variable and, for Ollama, the host. Shared by
 * the factories (to build clients) and by toModelError (to name the same variable or host in messages).
 */
import { describeChoice } from './model-choice.js';
import type { ModelChoice, ProviderName } from './model-choice.js';
import { ModelConfigError } from './model-error.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';
const OLLAMA_DEFAULT_PORT = '11434';

/** Variables holding the API key, in the order they are read. */
export function keyVariablesFor(provider: ProviderName): string[] {
  switch (provider) {
    case 'openai':
      return ['OPENAI_API_KEY'];
    case 'anthropic':
      return ['ANTHROPIC_API_KEY'];
    case 'openai-compatible':
      // A dedicated variable first, so one deployment can use OpenAI and a compatible server at once.
      return ['OPENAI_COMPATIBLE_API_KEY', 'OPENAI_API_KEY'];
    case 'ollama':
    case 'scripted':
      return [];
  }
}

/** "OPENAI_COMPATIBLE_API_KEY (or OPENAI_API_KEY)", for messages. */
export function keyVariablesText(provider: ProviderName): string {
  const [first = '', ...others] = keyVariablesFor(provider);
  return others.length > 0 ? `${first} (or ${others.join(', ')})` : first;
}

export function readKey(provider: ProviderName, env: NodeJS.ProcessEnv): string | undefined {
  for (const variable of keyVariablesFor(provider)) {
    const value = env[variable]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The key, or a ModelConfigError that says which variable to set and where. */
export function requireKey(choice: ModelChoice, env: NodeJS.ProcessEnv): string {
  const key = readKey(choice.provider, env);
  if (key) return key;
  const hint = choice.provider === 'openai-compatible' ? '; any value works if the server needs no key' : '';
  throw new ModelConfigError(
    `Set ${keyVariablesText(choice.provider)} in the app's environment (or as an Actions secret${hint}) — ${describeChoice(choice)}`,
    { variable: keyVariablesFor(choice.provider)[0] },
  );
}

/**
 * The Ollama server URL. Accepts OLLAMA_HOST the way the Ollama CLI does ("10.0.0.5",
 * "10.0.0.5:8080", ":11434"), so a value copied from a working `ollama` setup works here too.
 */
export function ollamaHost(choice: ModelChoice, env: NodeJS.ProcessEnv): string {
  const raw = choice.baseUrl ?? env.OLLAMA_HOST?.trim();
  if (!raw) return OLLAMA_DEFAULT_HOST;
  const hasScheme = raw.includes('://');
  const url = new URL(hasScheme ? raw : `http://${raw.startsWith(':') ? `127.0.0.1${raw}` : raw}`);
  if (!url.port && !hasScheme) url.port = OLLAMA_DEFAULT_PORT;
  return url.toString().replace(/\/+$/, '');
}

/**
 * True for servers on this machine or a private network (vLLM, LM Studio, llama.cpp), which usually
 * run without a key; a public endpoint without a key is a configuration mistake worth stopping on.
 */
export function isPrivateEndpoint(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host === '::1' || host === 'host.docker.internal') return true;
  const octets = host.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o))) return false;
  const [a = -1, b = -1] = octets;
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}
