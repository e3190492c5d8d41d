/** The memory store contract on in-thread PGlite with pgvector, the embedded default, and its migration. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { migrate } from '../../app/store/migrate.js';
import { pgliteClient, type SqlClient } from '../../app/store/sql-client.js';
import { describeMemoryStoreContract } from './memory-store-contract.js';

let client: SqlClient | undefined;
const db = (): SqlClient => {
  if (!client) throw new Error('the database did not open');
  return client;
};

describeMemoryStoreContract('SqlMemoryStore on in-memory PGlite', async () => {
  client = pgliteClient(await PGlite.create({ extensions: { vector } }));
  await migrate(client);
  // The Supabase seed runs after the migrations; its rows belong to a repository the contract never uses.
  await client.exec(await readFile(new URL('../../supabase/seed.sql', import.meta.url), 'utf8'));
  return {
    // The tests below use the database after the contract: the store must leave it open.
    store: new SqlMemoryStore(client, { ownsClient: false }),
    tamper: (sql) => db().exec(sql),
    dispose: async () => undefined,
  };
});

describe('the memory migration', () => {
  afterAll(async () => {
    await client?.close();
  });

  it('leaves the seed rows readable by the statistics', async () => {
    const { rows } = await db().query<{ backend: string; successes: number; failures: number }>(
      `select backend, successes::int, failures::int from autodev_agent_stats
       where repo = 'example/seed' order by backend`,
    );
    expect(rows).toEqual([
      { backend: 'claude-code', successes: 0, failures: 1 },
      { backend: 'langchain', successes: 1, failures: 0 },
    ]);
  });

  it('turns row level security on for every autodev table', async () => {
    const { rows } = await db().query<{ relname: string; relrowsecurity: boolean }>(
      `select relname, relrowsecurity from pg_class where relkind = 'r' and relname like 'autodev%' order by 1`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.filter((r) => !r.relrowsecurity)).toEqual([]);
  });

  it('lets the service role use memory and append to the audit trail, but not rewrite it', async () => {
    const asServiceRole = <T>(sql: string) =>
      db().transaction(async (tx) => {
        await tx.query('set local role service_role');
        return (await tx.query<T>(sql)).rows;
      });
    const appended = await asServiceRole<{ seq: number }>(
      `select seq from autodev_append_audit('acme/widgets', null, 'autodev', 'policy.check', '{}', now(), '{}')`,
    );
    expect(appended).toHaveLength(1);
    expect(await asServiceRole(`select count(*) from autodev_memories`)).toHaveLength(1);
    await expect(asServiceRole(`update autodev_audit_events set actor = 'x'`)).rejects.toThrow(
      /permission denied for table autodev_audit_events/,
    );
    await expect(asServiceRole(`delete from autodev_audit_events`)).rejects.toThrow(/permission denied/);
  });

  it('applies again without changing anything, as the Supabase CLI and autodev may both run it', async () => {
    const sql = await readFile(
      new URL('../../supabase/migrations/20261125000000_memory.sql', import.meta.url),
      'utf8',
    );
    const policies = async () =>
      (
        await db().query<{ tablename: string; policyname: string }>(
          `select tablename, policyname from pg_policies where tablename like 'autodev%' order by 1, 2`,
        )
      ).rows;
    const before = await policies();
    await db().exec(sql);
    expect(await policies()).toEqual(before);
    // Six working tables with one policy each, the audit trail with read and append.
    expect(before).toHaveLength(8);
    expect(before.filter((p) => p.tablename === 'autodev_audit_events').map((p) => p.policyname)).toEqual([
      'service_role_append',
      'service_role_read',
    ]);
  });
});
