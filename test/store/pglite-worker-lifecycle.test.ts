/** The worker behind the embedded database: it keeps the main thread free, persists, and fails clearly. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  connectPgliteWorker,
  spawnPgliteWorker,
  startPgliteWorker,
} from '../../app/store/pglite-worker-client.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autodev-pglite-worker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Counts event-loop turns and the longest gap between two, until stopped. */
function watchEventLoop() {
  let ticks = 0;
  let longestGapMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks++;
    // A short timer rather than setImmediate alone, so the loop also sleeps and the worker's answer is
    // seen; either way a blocked main thread shows up as one long gap.
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  return {
    stop: () => {
      running = false;
      return { ticks, longestGapMs };
    },
  };
}

describe('the main thread', () => {
  it('keeps ticking while the worker runs a long batch insert', async () => {
    const client = await startPgliteWorker({ dataDir: 'memory://' });
    try {
      await client.exec('create table blobs (id int, body json)');
      const body = JSON.stringify({ text: 'x'.repeat(12_000) });
      // Grow the batch until one insert takes at least 500 ms, which in-thread would block the event
      // loop for all of it; the gap allowed on the main thread is well under half of that.
      let elapsedMs = 0;
      for (let rows = 1_000; elapsedMs < 500 && rows <= 64_000; rows *= 2) {
        await client.exec('truncate blobs');
        const watch = watchEventLoop();
        const started = performance.now();
        await client.query(
          'insert into blobs (id, body) select g, $1::json from generate_series(1, $2::int) g',
          [body, rows],
        );
        elapsedMs = performance.now() - started;
        const { ticks, longestGapMs } = watch.stop();
        expect(longestGapMs).toBeLessThan(200);
        expect(ticks).toBeGreaterThan(elapsedMs / 50);
      }
      expect(elapsedMs).toBeGreaterThanOrEqual(500);
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe('a data directory', () => {
  it('keeps its data across a close and a reopen', async () => {
    const dataDir = join(dir, 'db');
    const first = await startPgliteWorker({ dataDir });
    await first.exec('create table notes (body text)');
    await first.transaction((tx) => tx.query('insert into notes values ($1)', ['kept']));
    await first.close();

    const second = await startPgliteWorker({ dataDir });
    try {
      expect((await second.query('select body from notes')).rows).toEqual([{ body: 'kept' }]);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('that cannot be opened fails the start with the reason', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    await expect(startPgliteWorker({ dataDir: join(file, 'db') })).rejects.toThrow(
      /ENOTDIR|not a directory/i,
    );
  }, 60_000);
});

describe('the worker stopping', () => {
  it('rejects calls under way and later ones with a clear error', async () => {
    const worker = spawnPgliteWorker({ dataDir: 'memory://' });
    const client = await connectPgliteWorker(worker);
    const slow = client.query('select pg_sleep(30)');
    await new Promise((done) => setTimeout(done, 100));
    await worker.terminate();
    await expect(slow).rejects.toThrow(/^the embedded database stopped: its thread exited with code 1$/);
    await expect(client.query('select 1')).rejects.toThrow(/^the embedded database stopped/);
    await client.close();
  }, 60_000);

  it('after close refuses new calls', async () => {
    const client = await startPgliteWorker({ dataDir: 'memory://' });
    await client.close();
    await client.close();
    await expect(client.query('select 1')).rejects.toThrow('the embedded database is closed');
    await expect(client.transaction(async () => undefined)).rejects.toThrow(
      'the embedded database is closed',
    );
  }, 60_000);
});
