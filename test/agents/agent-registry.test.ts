/** Agent backends by name: each factory builds its backend from the role's model settings. */
import { describe, expect, it } from '@jest/globals';
import { fakeModel } from '@langchain/core/testing';
import { AGENT_BACKEND_NAMES, backendFor, cliModel } from '../../app/agents/agent-registry.js';
import type { AgentBackendDeps } from '../../app/agents/agent-registry.js';
import { CliBackend } from '../../app/agents/cli-backends.js';
import { ScriptedBackend } from '../../app/agents/scripted-backend.js';
import { ToolLoopBackend } from '../../app/agents/tool-loop-backend.js';
import { defaultConfig } from '../../app/config/config-schema.js';
import { ModelConfigError } from '../../app/models/model-error.js';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { RunBudget } from '../../app/models/run-budget.js';

function deps(overrides: Partial<AgentBackendDeps> = {}): AgentBackendDeps {
  const config = defaultConfig();
  config.models.coder = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
  return {
    role: 'coder',
    config,
    models: new ModelRegistry({ scripted: () => fakeModel() }),
    budget: new RunBudget({ tokens: 1000, dollars: 1 }),
    env: { ANTHROPIC_API_KEY: 'sk-ant-test', OPENAI_API_KEY: 'sk-test' },
    ...overrides,
  };
}

describe('backendFor', () => {
  it('builds every registered backend', () => {
    expect(AGENT_BACKEND_NAMES).toEqual(['builtin', 'claude', 'codex', 'aider', 'scripted']);
    expect(backendFor('builtin', deps())).toBeInstanceOf(ToolLoopBackend);
    for (const name of ['claude', 'codex', 'aider']) {
      const backend = backendFor(name, deps());
      expect(backend).toBeInstanceOf(CliBackend);
      expect(backend.name).toBe(name);
    }
    expect(backendFor('scripted', deps({ script: [{ actions: [] }] }))).toBeInstanceOf(ScriptedBackend);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => backendFor('cursor', deps())).toThrow(
      'Unknown agent backend "cursor": use one of builtin, claude, codex, aider, scripted.',
    );
    expect(() => backendFor('toString', deps())).toThrow('Unknown agent backend "toString"');
  });

  it("builds the builtin backend over the role's model, failing with the provider's message without a key", () => {
    const scripted = deps();
    scripted.config.models.coder = { provider: 'scripted', model: 'demo' };
    expect(backendFor('builtin', scripted)).toBeInstanceOf(ToolLoopBackend);

    expect(() => backendFor('builtin', deps({ env: {} }))).toThrow(ModelConfigError);
    expect(() => backendFor('builtin', deps({ env: {} }))).toThrow(/ANTHROPIC_API_KEY/);
  });

  it('needs a script for the scripted backend', () => {
    expect(() => backendFor('scripted', deps())).toThrow('The scripted agent backend needs a script');
  });

  it("passes the role's model to a CLI only when that CLI runs the provider", () => {
    const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5' } as const;
    const mini = { provider: 'openai', model: 'gpt-4o-mini' } as const;
    expect(cliModel('claude', sonnet)).toBe('claude-sonnet-4-5');
    expect(cliModel('claude', mini)).toBeUndefined();
    expect(cliModel('codex', mini)).toBe('gpt-4o-mini');
    expect(cliModel('codex', sonnet)).toBeUndefined();
    expect(cliModel('aider', sonnet)).toBe('anthropic/claude-sonnet-4-5');
    expect(cliModel('aider', { provider: 'ollama', model: 'qwen2.5-coder' })).toBe(
      'ollama_chat/qwen2.5-coder',
    );
    expect(
      cliModel('aider', { provider: 'openai-compatible', model: 'x', baseUrl: 'http://localhost:8000/v1' }),
    ).toBeUndefined();
  });
});
