/** Error classification from the shapes SDKs throw, without HTTP. */
import { describe, expect, it } from '@jest/globals';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelError } from '../../app/models/model-error.js';
import { toModelError } from '../../app/models/to-model-error.js';

const openai: ModelChoice = { provider: 'openai', model: 'gpt-4o', configKey: 'models.planner' };
const ollama: ModelChoice = { provider: 'ollama', model: 'llama3.1', configKey: 'models.default' };

/** undici's shape: TypeError("fetch failed") caused by the socket error. */
function fetchFailed(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

describe('toModelError', () => {
  it('names the Ollama host from OLLAMA_HOST when the connection is refused', () => {
    const error = toModelError(fetchFailed('ECONNREFUSED'), ollama, { OLLAMA_HOST: '10.0.0.5' });
    expect(error).toMatchObject({ kind: 'unreachable', provider: 'ollama', model: 'llama3.1' });
    expect(error.message).toBe(
      'could not reach Ollama at http://10.0.0.5:11434 — is it running, and is OLLAMA_HOST right? ' +
        '(models.default uses ollama/llama3.1)',
    );
  });

  it('finds the code inside an SDK connection error and a dual-stack AggregateError', () => {
    const nested = Object.assign(new Error('Connection error.'), {
      name: 'APIConnectionError',
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'ENOTFOUND' })], 'fetch failed'),
    });
    const error = toModelError(nested, openai, {});
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      'could not reach OpenAI at https://api.openai.com/v1 (ENOTFOUND) — check the network and proxy where ' +
        'autodev runs — models.planner uses openai/gpt-4o',
    );
  });

  it.each([
    [{ status: 403 }, 'auth'],
    [{ status: 429 }, 'rate-limited'],
    [{ status: 529 }, 'rate-limited'],
    [{ status: 400 }, 'bad-request'],
    [{ status_code: 404 }, 'bad-request'],
    [{ status: 503 }, 'unreachable'],
    [{ status: 500 }, 'unknown'],
    [{ lc_error_code: 'MODEL_AUTHENTICATION' }, 'auth'],
    [{ name: 'ContextOverflowError' }, 'bad-request'],
    [{ code: 'ETIMEDOUT' }, 'unreachable'],
    [{}, 'unknown'],
  ])('classifies %o as %s', (fields, kind) => {
    expect(toModelError(Object.assign(new Error('boom'), fields), openai, {}).kind).toBe(kind);
  });

  it('says when the account is out of credit rather than throttled', () => {
    const quota = Object.assign(new Error('429 You exceeded your current quota'), {
      status: 429,
      code: 'insufficient_quota',
    });
    expect(toModelError(quota, openai, {}).message).toContain('out of credit (insufficient_quota)');
  });

  it("quotes the provider's reason for a bad request, without LangChain's troubleshooting footer", () => {
    const bad = Object.assign(new Error("400 Invalid 'messages': empty\n\nTroubleshooting URL: https://x"), {
      status: 400,
    });
    expect(toModelError(bad, openai, {}).message).toBe(
      "OpenAI at https://api.openai.com/v1 rejected the request (HTTP 400): 400 Invalid 'messages': empty — " +
        'models.planner uses openai/gpt-4o',
    );
  });

  it('passes a ModelError through unchanged, and accepts non-Error values', () => {
    const existing = new ModelError('already typed', { kind: 'auth', provider: 'openai', model: 'gpt-4o' });
    expect(toModelError(existing, openai, {})).toBe(existing);
    expect(toModelError('weird', openai, {})).toMatchObject({ kind: 'unknown', cause: 'weird' });
  });
});
