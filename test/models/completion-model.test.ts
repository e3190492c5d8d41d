/** The planner's CompletionModel port: over the registry, and the scripted stand-in for other tests. */
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  completionModel,
  SCRIPTED_USAGE,
  scriptedCompletionModel,
} from '../../app/models/completion-model.js';
import type { CompletionMessage } from '../../app/models/completion-model.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelConfigError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { BudgetExceededError, RunBudget } from '../../app/models/run-budget.js';
import { scriptedProvider } from '../../app/models/scripted-provider.js';
import { jsonFixture, useStrictNock } from './strict-nock.js';

const conversation: CompletionMessage[] = [
  { role: 'system', content: 'You are the planner.' },
  { role: 'user', content: 'Spec: add login.' },
  { role: 'assistant', content: '{"tasks": []}' },
  { role: 'user', content: 'That plan has no tasks; try again.' },
];
const openaiChoice: ModelChoice = { provider: 'openai', model: 'gpt-4o-mini', configKey: 'models.planner' };

describe('completionModel', () => {
  useStrictNock();

  it('sends the conversation with the output cap it budgets for, and returns text and usage', async () => {
    let body: { max_tokens?: number; messages?: unknown } = {};
    nock('https://api.openai.com', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/v1/chat/completions', (b: typeof body) => ((body = b), true))
      .reply(200, jsonFixture('openai-chat-completion.json'));
    const usages: ModelUsage[] = [];
    const budget = new RunBudget({ tokens: 100_000, dollars: 1 });
    const planner = completionModel({
      registry: new ModelRegistry(defaultProviderFactories({ maxRetries: 0 })),
      choice: openaiChoice,
      budget,
      prices: DEFAULT_PRICES,
      env: { OPENAI_API_KEY: 'sk-test' },
      maxOutputTokens: 2000,
      onUsage: (u) => usages.push(u),
    });

    const result = await planner.complete(conversation);

    expect(result.text).toBe('Split the work into three tasks: schema, API handler, tests.');
    expect(result.usage).toMatchObject({
      inputTokens: 1200,
      outputTokens: 300,
      tokens: 1500,
      provider: 'openai',
    });
    expect(usages).toEqual([result.usage]);
    expect(budget.spent().tokens).toBe(1500);
    expect(body.max_tokens).toBe(2000);
    expect(body.messages).toEqual(conversation);
  });

  it('reports a missing key from complete(), where the planner handles errors', async () => {
    const planner = completionModel({
      registry: new ModelRegistry(),
      choice: openaiChoice,
      budget: new RunBudget({ tokens: 1000, dollars: 1 }),
      prices: DEFAULT_PRICES,
      env: {},
    });

    await expect(planner.complete(conversation)).rejects.toThrow(ModelConfigError);
  });

  it('refuses before calling when the budget cannot cover the call', async () => {
    const provider = scriptedProvider(['never sent']);
    const planner = completionModel({
      registry: new ModelRegistry({ scripted: provider }),
      choice: { provider: 'scripted', model: 'demo' },
      budget: new RunBudget({ tokens: 500, dollars: 1 }),
      prices: DEFAULT_PRICES,
      maxOutputTokens: 1000,
    });

    await expect(planner.complete(conversation)).rejects.toThrow(BudgetExceededError);
    expect(provider.model.callCount).toBe(0);
  });
});

describe('scriptedCompletionModel', () => {
  it('answers in order, throws scripted errors, and records every call', async () => {
    const failure = new Error('provider down');
    const model = scriptedCompletionModel(['first', failure, 'third']);

    await expect(model.complete([{ role: 'user', content: 'a' }])).resolves.toEqual({
      text: 'first',
      usage: SCRIPTED_USAGE,
    });
    await expect(model.complete([{ role: 'user', content: 'b' }])).rejects.toBe(failure);
    await expect(model.complete([{ role: 'user', content: 'c' }])).resolves.toMatchObject({ text: 'third' });
    await expect(model.complete([{ role: 'user', content: 'd' }])).rejects.toThrow(
      'scriptedCompletionModel: no answer left for call 4 (3 scripted)',
    );
    expect(model.calls.map((messages) => messages[0]?.content)).toEqual(['a', 'b', 'c', 'd']);
  });
});
