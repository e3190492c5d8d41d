/**
 * `autodev status` over a real store (PGlite in memory) holding runs in several states: the text view,
 * the JSON document, the --repo filter, --watch until stopped, and clear messages for bad options.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseStatusArgs, statusCommand } from '../../app/cli/status-command.js';
import type { RunSummary } from '../../app/observability/bottlenecks.js';
import type { Run } from '../../app/runs/run.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { aPlan, aRun, at, finishA, must, startA, startB } from '../runs/run-fixtures.js';

let store: Store;
/** The store stays open for the whole file: the command closes only this view of it. */
const view = (): Promise<Store> =>
  Promise.resolve(Object.assign(Object.create(store) as Store, { close: async () => undefined }));

async function put(run: Run): Promise<void> {
  const { run: created } = await store.createRun({ ...run, version: 0 });
  await store.saveRun({ ...run, version: created.version });
}

const planned = (id: string, repo = 'widgets') =>
  must(aRun({ id, repo: { owner: 'acme', repo }, deliveryId: `d-${id}`, issueNumber: id.length }), {
    type: 'planned',
    plan: aPlan(),
    requireApproval: false,
  });

beforeAll(async () => {
  store = await openStore({ dataDir: 'memory://' });
  // A running run whose task a is still going; another where a failed, so b is blocked.
  await put(must(planned('run-busy'), startA));
  await put(must(planned('run-stuck'), startA, { ...finishA, state: 'failed', reason: 'tests failed' }));
  await put(must(planned('run-other', 'gadgets'), startA, finishA, startB));
});
afterAll(async () => store?.close());

async function run(args: string[], signal?: AbortSignal): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await statusCommand(args, {
    openStore: view,
    write: (text) => (out += text),
    now: () => at(120),
    ...(signal ? { signal } : {}),
  });
  return { code, out };
}

describe('autodev status', () => {
  it('shows each run with its tasks, agents, spend and the bottlenecks', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /▶ run-busy {2}acme\/widgets#8 {2}running {2}0\/2 tasks {2}1,200 tokens {2}\$0\.01 {2}2m 00s/,
    );
    expect(out).toMatch(/▶ a\s+running\s+coder-1 @ scripted\s+1m 58s/);
    expect(out).toContain('agents: scripted 0✓ 1✗');
    expect(out).toContain('blocked by a');
    expect(out).toMatch(/Bottlenecks:\n {2}! task b of run run-stuck cannot start: a did not succeed/);
  });

  it('prints the same as JSON, filtered to one repository', async () => {
    const { out } = await run(['--json', '--repo', 'acme/gadgets']);
    const doc = JSON.parse(out) as { generatedAt: string; runs: RunSummary[]; bottlenecks: unknown[] };
    expect(doc.generatedAt).toBe(at(120).toISOString());
    expect(doc.runs.map((r) => r.id)).toEqual(['run-other']);
    expect(doc.runs[0]).toMatchObject({
      repo: 'acme/gadgets',
      state: 'running',
      taskCounts: { succeeded: 1, running: 1 },
      tokens: 1700,
    });
    expect(doc.bottlenecks).toEqual([]);
  });

  it('redraws with --watch until stopped', async () => {
    const controller = new AbortController();
    let draws = 0;
    const done = statusCommand(['--watch', '--json', '--interval', '0.05'], {
      openStore: view,
      write: () => {
        if (++draws === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(await done).toBe(0);
    expect(draws).toBe(3);
  });

  it('says what to change for bad options', () => {
    expect(() => parseStatusArgs(['--repo', 'widgets'])).toThrow(
      '--repo must be owner/name, e.g. --repo octo-org/shop (got "widgets")',
    );
    expect(() => parseStatusArgs(['--limit', '0'])).toThrow('--limit must be a positive number (got "0")');
    expect(() => parseStatusArgs(['now'])).toThrow('status takes no arguments (got "now")');
  });

  it('explains what to do when the store cannot be opened', async () => {
    const failing = () => Promise.reject(new Error('cannot open the embedded database in /x: locked'));
    await expect(statusCommand([], { openStore: failing, write: () => undefined })).rejects.toThrow(
      /locked\nWhile the app runs on the embedded database .*DATABASE_URL/,
    );
  });
});
