/** Model prices in US dollars per million tokens, and the cost of a call. */
import type { AutodevConfig } from '../config/config-schema.js';
import type { ProviderName } from './model-choice.js';

export interface Price {
  /** US dollars per million input tokens. */
  input: number;
  /** US dollars per million output tokens. */
  output: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

/**
 * List prices published by OpenAI and Anthropic (standard tier, no caching or batch discount). They
 * drift: `prices` in .github/autodev.yml overrides any entry. Dated snapshots ("gpt-4o-2024-08-06")
 * and newer point releases fall back to their family's entry by prefix.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o3-pro': { input: 20, output: 80 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
};

/** Providers that run on hardware the team already pays for; their calls cost no dollars. */
const FREE_PROVIDERS: readonly ProviderName[] = ['ollama', 'scripted'];
const FREE: Price = { input: 0, output: 0 };

/** The built-in table with the repository's `prices` on top. */
export function pricesFor(config: Pick<AutodevConfig, 'prices'>): PriceTable {
  return { ...DEFAULT_PRICES, ...config.prices };
}

export interface PriceLookup {
  price: Price;
  /** The table entry used; undefined when none matched. */
  matched: string | undefined;
  /** False when the model is not in the table: its cost counts as 0, and the caller should say so. */
  known: boolean;
}

/**
 * Exact name first, then the longest entry the name starts with, so `gpt-4o-mini-2024-07-18` prices as
 * `gpt-4o-mini`, not `gpt-4o`. Gateways' "vendor/model" names are tried without the vendor as well.
 */
export function lookupPrice(model: string, prices: PriceTable, provider?: ProviderName): PriceLookup {
  if (provider && FREE_PROVIDERS.includes(provider)) return { price: FREE, matched: undefined, known: true };
  const names = [model.toLowerCase()];
  const slash = model.lastIndexOf('/');
  if (slash >= 0) names.push(model.slice(slash + 1).toLowerCase());
  const entries = Object.entries(prices).map(([key, price]) => [key.toLowerCase(), key, price] as const);
  for (const name of names) {
    const exact = entries.find(([lower]) => lower === name);
    if (exact) return { price: exact[2], matched: exact[1], known: true };
  }
  for (const name of names) {
    const prefixed = entries
      .filter(([lower]) => name.startsWith(lower))
      .sort(([a], [b]) => b.length - a.length)[0];
    if (prefixed) return { price: prefixed[2], matched: prefixed[1], known: true };
  }
  return { price: FREE, matched: undefined, known: false };
}

/** US dollars for one call; an unknown model costs 0 (see lookupPrice to tell that case apart). */
export function costOf(
  usage: { inputTokens: number; outputTokens: number },
  model: string,
  prices: PriceTable,
  provider?: ProviderName,
): number {
  const { price } = lookupPrice(model, prices, provider);
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
