/** Model providers by name (CONVENTIONS #4): a registry of factories, so tests and demos swap in their own. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { PROVIDERS } from '../config/config-schema.js';
import type { ModelChoice, ProviderName } from './model-choice.js';
import { ModelConfigError } from './model-error.js';
import { defaultProviderFactories } from './provider-factories.js';

export type ProviderFactory = (choice: ModelChoice, env: NodeJS.ProcessEnv) => BaseChatModel;

export class ModelRegistry {
  private readonly factories: Partial<Record<ProviderName, ProviderFactory>>;

  /** Given factories replace the built-in ones of the same name; the others stay available. */
  constructor(factories: Partial<Record<ProviderName, ProviderFactory>> = {}) {
    this.factories = { ...defaultProviderFactories(), ...factories };
  }

  /** Throws ModelConfigError when the choice cannot be served (missing key, missing baseUrl, …). */
  create(choice: ModelChoice, env: NodeJS.ProcessEnv = process.env): BaseChatModel {
    const factory = this.factories[choice.provider];
    if (!factory) {
      throw new ModelConfigError(
        `Unknown model provider "${String(choice.provider)}"${choice.configKey ? ` in ${choice.configKey}` : ''}; ` +
          `use one of ${PROVIDERS.join(', ')}`,
      );
    }
    return factory(choice, env);
  }
}
