import { describe, expect, it } from '@jest/globals';
import { chooseArm, estimateDuration, posteriorMean } from '../../app/learning/bandit.js';
import { mulberry32 } from '../../app/learning/random.js';
import type { ArmStats } from '../../app/memory/memory-store.js';

const arm = (name: string, successes: number, failures: number, meanDurationMs = 60_000): ArmStats => ({
  arm: name,
  successes,
  failures,
  meanDurationMs,
});

function shares(stats: ArmStats[], candidates: string[], draws: number, seed = 1): Record<string, number> {
  const rng = mulberry32(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const { arm: chosen } = chooseArm(stats, candidates, rng);
    counts[chosen] = (counts[chosen] ?? 0) + 1;
  }
  for (const key of Object.keys(counts)) counts[key] = counts[key]! / draws;
  return counts;
}

describe('chooseArm', () => {
  it('almost always picks an arm that usually succeeds over one that usually fails', () => {
    const picked = shares([arm('claude', 45, 5), arm('codex', 5, 45)], ['claude', 'codex'], 1000);
    expect(picked.claude).toBeGreaterThan(0.99);
  });

  it('keeps trying an arm with no history against one with a middling record', () => {
    // A 6-of-10 record against the uniform prior: the new arm wins a sizeable share of draws.
    const picked = shares([arm('claude', 6, 4)], ['claude', 'aider'], 2000);
    expect(picked.aider).toBeGreaterThan(0.25);
    expect(picked.claude).toBeGreaterThan(0.5);
  });

  it('gives an arm with no history the prior and says so', () => {
    const choice = chooseArm([arm('claude', 3, 1)], ['claude', 'aider'], mulberry32(4));
    const aider = choice.posteriors.find((p) => p.arm === 'aider');
    expect(aider).toMatchObject({ successes: 0, failures: 0, mean: 0.5 });
    expect(choice.posteriors.find((p) => p.arm === 'claude')?.mean).toBeCloseTo(4 / 6);
    expect(choice.reason).toContain('aider drew');
    expect(choice.reason).toContain('no history');
    expect(choice.reason).toContain('3 of 4 succeeded');
    expect(choice.reason.startsWith(`${choice.arm} by Thompson sampling`)).toBe(true);
  });

  it('never picks an arm that is not a candidate, however good its record', () => {
    const picked = shares([arm('claude', 100, 0), arm('codex', 0, 3)], ['codex', 'builtin'], 300);
    expect(Object.keys(picked).sort()).toEqual(['builtin', 'codex']);
  });

  it('adds up rows of the same arm', () => {
    const choice = chooseArm([arm('claude', 2, 1), arm('claude', 3, 4)], ['claude'], mulberry32(1));
    expect(choice.posteriors).toEqual([
      expect.objectContaining({ arm: 'claude', successes: 5, failures: 5 }),
    ]);
  });

  it('makes the same choices for the same seed', () => {
    const stats = [arm('claude', 4, 3), arm('codex', 3, 3)];
    const run = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 30 }, () => chooseArm(stats, ['claude', 'codex'], rng).arm);
    };
    expect(run(9)).toEqual(run(9));
    expect(new Set(run(9)).size).toBe(2);
  });

  it('says what to configure when there are no candidates', () => {
    expect(() => chooseArm([arm('claude', 1, 0)], [], mulberry32(1))).toThrow(
      'configure at least one candidate backend',
    );
  });

  it('has the Beta(successes + 1, failures + 1) posterior mean', () => {
    expect(posteriorMean(0, 0)).toBe(0.5);
    expect(posteriorMean(8, 0)).toBe(0.9);
  });
});

describe('estimateDuration', () => {
  it("uses the arm's own mean when it has history", () => {
    expect(estimateDuration([arm('claude', 1, 1, 120_000), arm('codex', 5, 5, 30_000)], 'claude')).toBe(
      120_000,
    );
  });

  it('falls back to the mean over all arms weighted by runs', () => {
    // (2 × 120 s + 6 × 40 s) / 8 runs = 60 s.
    const stats = [arm('claude', 1, 1, 120_000), arm('codex', 3, 3, 40_000)];
    expect(estimateDuration(stats, 'aider')).toBe(60_000);
    expect(estimateDuration(stats)).toBe(60_000);
  });

  it('has no estimate without history', () => {
    expect(estimateDuration([], 'claude')).toBeNull();
    expect(estimateDuration([arm('claude', 0, 0)], 'claude')).toBeNull();
  });
});
