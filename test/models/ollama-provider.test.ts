/** The ollama provider against a recorded /api/chat stream, and against a host where nothing listens. */
import { describe, expect, it } from '@jest/globals';
import { HumanMessage } from '@langchain/core/messages';
import nock from 'nock';
import { invokeMetered } from '../../app/models/invoke-metered.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { causeCodes, closedPort, fixture, useStrictNock } from './strict-nock.js';

const choice: ModelChoice = { provider: 'ollama', model: 'llama3.1', configKey: 'models.default' };
const messages = [new HumanMessage('How many tasks?')];
const registry = new ModelRegistry(defaultProviderFactories({ maxRetries: 0 }));

function context(env: NodeJS.ProcessEnv, target: ModelChoice = choice) {
  const budget = new RunBudget({ tokens: 100_000, dollars: 1 });
  const usages: ModelUsage[] = [];
  return {
    budget,
    usages,
    ctx: { choice: target, budget, prices: DEFAULT_PRICES, env, onUsage: (u: ModelUsage) => usages.push(u) },
  };
}

describe('ollama provider', () => {
  const http = useStrictNock();

  it('streams /api/chat from OLLAMA_HOST and meters prompt_eval_count / eval_count at no cost', async () => {
    let body: Record<string, unknown> = {};
    nock('http://10.0.0.5:11434')
      .post('/api/chat', (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, fixture('ollama-chat-stream.ndjson'), { 'content-type': 'application/x-ndjson' });
    const env = { OLLAMA_HOST: '10.0.0.5' };
    const { budget, usages, ctx } = context(env);

    const answer = await invokeMetered(registry.create(choice, env), messages, ctx);

    expect(answer.text).toBe('Three tasks suffice.');
    expect(body).toMatchObject({
      model: 'llama3.1',
      stream: true,
      options: { num_predict: 8192 },
      messages: [{ role: 'user', content: 'How many tasks?' }],
    });
    expect(usages).toEqual([
      { inputTokens: 26, outputTokens: 4, tokens: 30, costUsd: 0, provider: 'ollama', model: 'llama3.1' },
    ]);
    expect(budget.spent()).toEqual({ tokens: 30, costUsd: 0 });
  });

  it('uses baseUrl from the config over OLLAMA_HOST', async () => {
    nock('http://gpu-box.internal:8080')
      .post('/api/chat')
      .reply(200, fixture('ollama-chat-stream.ndjson'), { 'content-type': 'application/x-ndjson' });
    const target = { ...choice, baseUrl: 'http://gpu-box.internal:8080' };

    const answer = await registry.create(target, { OLLAMA_HOST: '10.0.0.5' }).invoke(messages);

    expect(answer.text).toBe('Three tasks suffice.');
  });

  it('names the host and OLLAMA_HOST when nothing listens there', async () => {
    const port = await closedPort();
    http.allowNetConnect(`127.0.0.1:${port}`);
    const env = { OLLAMA_HOST: `127.0.0.1:${port}` };
    const { usages, ctx } = context(env);

    const error = await invokeMetered(registry.create(choice, env), messages, ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: 'unreachable', provider: 'ollama', status: undefined });
    expect(causeCodes(error)).toContain('ECONNREFUSED');
    expect((error as Error).message).toBe(
      `could not reach Ollama at http://127.0.0.1:${port} — is it running, and is OLLAMA_HOST right? ` +
        '(models.default uses ollama/llama3.1)',
    );
    expect(usages).toEqual([]);
  });

  it('names baseUrl in the config when that is where the host came from', async () => {
    const port = await closedPort();
    http.allowNetConnect(`127.0.0.1:${port}`);
    const target = { ...choice, baseUrl: `http://127.0.0.1:${port}` };
    const { ctx } = context({}, target);

    const error = await invokeMetered(registry.create(target, {}), messages, ctx).catch((e: unknown) => e);

    expect((error as Error).message).toContain('is baseUrl in models.default right?');
  });

  it('reports a model the server does not have as a bad request', async () => {
    nock('http://127.0.0.1:11434')
      .post('/api/chat')
      .reply(404, { error: "model 'llama9' not found" }, { 'content-type': 'application/json' });
    const target = { ...choice, model: 'llama9' };
    const { ctx } = context({}, target);

    const error = await invokeMetered(registry.create(target, {}), messages, ctx).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'bad-request', status: 404 });
    expect((error as Error).message).toContain('does not know the model "llama9"');
  });
});
