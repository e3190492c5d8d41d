/** The run's token and dollar limits. */
import { describe, expect, it } from '@jest/globals';
import { BudgetExceededError, RunBudget } from '../../app/models/run-budget.js';

function refusal(run: () => void): BudgetExceededError {
  try {
    run();
  } catch (error) {
    if (error instanceof BudgetExceededError) return error;
    throw error;
  }
  throw new Error('expected a BudgetExceededError');
}

describe('RunBudget', () => {
  it('starts from what the run already spent and accumulates recorded usage', () => {
    const budget = new RunBudget({ tokens: 10_000, dollars: 5 }, { tokens: 1000, costUsd: 1 });
    budget.record({ tokens: 500, costUsd: 0.25 });
    budget.record({ tokens: 500, costUsd: 0.25 });
    expect(budget.spent()).toEqual({ tokens: 2000, costUsd: 1.5 });
    expect(budget.remaining()).toEqual({ tokens: 8000, dollars: 3.5 });
  });

  it('allows a call that fits exactly', () => {
    const budget = new RunBudget({ tokens: 1000, dollars: 1 });
    expect(() => budget.ensureRoom({ tokens: 1000, costUsd: 1 })).not.toThrow();
  });

  it('refuses on dollars, saying what was spent and how to raise the limit', () => {
    const budget = new RunBudget({ tokens: 2_000_000, dollars: 2 }, { tokens: 50_000, costUsd: 1.95 });
    const error = refusal(() => budget.ensureRoom({ tokens: 10_000, costUsd: 0.0825 }, 'openai/gpt-4o'));
    expect(error).toMatchObject({ limit: 'dollars', spent: { tokens: 50_000, costUsd: 1.95 } });
    expect(error.message).toBe(
      "This run's budget of $2.00 would be exceeded: $1.95 spent, and the next call (openai/gpt-4o) may cost " +
        'up to $0.08. To allow more, reply `/parallel-dev … budget=4`, or raise `budget.dollars` in .github/autodev.yml.',
    );
  });

  it('refuses on tokens, pointing at budget.tokens', () => {
    const budget = new RunBudget({ tokens: 100_000, dollars: 10 }, { tokens: 99_000, costUsd: 0 });
    const error = refusal(() => budget.ensureRoom({ tokens: 8192, costUsd: 0 }));
    expect(error.limit).toBe('tokens');
    expect(error.message).toBe(
      "This run's budget of 100,000 tokens would be exceeded: 99,000 spent, and the next call may use up to 8,192. " +
        'To allow more, raise `budget.tokens` in .github/autodev.yml.',
    );
  });

  it('records usage past the limit (the call already happened) and reports nothing remaining', () => {
    const budget = new RunBudget({ tokens: 100, dollars: 0.01 });
    budget.record({ tokens: 150, costUsd: 0.02 });
    expect(budget.remaining()).toEqual({ tokens: 0, dollars: 0 });
    expect(() => budget.ensureRoom({ tokens: 1, costUsd: 0 })).toThrow(BudgetExceededError);
  });
});
