import { readdirSync } from 'node:fs';
import { findMigrationsDir } from '../../app/store/migrate.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startWireServer, type WireServer } from './start-wire-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./create-run-child.ts', import.meta.url));
const DELIVERIES = 20;

interface ChildResult {
  deliveryId: string;
  recorded: boolean;
  created: boolean;
  runId: string;
}

/** A child process and the JSON lines it prints, one at a time. */
function startChild(url: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, url, 'race', String(DELIVERIES)], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (what: string, timeoutMs: number): Promise<Record<string, unknown>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`child ${child.pid}: no ${what} in ${timeoutMs} ms. ${stderr}`)),
        timeoutMs,
      );
    });
    try {
      const line = await Promise.race([lines.next(), timeout]);
      if (line.done) throw new Error(`child ${child.pid} ended before ${what}: ${stderr}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, next };
}

describe('two processes on one database', () => {
  let server: WireServer;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    server = await startWireServer();
  }, 60_000);
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server.stop();
  });

  it('create exactly one run per delivery', async () => {
    const pair = [startChild(server.url), startChild(server.url)];
    children.push(...pair.map((p) => p.child));
    // Both migrate the fresh database at the same time, then wait at the barrier.
    for (const p of pair) expect(await p.next('ready', 30_000)).toEqual({ ready: true });
    for (const p of pair) p.child.stdin.write('go\n');
    const outputs = await Promise.all(pair.map((p) => p.next('results', 30_000)));
    const results = outputs.flatMap((o) => o.results as ChildResult[]);

    expect(results).toHaveLength(2 * DELIVERIES);
    for (let i = 0; i < DELIVERIES; i++) {
      const mine = results.filter((r) => r.deliveryId === `race-${i}`);
      expect(mine.filter((r) => r.recorded)).toHaveLength(1);
      expect(mine.filter((r) => r.created)).toHaveLength(1);
      expect(mine[0]?.runId).toBe(mine[1]?.runId);
    }
    await Promise.all(
      pair.map(
        (p) => new Promise((done) => (p.child.exitCode !== null ? done(null) : p.child.once('exit', done))),
      ),
    );
    const { rows } = await server.db.query<{ deliveries: number; runs: number; migrations: number }>(
      `select (select count(*)::int from autodev_deliveries) as deliveries,
              (select count(*)::int from autodev_runs) as runs,
              (select count(*)::int from autodev_schema_migrations) as migrations`,
    );
    const migrationFiles = readdirSync(findMigrationsDir()).filter((f) => f.endsWith('.sql'));
    expect(rows[0]).toEqual({ deliveries: DELIVERIES, runs: DELIVERIES, migrations: migrationFiles.length });
  }, 90_000);
});
