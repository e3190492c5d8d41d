/** Which provider and model an agent role uses, as read from `models` in .github/autodev.yml. */
import type { AutodevConfig, PROVIDERS } from '../config/config-schema.js';
import type { AgentRole } from '../runs/run.js';

export type ProviderName = (typeof PROVIDERS)[number];

export interface ModelChoice {
  provider: ProviderName;
  model: string;
  baseUrl?: string;
  /**
   * The setting this choice came from, e.g. "models.planner" or "models.default". Error messages
   * name it so a maintainer knows which line of the config to change.
   */
  configKey?: string;
  /**
   * Output cap for calls made with this choice; set by code (e.g. completionModel), not by the config
   * file. Factories build the model with it and invokeMetered budgets for it, so the two agree.
   */
  maxOutputTokens?: number;
}

export function modelChoiceFor(config: AutodevConfig, role: AgentRole): ModelChoice {
  const own = config.models[role];
  if (own) return { ...own, configKey: `models.${role}` };
  return { ...config.models.default, configKey: 'models.default' };
}

/** "models.planner uses openai/gpt-4o" — the tail of most messages about a model. */
export function describeChoice(choice: ModelChoice): string {
  const name = `${choice.provider}/${choice.model}`;
  const where = choice.baseUrl ? ` at ${choice.baseUrl}` : '';
  return choice.configKey ? `${choice.configKey} uses ${name}${where}` : `${name}${where}`;
}
