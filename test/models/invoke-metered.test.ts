/** Metered calls: refuse before calling when the budget cannot cover the worst case, then record real usage. */
import { describe, expect, it } from '@jest/globals';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import nock from 'nock';
import { invokeMetered } from '../../app/models/invoke-metered.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES, pricesFor } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { BudgetExceededError, RunBudget } from '../../app/models/run-budget.js';
import { jsonFixture, useStrictNock } from './strict-nock.js';

const choice: ModelChoice = { provider: 'openai', model: 'gpt-4o-mini', configKey: 'models.planner' };
const env = { OPENAI_API_KEY: 'sk-test' };
const openai = () => new ModelRegistry(defaultProviderFactories({ maxRetries: 0 })).create(choice, env);
const ask = [new HumanMessage('Plan it.')];

function replyOnce(): void {
  nock('https://api.openai.com')
    .post('/v1/chat/completions')
    .reply(200, jsonFixture('openai-chat-completion.json'));
}

describe('invokeMetered', () => {
  useStrictNock();

  it('does not call the provider when the worst case would exceed the dollars left', async () => {
    // No interceptor: a request would fail the test as unexpected.
    const budget = new RunBudget({ tokens: 2_000_000, dollars: 1 }, { tokens: 0, costUsd: 0.999 });

    const error = await invokeMetered(openai(), ask, { choice, budget, prices: DEFAULT_PRICES, env }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toContain('the next call (openai/gpt-4o-mini) may cost up to $0.0049');
    expect((error as Error).message).toContain('reply `/parallel-dev … budget=2`, or raise `budget.dollars`');
    expect(budget.spent()).toEqual({ tokens: 0, costUsd: 0.999 });
  });

  it('counts maxOutputTokens in the worst case', async () => {
    const budget = new RunBudget({ tokens: 1000, dollars: 10 });
    const ctx = { choice, budget, prices: DEFAULT_PRICES, env };

    await expect(invokeMetered(openai(), ask, { ...ctx, maxOutputTokens: 1000 })).rejects.toThrow(
      BudgetExceededError,
    );
    replyOnce();
    await expect(invokeMetered(openai(), ask, { ...ctx, maxOutputTokens: 900 })).resolves.toBeInstanceOf(
      AIMessage,
    );
  });

  it('accumulates usage across calls until the budget refuses the next one', async () => {
    replyOnce();
    replyOnce();
    // Each call may need 6 input + 100 output tokens: two fit (1500 each), a third no longer does.
    const budget = new RunBudget({ tokens: 3100, dollars: 10 });
    const usages: ModelUsage[] = [];
    const ctx = {
      choice,
      budget,
      prices: DEFAULT_PRICES,
      env,
      maxOutputTokens: 100,
      onUsage: (u: ModelUsage) => usages.push(u),
    };

    await invokeMetered(openai(), ask, ctx);
    await invokeMetered(openai(), ask, ctx);
    const third = await invokeMetered(openai(), ask, ctx).catch((e: unknown) => e);

    expect(usages.map((u) => u.tokens)).toEqual([1500, 1500]);
    expect(budget.spent()).toEqual({ tokens: 3000, costUsd: expect.closeTo(0.00072, 10) });
    expect(third).toMatchObject({ name: 'BudgetExceededError', limit: 'tokens' });
  });

  it("prices with the repository's overrides", async () => {
    replyOnce();
    const prices = pricesFor({ prices: { 'gpt-4o-mini': { input: 1, output: 2 } } });
    const budget = new RunBudget({ tokens: 100_000, dollars: 10 });

    await invokeMetered(openai(), ask, { choice, budget, prices, env });

    // 1200 × $1/M + 300 × $2/M
    expect(budget.spent().costUsd).toBeCloseTo(0.0018, 10);
  });

  it('estimates usage from characters when the provider reports none, and says so', async () => {
    const model = fakeModel().respond(new AIMessage('a'.repeat(40)));
    const usages: ModelUsage[] = [];
    const budget = new RunBudget({ tokens: 100_000, dollars: 10 });

    await invokeMetered(model, ask, {
      choice,
      budget,
      prices: DEFAULT_PRICES,
      onUsage: (u) => usages.push(u),
    });

    // input: 4 per message + "Plan it." (8 chars) / 4; output: 40 chars / 4
    expect(usages).toEqual([
      expect.objectContaining({ inputTokens: 6, outputTokens: 10, tokens: 16, estimated: true }),
    ]);
  });

  it('turns other failures into a ModelError of kind unknown, keeping the cause', async () => {
    const boom = new Error('socket hang up\n\nTroubleshooting URL: https://example.com');
    const model = fakeModel().respond(boom);
    const budget = new RunBudget({ tokens: 100_000, dollars: 10 });

    const error = await invokeMetered(model, ask, { choice, budget, prices: DEFAULT_PRICES, env }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: 'unknown', cause: boom });
    expect((error as Error).message).toBe(
      'OpenAI at https://api.openai.com/v1 call failed: socket hang up — models.planner uses openai/gpt-4o-mini',
    );
  });
});
