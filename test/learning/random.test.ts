import { describe, expect, it } from '@jest/globals';
import { mulberry32, sampleBeta, sampleGamma, sampleNormal } from '../../app/learning/random.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it('stays in [0, 1) and spreads evenly over ten bins', () => {
    const rng = mulberry32(123);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const x = rng();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]! += 1;
    }
    for (const count of bins) expect(Math.abs(count - 5000)).toBeLessThan(300);
  });
});

describe('sampling', () => {
  it('draws standard normals', () => {
    const rng = mulberry32(1);
    const { mean, variance } = moments(() => sampleNormal(rng), 40_000);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });

  it.each([0.4, 1, 2.5, 30])('draws Gamma(%p) with mean and variance equal to the shape', (shape) => {
    const rng = mulberry32(2);
    const { mean, variance } = moments(() => sampleGamma(shape, rng), 40_000);
    expect(Math.abs(mean - shape) / shape).toBeLessThan(0.03);
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.08);
  });

  it.each([
    [1, 1],
    [9, 2],
    [2, 30],
  ])('draws Beta(%p, %p) with the right mean and variance', (a, b) => {
    const rng = mulberry32(3);
    const { mean, variance } = moments(() => sampleBeta(a, b, rng), 40_000);
    const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - a / (a + b))).toBeLessThan(0.01);
    expect(Math.abs(variance - expectedVariance) / expectedVariance).toBeLessThan(0.08);
  });

  it('refuses a shape that is not positive', () => {
    expect(() => sampleGamma(0, mulberry32(1))).toThrow('positive finite');
    expect(() => sampleGamma(Number.NaN, mulberry32(1))).toThrow('positive finite');
  });
});
