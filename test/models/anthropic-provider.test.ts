/** The anthropic provider against recorded Messages API responses. */
import { describe, expect, it } from '@jest/globals';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import nock from 'nock';
import { invokeMetered } from '../../app/models/invoke-metered.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { jsonFixture, useStrictNock } from './strict-nock.js';

const choice: ModelChoice = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-20250514',
  configKey: 'models.coder',
};
const env = { ANTHROPIC_API_KEY: 'sk-ant-test' };
const messages = [new SystemMessage('You plan software work.'), new HumanMessage('Plan: add a users table.')];

function setup() {
  const registry = new ModelRegistry(defaultProviderFactories({ maxRetries: 0 }));
  const budget = new RunBudget({ tokens: 100_000, dollars: 1 });
  const usages: ModelUsage[] = [];
  const ctx = { choice, budget, prices: DEFAULT_PRICES, env, onUsage: (u: ModelUsage) => usages.push(u) };
  return { model: registry.create(choice, env), budget, usages, ctx };
}

describe('anthropic provider', () => {
  useStrictNock();

  it('posts the message with x-api-key and model, and meters the reported usage', async () => {
    let body: Record<string, unknown> = {};
    nock('https://api.anthropic.com', {
      reqheaders: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    })
      .post('/v1/messages', (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, jsonFixture('anthropic-message.json'));
    const { model, budget, usages, ctx } = setup();

    const answer = await invokeMetered(model, messages, ctx);

    expect(answer.text).toBe('Plan: 1. migration 2. repository 3. endpoint tests.');
    expect(body).toMatchObject({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 8192,
      system: 'You plan software work.',
      messages: [{ role: 'user', content: 'Plan: add a users table.' }],
    });
    // Priced as claude-sonnet-4 by prefix: 2000 × $3/M + 500 × $15/M
    expect(usages).toEqual([
      {
        inputTokens: 2000,
        outputTokens: 500,
        tokens: 2500,
        costUsd: expect.closeTo(0.0135, 10),
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
      },
    ]);
    expect(budget.spent().tokens).toBe(2500);
  });

  it('turns a 401 into an auth error that names ANTHROPIC_API_KEY', async () => {
    nock('https://api.anthropic.com')
      .post('/v1/messages')
      .reply(401, jsonFixture('anthropic-error-401.json'));
    const { model, usages, ctx } = setup();

    const error = await invokeMetered(model, messages, ctx).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ModelError', kind: 'auth', status: 401, provider: 'anthropic' });
    expect((error as Error).message).toBe(
      "Anthropic rejected the API key (HTTP 401) — check ANTHROPIC_API_KEY in the app's environment " +
        '(or the Actions secret) — models.coder uses anthropic/claude-sonnet-4-20250514',
    );
    expect(usages).toEqual([]);
  });
});
