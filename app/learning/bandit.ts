/**
 * Thompson sampling over arms (agent backends, models or strategies) from their recorded successes and
 * failures. Each arm's success rate has the posterior Beta(successes + 1, failures + 1) — a uniform prior
 * updated by its outcomes — and the arm whose posterior draw is highest is chosen. An arm that often
 * succeeds is chosen most of the time, while an arm with little history keeps a wide posterior and so
 * still gets tried now and then; an arm never tried starts from the prior (mean 0.5).
 *
 * Pure: the random generator is an argument (random.ts), so a seed fixes every choice.
 */
import type { ArmStats } from '../memory/memory-store.js';
import { type Rng, sampleBeta } from './random.js';

export interface ArmPosterior {
  arm: string;
  successes: number;
  failures: number;
  /** Mean of Beta(successes + 1, failures + 1): (successes + 1) / (runs + 2). */
  mean: number;
  /** The draw this choice compared. */
  sample: number;
}

export interface ArmChoice {
  arm: string;
  /** Every candidate, in the order given. */
  posteriors: ArmPosterior[];
  /** One line for a plan or a log: the chosen arm and what each posterior said. */
  reason: string;
}

/**
 * Picks one of `candidates` by Thompson sampling. Rows of `stats` for arms that are not candidates are
 * ignored; rows for the same arm are added up. Ties go to the earlier candidate.
 */
export function chooseArm(stats: readonly ArmStats[], candidates: readonly string[], rng: Rng): ArmChoice {
  const arms = [...new Set(candidates)];
  if (arms.length === 0) {
    throw new Error('there is nothing to choose from: configure at least one candidate backend');
  }
  const totals = totalsByArm(stats);
  const posteriors = arms.map((arm): ArmPosterior => {
    const seen = totals.get(arm);
    const successes = seen?.successes ?? 0;
    const failures = seen?.failures ?? 0;
    return {
      arm,
      successes,
      failures,
      mean: posteriorMean(successes, failures),
      sample: sampleBeta(successes + 1, failures + 1, rng),
    };
  });
  let best = posteriors[0] as ArmPosterior;
  for (const p of posteriors) if (p.sample > best.sample) best = p;
  return { arm: best.arm, posteriors, reason: describeChoice(best, posteriors) };
}

export function posteriorMean(successes: number, failures: number): number {
  return (successes + 1) / (successes + failures + 2);
}

/**
 * Expected duration in milliseconds: the arm's mean when it has history, else the mean over every arm
 * weighted by runs; null when nothing has been recorded.
 */
export function estimateDuration(stats: readonly ArmStats[], arm?: string): number | null {
  const totals = totalsByArm(stats);
  const own = arm === undefined ? undefined : totals.get(arm);
  if (own && own.runs > 0) return own.durationMs / own.runs;
  let runs = 0;
  let durationMs = 0;
  for (const t of totals.values()) {
    runs += t.runs;
    durationMs += t.durationMs;
  }
  return runs > 0 ? durationMs / runs : null;
}

interface ArmTotals {
  successes: number;
  failures: number;
  runs: number;
  /** Sum of durations, so means of several rows combine by weight. */
  durationMs: number;
}

function totalsByArm(stats: readonly ArmStats[]): Map<string, ArmTotals> {
  const totals = new Map<string, ArmTotals>();
  for (const s of stats) {
    const successes = countOf(s.successes);
    const failures = countOf(s.failures);
    const runs = successes + failures;
    const t = totals.get(s.arm) ?? { successes: 0, failures: 0, runs: 0, durationMs: 0 };
    t.successes += successes;
    t.failures += failures;
    t.runs += runs;
    t.durationMs += Number.isFinite(s.meanDurationMs) ? s.meanDurationMs * runs : 0;
    totals.set(s.arm, t);
  }
  return totals;
}

/** Counts arrive from SQL as numbers; anything negative or not finite counts as none. */
function countOf(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function describeChoice(chosen: ArmPosterior, posteriors: readonly ArmPosterior[]): string {
  const parts = posteriors.map((p) => {
    const runs = p.successes + p.failures;
    const history = runs === 0 ? 'no history' : `${p.successes} of ${runs} succeeded`;
    return `${p.arm} drew ${p.sample.toFixed(2)} (mean ${p.mean.toFixed(2)}, ${history})`;
  });
  return `${chosen.arm} by Thompson sampling: ${parts.join('; ')}`;
}
