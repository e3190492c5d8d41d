/** Price lookup (exact, then longest prefix) and the cost of a call. */
import { describe, expect, it } from '@jest/globals';
import { costOf, DEFAULT_PRICES, lookupPrice, pricesFor } from '../../app/models/price-table.js';

describe('lookupPrice', () => {
  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['o4-mini-2025-04-16', 'o4-mini'],
    ['o3-pro', 'o3-pro'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['GPT-4o-Mini', 'gpt-4o-mini'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
  ])('prices %s as %s', (model, entry) => {
    expect(lookupPrice(model, DEFAULT_PRICES)).toEqual({
      price: DEFAULT_PRICES[entry],
      matched: entry,
      known: true,
    });
  });

  it('flags a model it has no price for, and counts it as free', () => {
    expect(lookupPrice('mistral-large', DEFAULT_PRICES)).toEqual({
      price: { input: 0, output: 0 },
      matched: undefined,
      known: false,
    });
  });

  it('treats local providers as free even when a name looks like a priced one', () => {
    expect(lookupPrice('gpt-4o', DEFAULT_PRICES, 'ollama')).toMatchObject({
      price: { input: 0, output: 0 },
      known: true,
    });
    expect(lookupPrice('gpt-4o', DEFAULT_PRICES, 'scripted')).toMatchObject({ known: true });
  });
});

describe('costOf', () => {
  it('charges input and output at their own per-million prices', () => {
    // 1M input at $2.50 + 0.5M output at $10
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 500_000 }, 'gpt-4o', DEFAULT_PRICES)).toBeCloseTo(
      7.5,
      10,
    );
    expect(costOf({ inputTokens: 1000, outputTokens: 1000 }, 'unknown-model', DEFAULT_PRICES)).toBe(0);
  });

  it("uses the repository's prices over the built-in table, and adds models the table lacks", () => {
    const prices = pricesFor({
      prices: { 'gpt-4o': { input: 1, output: 2 }, 'mistral-large': { input: 2, output: 6 } },
    });
    expect(
      costOf({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, 'gpt-4o-2024-08-06', prices),
    ).toBeCloseTo(3, 10);
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, 'mistral-large-2411', prices)).toBeCloseTo(
      2,
      10,
    );
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, 'gpt-4o-mini', prices)).toBeCloseTo(0.15, 10);
  });
});
