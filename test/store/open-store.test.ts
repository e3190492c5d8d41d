import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreOpenError, openStore } from '../../app/store/open-store.js';
import { aRun, must } from '../runs/run-fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autodev-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openStore with a data directory', () => {
  it('keeps runs across a close and a reopen', async () => {
    const dataDir = join(dir, 'nested', 'db');
    // An empty URL (an unset environment variable) means the embedded database.
    const first = await openStore({ databaseUrl: '', dataDir });
    const { run } = await first.createRun(aRun());
    const saved = await first.saveRun(must(run, { type: 'cancelled', by: 'mona' }));
    await first.close();

    const second = await openStore({ dataDir });
    try {
      expect(await second.getRun(run.id)).toEqual(saved);
      expect((await second.createRun(aRun({ id: 'other' }))).created).toBe(false);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('can keep the database on the calling thread', async () => {
    const store = await openStore({ dataDir: 'memory://', inThread: true });
    try {
      const { run, created } = await store.createRun(aRun());
      expect(created).toBe(true);
      expect(await store.getRun(run.id)).toEqual(run);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('says which folder it cannot use', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const attempt = openStore({ dataDir: join(file, 'db') });
    await expect(attempt).rejects.toBeInstanceOf(StoreOpenError);
    await expect(attempt).rejects.toThrow(
      `cannot use ${join(file, 'db')} for the embedded database (ENOTDIR)`,
    );
  });
});

describe('openStore with a database URL', () => {
  it('names the host it cannot reach, never the password', async () => {
    const port = await closedPort();
    const attempt = openStore({ databaseUrl: `postgresql://autodev:s3cret-pw@127.0.0.1:${port}/control` });
    await expect(attempt).rejects.toBeInstanceOf(StoreOpenError);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`cannot connect to Postgres at 127.0.0.1:${port}/control`);
    expect(error.message).toContain('Check that the server is running');
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('refuses a URL that is not Postgres', async () => {
    await expect(openStore({ databaseUrl: 'mysql://root:pw@db/app' })).rejects.toThrow(
      'the database URL must start with postgres:// or postgresql://, not mysql://',
    );
    await expect(openStore({ databaseUrl: 'not a url' })).rejects.toThrow(
      'the database URL is not a valid URL',
    );
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
