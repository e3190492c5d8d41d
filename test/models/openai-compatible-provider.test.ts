/** The openai-compatible provider: ChatOpenAI pointed at `baseUrl`, with its own key variable. */
import { describe, expect, it } from '@jest/globals';
import { HumanMessage } from '@langchain/core/messages';
import nock from 'nock';
import { invokeMetered } from '../../app/models/invoke-metered.js';
import type { ModelUsage } from '../../app/models/invoke-metered.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelConfigError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { defaultProviderFactories } from '../../app/models/provider-factories.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { causeCodes, closedPort, jsonFixture, useStrictNock } from './strict-nock.js';

const publicChoice: ModelChoice = {
  provider: 'openai-compatible',
  model: 'qwen2.5-coder-32b',
  baseUrl: 'https://llm.example.com/v1',
  configKey: 'models.coder',
};
const messages = [new HumanMessage('Write the migration.')];
const registry = new ModelRegistry(defaultProviderFactories({ maxRetries: 0 }));
const isModel = (model: string) => (body: { model?: string }) => body.model === model;

function context(choice: ModelChoice) {
  const usages: ModelUsage[] = [];
  const budget = new RunBudget({ tokens: 100_000, dollars: 1 });
  const onUsage = (u: ModelUsage) => usages.push(u);
  return { usages, ctx: { choice, budget, prices: DEFAULT_PRICES, env: {}, onUsage } };
}

describe('openai-compatible provider', () => {
  const http = useStrictNock();

  it('posts to baseUrl with OPENAI_COMPATIBLE_API_KEY; an unpriced model costs 0 and is flagged', async () => {
    nock('https://llm.example.com', { reqheaders: { authorization: 'Bearer compat-key' } })
      .post('/v1/chat/completions', isModel('qwen2.5-coder-32b'))
      .reply(200, jsonFixture('openai-chat-completion.json'));
    const env = { OPENAI_COMPATIBLE_API_KEY: 'compat-key', OPENAI_API_KEY: 'sk-openai' };
    const { usages, ctx } = context(publicChoice);

    const answer = await invokeMetered(registry.create(publicChoice, env), messages, ctx);

    expect(answer.text).toContain('three tasks');
    expect(usages).toEqual([
      {
        inputTokens: 1200,
        outputTokens: 300,
        tokens: 1500,
        costUsd: 0,
        provider: 'openai-compatible',
        model: 'qwen2.5-coder-32b',
        unpriced: true,
      },
    ]);
  });

  it('falls back to OPENAI_API_KEY', async () => {
    nock('https://llm.example.com', { reqheaders: { authorization: 'Bearer sk-openai' } })
      .post('/v1/chat/completions')
      .reply(200, jsonFixture('openai-chat-completion.json'));

    const answer = await registry.create(publicChoice, { OPENAI_API_KEY: 'sk-openai' }).invoke(messages);

    expect(answer.text).toContain('three tasks');
  });

  it('sends a placeholder key to a server on this machine when no key is set', async () => {
    nock('http://127.0.0.1:8000', { reqheaders: { authorization: 'Bearer not-needed' } })
      .post('/v1/chat/completions', isModel('local-model'))
      .reply(200, jsonFixture('openai-chat-completion.json'));
    const local: ModelChoice = {
      provider: 'openai-compatible',
      model: 'local-model',
      baseUrl: 'http://127.0.0.1:8000/v1',
    };

    const answer = await registry.create(local, {}).invoke(messages);

    expect(answer.text).toContain('three tasks');
  });

  it('refuses a public endpoint without a key, naming both variables', () => {
    expect(() => registry.create(publicChoice, {})).toThrow(
      new ModelConfigError(
        "Set OPENAI_COMPATIBLE_API_KEY (or OPENAI_API_KEY) in the app's environment (or as an Actions secret; " +
          'any value works if the server needs no key) — models.coder uses openai-compatible/qwen2.5-coder-32b ' +
          'at https://llm.example.com/v1',
      ),
    );
  });

  it('refuses a choice without baseUrl, saying where to add it', () => {
    const { baseUrl: _omitted, ...noBaseUrl } = publicChoice;
    expect(() => registry.create(noBaseUrl, { OPENAI_COMPATIBLE_API_KEY: 'k' })).toThrow(
      /openai-compatible needs the server's address: add `baseUrl: https:\/\/your-server\/v1` under models\.coder in \.github\/autodev\.yml/,
    );
  });

  it('turns a 401 into an auth error naming the key variables', async () => {
    nock('https://llm.example.com')
      .post('/v1/chat/completions')
      .reply(401, jsonFixture('openai-error-401.json'));
    const { ctx } = context(publicChoice);
    const model = registry.create(publicChoice, { OPENAI_COMPATIBLE_API_KEY: 'wrong' });

    const error = await invokeMetered(model, messages, ctx).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect((error as Error).message).toContain('check OPENAI_COMPATIBLE_API_KEY (or OPENAI_API_KEY)');
  });

  it('names the server and baseUrl when nothing listens there', async () => {
    const port = await closedPort();
    http.allowNetConnect(`127.0.0.1:${port}`);
    const down: ModelChoice = { ...publicChoice, baseUrl: `http://127.0.0.1:${port}/v1` };
    const { ctx } = context(down);

    const error = await invokeMetered(registry.create(down, {}), messages, ctx).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'unreachable' });
    expect(causeCodes(error)).toContain('ECONNREFUSED');
    expect((error as Error).message).toBe(
      `could not reach the OpenAI-compatible server at http://127.0.0.1:${port}/v1 — is it running, ` +
        'and is baseUrl in models.coder right?',
    );
  });
});
