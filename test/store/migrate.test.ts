import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { MigrationError, findMigrationsDir, migrate } from '../../app/store/migrate.js';
import { pgliteClient, type SqlClient } from '../../app/store/sql-client.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('migrate', () => {
  let client: SqlClient;
  let dir: string;

  beforeAll(async () => {
    client = pgliteClient(await PGlite.create({ extensions: { vector } }));
    dir = await mkdtemp(join(tmpdir(), 'autodev-migrations-'));
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  const names = async (sql: string) => (await client.query<{ name: string }>(sql)).rows.map((r) => r.name);

  it('applies the project migrations once, even when asked twice at the same moment', async () => {
    const [first, second] = await Promise.all([migrate(client), migrate(client)]);
    const files = (await readdir(findMigrationsDir())).filter((f) => f.endsWith('.sql')).sort();
    expect(files[0]).toBe('20261123000000_control_plane.sql');
    expect([...(first ?? []), ...(second ?? [])]).toEqual(files);
    expect(await migrate(client)).toEqual([]);
    const tables = await names(
      `select table_name as name from information_schema.tables where table_name like 'autodev_%' order by 1`,
    );
    expect(tables).toEqual([
      'autodev_agent_stats',
      'autodev_audit_events',
      'autodev_deliveries',
      'autodev_memories',
      'autodev_memory_settings',
      'autodev_outcomes',
      'autodev_runs',
      'autodev_schema_migrations',
      'autodev_tasks',
    ]);
  });

  it('applies files in filename order, not creation order', async () => {
    const own = join(dir, 'ordered');
    await mkdir(own);
    await writeFile(join(own, '002_use.sql'), 'insert into ordered_things (n) values (2);');
    await writeFile(join(own, '001_make.sql'), 'create table ordered_things (n int);');
    await writeFile(join(own, 'README.md'), 'not a migration');
    expect(await migrate(client, { dir: own })).toEqual(['001_make.sql', '002_use.sql']);
    expect((await client.query('select n from ordered_things')).rows).toEqual([{ n: 2 }]);
  });

  it('names a failing file and leaves the schema as it was', async () => {
    const own = join(dir, 'broken');
    await mkdir(own);
    await writeFile(join(own, '001_ok.sql'), 'create table half_done (n int);');
    await writeFile(join(own, '002_bad.sql'), 'create tabel oops (n int);');
    const attempt = migrate(client, { dir: own });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/^migration 002_bad\.sql failed: syntax error/);
    expect(
      await names(`select table_name as name from information_schema.tables where table_name = 'half_done'`),
    ).toEqual([]);
    expect(
      await names(`select name from autodev_schema_migrations where name like '00%' order by 1`),
    ).toEqual(['001_make.sql', '002_use.sql']);
  });
});

describe('findMigrationsDir', () => {
  it('finds the project folder from the source and from the compiled output', () => {
    const expected = join(root, 'supabase', 'migrations');
    expect(findMigrationsDir()).toBe(expected);
    expect(findMigrationsDir(join(root, 'lib', 'app', 'store'))).toBe(expected);
  });

  it('says where it looked when there is none', () => {
    expect(() => findMigrationsDir('/')).toThrow(
      'no supabase/migrations folder found in / or any folder above it',
    );
  });
});
