/**
 * `autodev status [--repo owner/name] [--json] [--watch]`: the runs in the store — state, tasks,
 * agents, tokens, cost, durations — and the bottlenecks, in the terminal. Reads the same store the app
 * writes (DATABASE_URL, else the PGlite folder AUTODEV_DATA_DIR / .data/autodev).
 */
import { parseArgs } from 'node:util';
import { findBottlenecks, summariseRun } from '../observability/bottlenecks.js';
import { renderStatus } from '../observability/render-status.js';
import type { RepoRef } from '../runs/run.js';
import type { Store } from '../store/store.js';
import { storeFromEnv } from './store-from-env.js';

export const STATUS_USAGE = `autodev status [--repo <owner/name>] [--json] [--watch] [--limit <n>] [--interval <s>]
  --repo <owner/name>       Only runs of this repository.
  --json                    Print the runs and bottlenecks as JSON (one document; with --watch, one per line).
  --watch                   Redraw every --interval seconds until Ctrl-C.
  --limit <n>               Newest runs shown (default 20).
  --interval <s>            Seconds between redraws with --watch (default 2).
`;

export interface StatusDeps {
  openStore?: () => Promise<Store>;
  write?: (text: string) => void;
  now?: () => Date;
  /** Ends --watch (Ctrl-C by default). */
  signal?: AbortSignal;
}

export async function statusCommand(args: string[], deps: StatusDeps = {}): Promise<number> {
  const options = parseStatusArgs(args);
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const now = deps.now ?? (() => new Date());
  const store = await (deps.openStore ?? storeFromEnv)().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${reason}\nWhile the app runs on the embedded database it holds it alone: point both at Postgres ` +
        '(DATABASE_URL), or watch the dashboard at /dashboard instead.',
      { cause: error },
    );
  });
  try {
    const show = async () => {
      const runs = await store.listRuns({
        ...(options.repo ? { repo: options.repo } : {}),
        limit: options.limit,
      });
      const at = now();
      const summaries = runs.map((run) => summariseRun(run, at));
      // Bottlenecks look at every run listed, so a backend failing across runs is seen.
      const bottlenecks = findBottlenecks(runs, at);
      if (options.json) {
        const doc = { generatedAt: at.toISOString(), runs: summaries, bottlenecks };
        write(options.watch ? `${JSON.stringify(doc)}\n` : `${JSON.stringify(doc, null, 2)}\n`);
      } else {
        // Clear the screen between redraws, as watch(1) does.
        write(`${options.watch ? '\x1b[2J\x1b[H' : ''}${renderStatus(summaries, bottlenecks)}`);
      }
    };
    await show();
    if (!options.watch) return 0;
    const signal = deps.signal ?? interruptSignal();
    while (!signal.aborted) {
      await sleep(options.intervalMs, signal);
      if (!signal.aborted) await show();
    }
    return 0;
  } finally {
    await store.close();
  }
}

interface StatusOptions {
  repo?: RepoRef;
  json: boolean;
  watch: boolean;
  limit: number;
  intervalMs: number;
}

export function parseStatusArgs(args: string[]): StatusOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      json: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      limit: { type: 'string' },
      interval: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new Error(`status takes no arguments (got "${positionals.join(' ')}")`);
  let repo: RepoRef | undefined;
  if (values.repo !== undefined) {
    const match = /^([\w.-]+)\/([\w.-]+)$/.exec(values.repo.trim());
    if (!match)
      throw new Error(`--repo must be owner/name, e.g. --repo octo-org/shop (got "${values.repo}")`);
    repo = { owner: match[1]!, repo: match[2]! };
  }
  const limit = positiveNumber(values.limit, '--limit', 20);
  if (!Number.isInteger(limit) || limit > 1000)
    throw new Error('--limit must be a whole number from 1 to 1000');
  return {
    ...(repo ? { repo } : {}),
    json: values.json ?? false,
    watch: values.watch ?? false,
    limit,
    intervalMs: positiveNumber(values.interval, '--interval', 2) * 1000,
  };
}

function positiveNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} must be a positive number (got "${text}")`);
  return value;
}

function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
