import { describe, expect, it } from '@jest/globals';
import { DeliveryWorker } from '../../app/core/delivery-worker.js';
import { silentLog } from '../../app/core/logger.js';
import type { Delivery, Store } from '../../app/store/store.js';

/** The three queue verbs of the Store, in memory. */
function queueStore(ids: string[]): Store {
  const pending = ids.map((id): Delivery => ({
    id,
    event: 'issues',
    repo: 'o/r',
    payload: {},
    status: 'pending',
    attempts: 0,
    receivedAt: '',
  }));
  return {
    async claimDelivery() {
      return pending.shift() ?? null;
    },
    async finishDelivery() {},
  } as unknown as Store;
}

describe('DeliveryWorker', () => {
  it('waits while webhook requests are being answered, then works', async () => {
    let busyUntil = Date.now() + 80;
    const started: number[] = [];
    const worker = new DeliveryWorker({
      store: queueStore(['a', 'b']),
      log: silentLog,
      busy: () => Date.now() < busyUntil,
      process: async () => void started.push(Date.now()),
    });
    const kicked = Date.now();
    worker.kick();
    await worker.idle();
    expect(started).toHaveLength(2);
    expect(started[0]! - kicked).toBeGreaterThanOrEqual(75);
    busyUntil = 0;
    expect(worker.stats).toEqual({ done: 2, failed: 0 });
  });

  it('never defers longer than maxDeferMs, even under a constant stream of requests', async () => {
    const started: number[] = [];
    const worker = new DeliveryWorker({
      store: queueStore(['a']),
      log: silentLog,
      busy: () => true,
      maxDeferMs: 40,
      process: async () => void started.push(Date.now()),
    });
    const kicked = Date.now();
    worker.kick();
    await worker.idle();
    expect(started).toHaveLength(1);
    expect(started[0]! - kicked).toBeLessThan(1000);
  });

  it('records a failure and goes on with the next delivery', async () => {
    const worker = new DeliveryWorker({
      store: queueStore(['bad', 'good']),
      log: silentLog,
      process: async (d) => {
        if (d.id === 'bad') throw new Error('GitHub said 502');
      },
    });
    worker.kick();
    await worker.idle();
    expect(worker.stats).toEqual({ done: 1, failed: 1 });
  });
});
