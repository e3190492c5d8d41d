/**
 * Agent backends by name (CONVENTIONS #4): `builtin` (the LangChain tool loop over the role's model),
 * the `claude`, `codex` and `aider` CLIs, and `scripted` for tests and the sandbox. The role's model
 * from `models` in .github/autodev.yml also picks the CLI's --model when the providers match, so one
 * setting says which model a role uses whatever runs it.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { ModelUsage } from '../models/invoke-metered.js';
import { modelChoiceFor } from '../models/model-choice.js';
import type { ModelChoice } from '../models/model-choice.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { pricesFor } from '../models/price-table.js';
import { keyVariablesFor } from '../models/provider-env.js';
import type { RunBudget } from '../models/run-budget.js';
import { loadPrompt, renderPrompt } from '../prompts/prompt-library.js';
import type { AgentRole } from '../runs/run.js';
import type { AgentBackend } from './agent-backend.js';
import { AgentError } from './agent-error.js';
import type { PromptSource } from './agent-prompt.js';
import { CliBackend } from './cli-backends.js';
import { ScriptedBackend } from './scripted-backend.js';
import type { ScriptedAttempt } from './scripted-backend.js';
import { ToolLoopBackend } from './tool-loop-backend.js';

export const AGENT_BACKEND_NAMES = ['builtin', 'claude', 'codex', 'aider', 'scripted'] as const;
export type AgentBackendName = (typeof AGENT_BACKEND_NAMES)[number];

export interface AgentBackendDeps {
  /** The task's role: picks the model (`models.<role>` or `models.default`) and the prompt. */
  role: AgentRole;
  config: AutodevConfig;
  models: ModelRegistry;
  budget: RunBudget;
  /** Defaults to the built-in prompts; pass one that reads repository overrides in production. */
  prompts?: PromptSource;
  /** Keys, PATH and HOME come from here; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  onUsage?(usage: ModelUsage): void;
  /** Attempts for the `scripted` backend. */
  script?: ScriptedAttempt[];
  /** The key variable aider gets; defaults to the one of the role's model provider. */
  aiderKeyVariable?: string;
}

export type AgentBackendFactory = (deps: AgentBackendDeps) => AgentBackend;

const builtinPrompts: PromptSource = { load: (name) => loadPrompt(name), render: renderPrompt };

/** The CLI's --model, when the role's model is one that CLI can run. */
export function cliModel(cli: 'claude' | 'codex' | 'aider', choice: ModelChoice): string | undefined {
  if (cli === 'claude') return choice.provider === 'anthropic' ? choice.model : undefined;
  if (cli === 'codex') return choice.provider === 'openai' ? choice.model : undefined;
  // aider names models the way LiteLLM does: provider prefix, and ollama_chat for Ollama's chat API.
  const prefix = { openai: 'openai/', anthropic: 'anthropic/', ollama: 'ollama_chat/' } as const;
  const key = choice.provider as keyof typeof prefix;
  return key in prefix ? `${prefix[key]}${choice.model}` : undefined;
}

function cliFactory(cli: 'claude' | 'codex' | 'aider'): AgentBackendFactory {
  return (deps) => {
    const choice = modelChoiceFor(deps.config, deps.role);
    const model = cliModel(cli, choice);
    const keyVariable =
      cli === 'aider'
        ? (deps.aiderKeyVariable ?? keyVariablesFor(choice.provider)[0] ?? 'OPENAI_API_KEY')
        : undefined;
    return new CliBackend(cli, {
      prompts: deps.prompts ?? builtinPrompts,
      allowedCommands: deps.config.allowedCommands,
      ...(deps.env ? { env: deps.env } : {}),
      ...(model ? { model } : {}),
      ...(keyVariable ? { keyVariable } : {}),
    });
  };
}

export function defaultBackendFactories(): Record<AgentBackendName, AgentBackendFactory> {
  return {
    builtin: (deps) => {
      const choice = modelChoiceFor(deps.config, deps.role);
      return new ToolLoopBackend({
        // Throws ModelConfigError (naming the key variable) when the provider cannot be built.
        model: deps.models.create(choice, deps.env),
        choice,
        budget: deps.budget,
        prices: pricesFor(deps.config),
        prompts: deps.prompts ?? builtinPrompts,
        ...(deps.env ? { env: deps.env } : {}),
        ...(deps.onUsage ? { onUsage: deps.onUsage } : {}),
      });
    },
    claude: cliFactory('claude'),
    codex: cliFactory('codex'),
    aider: cliFactory('aider'),
    scripted: (deps) => {
      if (!deps.script) {
        throw new AgentError(
          'misconfigured',
          'The scripted agent backend needs a script of attempts (deps.script).',
        );
      }
      return new ScriptedBackend(deps.script);
    },
  };
}

/** The backend called `name`, or an AgentError listing the names there are. */
export function backendFor(
  name: string,
  deps: AgentBackendDeps,
  factories: Partial<Record<string, AgentBackendFactory>> = defaultBackendFactories(),
): AgentBackend {
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (!factory) {
    throw new AgentError(
      'unknown-backend',
      `Unknown agent backend "${name}": use one of ${Object.keys(factories).join(', ')}.`,
    );
  }
  return factory(deps);
}
