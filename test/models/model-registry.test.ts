/** Choosing a model per role and building it: keys, hosts, overrides, the scripted provider. */
import { describe, expect, it } from '@jest/globals';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { modelChoiceFor } from '../../app/models/model-choice.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { ModelConfigError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { isPrivateEndpoint, ollamaHost } from '../../app/models/provider-env.js';
import { scriptedProvider } from '../../app/models/scripted-provider.js';

const config = autodevConfigSchema.parse({
  models: {
    default: { provider: 'ollama', model: 'llama3.1' },
    planner: { provider: 'openai', model: 'gpt-4o' },
  },
});

function configError(run: () => unknown): ModelConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelConfigError) return error;
    throw error;
  }
  throw new Error('expected a ModelConfigError');
}

describe('modelChoiceFor', () => {
  it("uses the role's own entry, else models.default, and remembers which", () => {
    expect(modelChoiceFor(config, 'planner')).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      configKey: 'models.planner',
    });
    expect(modelChoiceFor(config, 'coder')).toEqual({
      provider: 'ollama',
      model: 'llama3.1',
      configKey: 'models.default',
    });
  });
});

describe('ModelRegistry', () => {
  const registry = new ModelRegistry();
  const planner = modelChoiceFor(config, 'planner');

  it('builds ChatOpenAI with the key from the given environment, not process.env', () => {
    const model = registry.create(planner, { OPENAI_API_KEY: 'sk-from-env' });
    expect(model).toBeInstanceOf(ChatOpenAI);
    expect((model as ChatOpenAI).apiKey).toBe('sk-from-env');
  });

  it.each<[string, ModelChoice, string]>([
    [
      'openai',
      planner,
      "Set OPENAI_API_KEY in the app's environment (or as an Actions secret) — models.planner uses openai/gpt-4o",
    ],
    [
      'anthropic',
      { provider: 'anthropic', model: 'claude-sonnet-4-0', configKey: 'models.reviewer' },
      "Set ANTHROPIC_API_KEY in the app's environment (or as an Actions secret) — models.reviewer uses anthropic/claude-sonnet-4-0",
    ],
  ])('a missing %s key is a ModelConfigError naming the variable', (_name, choice, message) => {
    const error = configError(() => registry.create(choice, {}));
    expect(error.message).toBe(message);
    expect(error.variable).toBe(message.split(' ')[1]);
  });

  it('treats a blank key as missing', () => {
    expect(configError(() => registry.create(planner, { OPENAI_API_KEY: '   ' })).variable).toBe(
      'OPENAI_API_KEY',
    );
  });

  it('needs no key for Ollama, and finds it at 127.0.0.1:11434 unless told otherwise', () => {
    const model = registry.create({ provider: 'ollama', model: 'llama3.1' }, {});
    expect(model).toBeInstanceOf(ChatOllama);
    expect((model as ChatOllama).baseUrl).toBe('http://127.0.0.1:11434');
  });

  it('reads OLLAMA_HOST the way the ollama CLI does', () => {
    const choice: ModelChoice = { provider: 'ollama', model: 'llama3.1' };
    expect(ollamaHost(choice, { OLLAMA_HOST: '10.0.0.5' })).toBe('http://10.0.0.5:11434');
    expect(ollamaHost(choice, { OLLAMA_HOST: '10.0.0.5:8080' })).toBe('http://10.0.0.5:8080');
    expect(ollamaHost(choice, { OLLAMA_HOST: ':9999' })).toBe('http://127.0.0.1:9999');
    expect(ollamaHost(choice, { OLLAMA_HOST: 'https://ollama.example.com' })).toBe(
      'https://ollama.example.com',
    );
    expect(ollamaHost({ ...choice, baseUrl: 'http://gpu:11434/' }, { OLLAMA_HOST: 'ignored' })).toBe(
      'http://gpu:11434',
    );
  });

  it('tells private endpoints (which often need no key) from public ones', () => {
    for (const url of [
      'http://localhost:8000/v1',
      'http://127.0.0.1:1234',
      'http://10.1.2.3',
      'http://192.168.0.9',
      'http://172.20.0.2',
      'http://[::1]:8000',
      'http://box.local',
    ]) {
      expect([url, isPrivateEndpoint(url)]).toEqual([url, true]);
    }
    for (const url of ['https://api.together.xyz/v1', 'http://172.32.0.1', 'http://8.8.8.8']) {
      expect([url, isPrivateEndpoint(url)]).toEqual([url, false]);
    }
  });

  it('uses a factory given to it instead of the built-in one', () => {
    const custom = new ChatOpenAI({ apiKey: 'x', model: 'gpt-4o' });
    const registryWithCustom = new ModelRegistry({ openai: () => custom });
    expect(registryWithCustom.create(planner, {})).toBe(custom);
    expect(registryWithCustom.create({ provider: 'ollama', model: 'llama3.1' }, {})).toBeInstanceOf(
      ChatOllama,
    );
  });

  it('says the scripted provider needs a script given in code', () => {
    const error = configError(() =>
      registry.create({ provider: 'scripted', model: 'demo', configKey: 'models.default' }, {}),
    );
    expect(error.message).toMatch(
      /scripted provider answers from a script given in code .* for models\.default$/,
    );
  });

  it('answers from the script in order, across roles, with estimated usage on plain answers', async () => {
    const provider = scriptedProvider([
      'first answer',
      new AIMessage('second answer'),
      new Error('third fails'),
    ]);
    const scripted = new ModelRegistry({ scripted: provider });
    const choice: ModelChoice = { provider: 'scripted', model: 'demo' };

    const first = await scripted.create(choice, {}).invoke([new HumanMessage('12345678')]);
    const second = await scripted.create({ ...choice, model: 'other' }, {}).invoke([new HumanMessage('hi')]);
    const third = await scripted
      .create(choice, {})
      .invoke([new HumanMessage('x')])
      .catch((e: unknown) => e);

    expect(first.text).toBe('first answer');
    // 4 per message + 8 chars / 4; "first answer" is 12 chars / 4
    expect(first.usage_metadata).toEqual({ input_tokens: 6, output_tokens: 3, total_tokens: 9 });
    expect(second.text).toBe('second answer');
    expect(third).toEqual(new Error('third fails'));
    expect(provider.model.callCount).toBe(3);
  });
});
