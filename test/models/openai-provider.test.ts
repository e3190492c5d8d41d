/** The openai provider against recorded Chat Completions responses. */
import { describe, expect, it } from '@jest/globals';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import nock from 'nock';
import { invokeMetered } from '../../app/models/invoke-metered.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { jsonFixture, useStrictNock } from './strict-nock.js';

const choice: ModelChoice = { provider: 'openai', model: 'gpt-4o-mini', configKey: 'models.planner' };
const env = { OPENAI_API_KEY: 'sk-test' };
const messages = [
  new SystemMessage('You plan software work.'),
  new HumanMessage('Plan: add a /health endpoint.'),
];

function setup() {
  const registry = new ModelRegistry(defaultProviderFactories({ maxRetries: 0 }));
  const budget = new RunBudget({ tokens: 100_000, dollars: 1 });
  const usages: ModelUsage[] = [];
  const ctx = { choice, budget, prices: DEFAULT_PRICES, env, onUsage: (u: ModelUsage) => usages.push(u) };
  return { model: registry.create(choice, env), budget, usages, ctx };
}

describe('openai provider', () => {
  useStrictNock();

  it('posts the chat completion with the key and model, and meters the reported usage', async () => {
    let body: Record<string, unknown> = {};
    nock('https://api.openai.com', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/v1/chat/completions', (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, jsonFixture('openai-chat-completion.json'));
    const { model, budget, usages, ctx } = setup();

    const answer = await invokeMetered(model, messages, ctx);

    expect(answer.text).toBe('Split the work into three tasks: schema, API handler, tests.');
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 8192,
      messages: [
        { role: 'system', content: 'You plan software work.' },
        { role: 'user', content: 'Plan: add a /health endpoint.' },
      ],
    });
    // 1200 input at $0.15/M + 300 output at $0.60/M
    const usage = {
      inputTokens: 1200,
      outputTokens: 300,
      tokens: 1500,
      provider: 'openai',
      model: 'gpt-4o-mini',
    };
    expect(usages).toEqual([{ ...usage, costUsd: expect.closeTo(0.00036, 10) }]);
    expect(budget.spent()).toEqual({ tokens: 1500, costUsd: expect.closeTo(0.00036, 10) });
  });

  it('honours OPENAI_BASE_URL', async () => {
    nock('https://proxy.example.com', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/openai/v1/chat/completions')
      .reply(200, jsonFixture('openai-chat-completion.json'));
    const proxied = { ...env, OPENAI_BASE_URL: 'https://proxy.example.com/openai/v1' };
    const model = new ModelRegistry(defaultProviderFactories({ maxRetries: 0 })).create(choice, proxied);

    const answer = await model.invoke(messages);

    expect(answer.text).toContain('three tasks');
  });

  it('turns a 401 into an auth error that names OPENAI_API_KEY, and records no spend', async () => {
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .reply(401, jsonFixture('openai-error-401.json'));
    const { model, budget, usages, ctx } = setup();

    const error = await invokeMetered(model, messages, ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: 'auth', status: 401, provider: 'openai', model: 'gpt-4o-mini' });
    expect((error as Error).message).toBe(
      "OpenAI at https://api.openai.com/v1 rejected the API key (HTTP 401) — check OPENAI_API_KEY in the app's " +
        'environment (or the Actions secret) — models.planner uses openai/gpt-4o-mini',
    );
    expect(usages).toEqual([]);
    expect(budget.spent()).toEqual({ tokens: 0, costUsd: 0 });
  });

  it('turns a 429 into a rate-limited error', async () => {
    nock('https://api.openai.com')
      .post('/v1/chat/completions')
      .reply(429, jsonFixture('openai-error-429.json'));
    const { model, ctx } = setup();

    const error = await invokeMetered(model, messages, ctx).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'rate-limited', status: 429 });
    expect((error as Error).message).toContain('lower maxParallelAgents');
  });
});
