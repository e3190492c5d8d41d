/** The live feed: shared polling while someone listens, nothing once everyone left. */
import { describe, expect, it } from '@jest/globals';
import { RunFeed } from '../../app/dashboard/run-feed.js';

/** A store stand-in whose content the test sets; counts the loads. */
function source(initial: string) {
  const state = { value: initial, loads: 0, failWith: undefined as Error | undefined };
  return {
    state,
    load: async () => {
      state.loads++;
      if (state.failWith) throw state.failWith;
      return state.value;
    },
  };
}

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('RunFeed', () => {
  it('sends the first snapshot at once, then only changes, to every listener', async () => {
    const store = source('v1');
    const feed = new RunFeed({ load: store.load, key: (v) => v, intervalMs: 20 });
    const a: string[] = [];
    const b: string[] = [];
    const stopA = feed.subscribe((v) => a.push(v));
    await until(() => a.length === 1);
    const stopB = feed.subscribe((v) => b.push(v));
    await until(() => b.length === 1);
    const loadsBefore = store.state.loads;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(store.state.loads).toBeGreaterThan(loadsBefore);
    expect(a).toEqual(['v1']);

    store.state.value = 'v2';
    await until(() => a.length === 2 && b.length === 2);
    expect([a, b]).toEqual([
      ['v1', 'v2'],
      ['v1', 'v2'],
    ]);
    stopA();
    stopB();
    feed.close();
  });

  it('stops polling when the last listener leaves', async () => {
    const store = source('v1');
    const feed = new RunFeed({ load: store.load, key: (v) => v, intervalMs: 10 });
    const stop = feed.subscribe(() => {});
    await until(() => store.state.loads >= 3);
    stop();
    await feed.settled();
    expect(feed.listenerCount).toBe(0);
    expect(feed.active).toBe(false);
    const loads = store.state.loads;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.state.loads).toBe(loads);
  });

  it('reports the first failure of a streak once and recovers', async () => {
    const store = source('v1');
    store.state.failWith = new Error('database down');
    const errors: unknown[] = [];
    const feed = new RunFeed({
      load: store.load,
      key: (v) => v,
      intervalMs: 10,
      onError: (e) => errors.push(e),
    });
    const got: string[] = [];
    const stop = feed.subscribe((v) => got.push(v));
    await until(() => store.state.loads >= 4);
    expect(errors).toEqual([store.state.failWith]);
    expect(got).toEqual([]);
    store.state.failWith = undefined;
    await until(() => got.length === 1);
    expect(got).toEqual(['v1']);
    stop();
    feed.close();
  });

  it('refuses a zero interval with a message', () => {
    expect(() => new RunFeed({ load: async () => 1, key: String, intervalMs: 0 })).toThrow(
      'the feed interval must be positive (got 0)',
    );
  });
});
