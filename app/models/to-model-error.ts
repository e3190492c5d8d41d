/**
 * Turns whatever a provider SDK threw (OpenAI/Anthropic APIError, Ollama ResponseError, undici's
 * "fetch failed" with an ECONNREFUSED cause, LangChain's wrapped errors) into a ModelError whose
 * message names the setting to change.
 */
import { describeChoice } from './model-choice.js';
import type { ModelChoice } from './model-choice.js';
import { ModelError } from './model-error.js';
import type { ModelErrorKind } from './model-error.js';
import { keyVariablesFor, keyVariablesText, ollamaHost, OPENAI_DEFAULT_BASE_URL } from './provider-env.js';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const CONNECTION_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'TimeoutError']);
const BAD_REQUEST_STATUSES = new Set([400, 404, 405, 409, 413, 415, 422]);
/** 529 is Anthropic's "overloaded": like a rate limit, waiting helps. */
const RATE_LIMIT_STATUSES = new Set([429, 529]);
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

interface Facts {
  status: number | undefined;
  codes: string[];
  names: string[];
  /** First line of the outermost message: LangChain appends a troubleshooting URL after a blank line. */
  message: string;
}

export function toModelError(
  error: unknown,
  choice: ModelChoice,
  env: NodeJS.ProcessEnv = process.env,
): ModelError {
  if (error instanceof ModelError) return error;
  const facts = collectFacts(error);
  const kind = classify(facts);
  const fields = { kind, provider: choice.provider, model: choice.model, cause: error };
  return new ModelError(messageFor(kind, facts, choice, env), {
    ...fields,
    ...(facts.status === undefined ? {} : { status: facts.status }),
  });
}

function classify({ status, codes, names, message }: Facts): ModelErrorKind {
  if (status === 401 || status === 403 || codes.includes('MODEL_AUTHENTICATION')) return 'auth';
  if ((status !== undefined && RATE_LIMIT_STATUSES.has(status)) || codes.includes('MODEL_RATE_LIMIT')) {
    return 'rate-limited';
  }
  if (status !== undefined && BAD_REQUEST_STATUSES.has(status)) return 'bad-request';
  if (codes.includes('MODEL_NOT_FOUND') || names.includes('ContextOverflowError')) return 'bad-request';
  if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) return 'unreachable';
  if (codes.some((code) => CONNECTION_CODES.has(code))) return 'unreachable';
  if (names.some((name) => CONNECTION_NAMES.has(name))) return 'unreachable';
  if (/fetch failed|connection error|failed to fetch/i.test(message)) return 'unreachable';
  return 'unknown';
}

function messageFor(kind: ModelErrorKind, facts: Facts, choice: ModelChoice, env: NodeJS.ProcessEnv): string {
  const label = providerLabel(choice, env);
  const where = describeChoice(choice);
  const status = facts.status === undefined ? '' : ` (HTTP ${facts.status})`;
  switch (kind) {
    case 'auth': {
      if (keyVariablesFor(choice.provider).length === 0) {
        return `${label} refused the request${status}: it wants credentials autodev does not send — ${where}`;
      }
      return `${label} rejected the API key${status} — check ${keyVariablesText(choice.provider)} in the app's environment (or the Actions secret) — ${where}`;
    }
    case 'unreachable': {
      if (facts.status !== undefined) return `${label} is unavailable${status}; try again later — ${where}`;
      if (choice.provider === 'ollama') {
        const setting = choice.baseUrl
          ? `baseUrl in ${choice.configKey ?? 'the model entry'}`
          : 'OLLAMA_HOST';
        return `could not reach ${label} — is it running, and is ${setting} right? (${where})`;
      }
      if (choice.provider === 'openai-compatible') {
        return `could not reach ${label} — is it running, and is baseUrl in ${choice.configKey ?? 'the model entry'} right?`;
      }
      const code = facts.codes.find((c) => CONNECTION_CODES.has(c));
      return `could not reach ${label}${code ? ` (${code})` : ''} — check the network and proxy where autodev runs — ${where}`;
    }
    case 'rate-limited':
      if (facts.codes.includes('insufficient_quota')) {
        return `${label} says the account is out of credit (insufficient_quota) — add credit or use another key — ${where}`;
      }
      return (
        `${label} is rate-limiting ${choice.model}${status} — try again later, or lower maxParallelAgents ` +
        `in .github/autodev.yml — ${where}`
      );
    case 'bad-request':
      if (facts.status === 404 || facts.codes.includes('MODEL_NOT_FOUND')) {
        return `${label} does not know the model "${choice.model}"${status} — check the model name: ${where}`;
      }
      if (facts.names.includes('ContextOverflowError')) {
        return `the conversation is too long for ${choice.model} — pick a model with a larger context window: ${where}`;
      }
      return `${label} rejected the request${status}: ${facts.message} — ${where}`;
    case 'unknown':
      return `${label} call failed${status}: ${facts.message} — ${where}`;
  }
}

function providerLabel(choice: ModelChoice, env: NodeJS.ProcessEnv): string {
  switch (choice.provider) {
    case 'openai':
      return `OpenAI at ${choice.baseUrl ?? env.OPENAI_BASE_URL?.trim() ?? OPENAI_DEFAULT_BASE_URL}`;
    case 'anthropic':
      return 'Anthropic';
    case 'ollama':
      return `Ollama at ${ollamaHost(choice, env)}`;
    case 'openai-compatible':
      return `the OpenAI-compatible server at ${choice.baseUrl ?? '(no baseUrl)'}`;
    case 'scripted':
      return 'the scripted model';
  }
}

/** Walks the error and its causes (SDKs nest the socket error two levels down). */
function collectFacts(error: unknown): Facts {
  const facts: Facts = { status: undefined, codes: [], names: [], message: firstLine(error) };
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    facts.status ??= firstNumber(
      record.status,
      record.statusCode,
      record.status_code,
      (record.response as Record<string, unknown> | undefined)?.status,
    );
    for (const code of [
      record.code,
      record.lc_error_code,
      (record.error as Record<string, unknown> | null)?.code,
    ]) {
      if (typeof code === 'string') facts.codes.push(code);
    }
    if (typeof record.name === 'string') facts.names.push(record.name);
    queue.push(record.cause);
    // Node reports a refused dual-stack connect (::1 and 127.0.0.1) as an AggregateError.
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
  }
  return facts;
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((value): value is number => typeof value === 'number');
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
