/** The local-mode benchmark stays within its target: 5 tasks end to end in under 30 s. */
import { describe, expect, it } from '@jest/globals';
import { benchLocalRun } from '../bench/local-bench.js';

describe('benchLocalRun', () => {
  it('runs 5 scripted tasks with a real gate end to end in under 30 s', async () => {
    const { ms, tasks } = await benchLocalRun();
    expect(tasks).toBe(5);
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});
