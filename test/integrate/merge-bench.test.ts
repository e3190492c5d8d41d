/** The merge benchmark's own plumbing: it merges every branch, reports a figure and leaves nothing. */
import { expect, test } from '@jest/globals';
import { benchMerge } from '../bench/merge-bench.js';

test('benchMerge integrates 10 task branches and reports how long it took', async () => {
  const result = await benchMerge();
  expect(result.branches).toBe(10);
  expect(result.ms).toBeGreaterThan(0);
  // The 2 s target is checked by `npm run bench`; under a parallel test run only gross regressions show.
  expect(result.ms).toBeLessThan(10_000);
}, 60_000);
