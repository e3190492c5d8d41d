/** A run's spending limits and what it has spent so far; checked before every model call. */

export interface BudgetLimits {
  tokens: number;
  dollars: number;
}

export interface Spent {
  tokens: number;
  costUsd: number;
}

export type BudgetLimit = 'tokens' | 'dollars';

export class BudgetExceededError extends Error {
  readonly limit: BudgetLimit;
  readonly limits: BudgetLimits;
  readonly spent: Spent;
  readonly estimate: Spent;

  constructor(fields: {
    limit: BudgetLimit;
    limits: BudgetLimits;
    spent: Spent;
    estimate: Spent;
    call?: string;
  }) {
    super(budgetMessage(fields));
    this.name = 'BudgetExceededError';
    this.limit = fields.limit;
    this.limits = fields.limits;
    this.spent = fields.spent;
    this.estimate = fields.estimate;
  }
}

export class RunBudget {
  private readonly used: Spent;

  /** `spent` carries over what earlier processes of the same run already used (Run.tokens, Run.costUsd). */
  constructor(
    readonly limits: BudgetLimits,
    spent: Spent = { tokens: 0, costUsd: 0 },
  ) {
    this.used = { ...spent };
  }

  spent(): Spent {
    return { ...this.used };
  }

  remaining(): { tokens: number; dollars: number } {
    return {
      tokens: Math.max(0, this.limits.tokens - this.used.tokens),
      dollars: Math.max(0, this.limits.dollars - this.used.costUsd),
    };
  }

  /** Throws BudgetExceededError when a call costing up to `estimate` could take the run past a limit. */
  ensureRoom(estimate: Spent, call?: string): void {
    const fields = { limits: this.limits, spent: this.spent(), estimate, ...(call ? { call } : {}) };
    if (this.used.tokens + estimate.tokens > this.limits.tokens) {
      throw new BudgetExceededError({ ...fields, limit: 'tokens' });
    }
    if (this.used.costUsd + estimate.costUsd > this.limits.dollars) {
      throw new BudgetExceededError({ ...fields, limit: 'dollars' });
    }
  }

  /** Adds a finished call's real usage; it may go past a limit, since the call has already happened. */
  record(usage: Spent): void {
    this.used.tokens += usage.tokens;
    this.used.costUsd += usage.costUsd;
  }
}

function budgetMessage(fields: {
  limit: BudgetLimit;
  limits: BudgetLimits;
  spent: Spent;
  estimate: Spent;
  call?: string;
}): string {
  const { limit, limits, spent, estimate } = fields;
  const next = fields.call ? `the next call (${fields.call})` : 'the next call';
  if (limit === 'tokens') {
    return (
      `This run's budget of ${formatTokens(limits.tokens)} tokens would be exceeded: ${formatTokens(spent.tokens)} ` +
      `spent, and ${next} may use up to ${formatTokens(estimate.tokens)}. ` +
      'To allow more, raise `budget.tokens` in .github/autodev.yml.'
    );
  }
  const suggestion = Math.max(Math.ceil(limits.dollars * 2), Math.ceil(spent.costUsd + estimate.costUsd));
  return (
    `This run's budget of ${formatUsd(limits.dollars)} would be exceeded: ${formatUsd(spent.costUsd)} spent, ` +
    `and ${next} may cost up to ${formatUsd(estimate.costUsd)}. ` +
    `To allow more, reply \`/parallel-dev … budget=${suggestion}\`, or raise \`budget.dollars\` in .github/autodev.yml.`
  );
}

export function formatUsd(amount: number): string {
  // Cents hide the cost of small calls entirely; show a few more digits below a cent.
  return amount > 0 && amount < 0.01 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

function formatTokens(tokens: number): string {
  return tokens.toLocaleString('en-US');
}
