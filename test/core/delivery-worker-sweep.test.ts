/** The worker's periodic sweep of runs that wait for time rather than an event. */
import { describe, expect, it } from '@jest/globals';
import { DeliveryWorker } from '../../app/core/delivery-worker.js';
import { silentLog } from '../../app/core/logger.js';
import type { Store } from '../../app/store/store.js';

const emptyQueue = { claimDelivery: async () => null, finishDelivery: async () => {} } as unknown as Store;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('DeliveryWorker sweep', () => {
  it('sweeps on its interval, never two at once, and stop waits for the one under way', async () => {
    let running = 0;
    let most = 0;
    let sweeps = 0;
    let finished = 0;
    const worker = new DeliveryWorker({
      store: emptyQueue,
      log: silentLog,
      process: async () => {},
      sweepEveryMs: 1000,
      sweep: async () => {
        sweeps++;
        running++;
        most = Math.max(most, running);
        // Slower than the interval: the next tick must not start a second sweep.
        await sleep(1500);
        running--;
        finished++;
      },
    });
    worker.startSweeping();
    await sleep(2300);
    await worker.stop();
    expect(sweeps).toBe(1);
    expect(most).toBe(1);
    expect(finished).toBe(1);
  });

  it('keeps sweeping after a sweep fails', async () => {
    let sweeps = 0;
    const errors: unknown[] = [];
    const worker = new DeliveryWorker({
      store: emptyQueue,
      log: { ...silentLog, error: (obj) => void errors.push(obj) },
      process: async () => {},
      sweepEveryMs: 1000,
      sweep: async () => {
        sweeps++;
        throw new Error('GitHub is down');
      },
    });
    worker.startSweeping();
    await sleep(2200);
    await worker.stop();
    expect(sweeps).toBe(2);
    expect(errors).toHaveLength(2);
  });
});
