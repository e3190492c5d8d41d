/** The worker-backed SqlClient: transactions, errors and parameters as in-thread PGlite has them. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startPgliteWorker } from '../../app/store/pglite-worker-client.js';
import type { SqlClient } from '../../app/store/sql-client.js';

let client: SqlClient;

beforeAll(async () => {
  client = await startPgliteWorker({ dataDir: 'memory://' });
  await client.exec(`
    create table counter (n int not null);
    create table items (id text primary key, note text);
  `);
}, 60_000);
afterAll(() => client.close());
beforeEach(() => client.exec('delete from counter; insert into counter values (0); delete from items;'));

const counter = async () => (await client.query<{ n: number }>('select n from counter')).rows[0]?.n;
const itemIds = async () =>
  (await client.query<{ id: string }>('select id from items order by id')).rows.map((r) => r.id);
/** Yields to the event loop, so that other callers' messages reach the worker in between. */
const turn = () => new Promise((done) => setImmediate(done));

describe('transactions', () => {
  it('run concurrent read-modify-write transactions one after another', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        client.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('select n from counter');
          await turn();
          await tx.query('update counter set n = $1', [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    expect(await counter()).toBe(20);
  });

  it('keep statements from outside out of an open transaction', async () => {
    // Without queueing, an outside increment would land between the read and the write below, and the
    // transaction's write would then erase it.
    const outside: Promise<unknown>[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () =>
        client.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('select n from counter');
          outside.push(client.query('update counter set n = n + 100'));
          await turn();
          await tx.query('update counter set n = $1', [(rows[0]?.n ?? 0) + 1]);
        }),
      ),
    );
    await Promise.all(outside);
    expect(await counter()).toBe(505);
  });

  it('answers a statement from outside only after the open transaction commits', async () => {
    const events: string[] = [];
    let release = () => undefined as void;
    const gate = new Promise<void>((done) => (release = done));
    const tx = client.transaction(async (t) => {
      await t.query(`insert into items values ('in-tx', null)`);
      await gate;
      events.push('tx done');
    });
    await turn();
    const outside = itemIds().then((ids) => events.push(`outside saw ${ids.join(',')}`));
    await new Promise((done) => setTimeout(done, 50));
    expect(events).toEqual([]);
    release();
    await Promise.all([tx, outside]);
    expect(events).toEqual(['tx done', 'outside saw in-tx']);
  });

  it('rolls back when the callback throws, and rethrows its error', async () => {
    const failure = new Error('changed my mind');
    await expect(
      client.transaction(async (tx) => {
        await tx.query(`insert into items values ('a', null)`);
        await tx.exec(`insert into items values ('b', null); update counter set n = 7;`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await itemIds()).toEqual([]);
    expect(await counter()).toBe(0);
  });

  it('runs a nested transaction on the same transaction', async () => {
    const result = await client.transaction(async (tx) => {
      await tx.query(`insert into items values ('outer', null)`);
      return (tx as SqlClient).transaction(async (inner) => {
        await inner.query(`insert into items values ('inner', null)`);
        return (await inner.query<{ n: number }>('select count(*)::int as n from items')).rows[0]?.n;
      });
    });
    expect(result).toBe(2);
    expect(await itemIds()).toEqual(['inner', 'outer']);
  });

  it('refuses statements on a transaction that has ended', async () => {
    let leaked: SqlClient | undefined;
    await client.transaction(async (tx) => {
      leaked = tx as SqlClient;
    });
    await expect(leaked?.query('select 1')).rejects.toThrow(/transaction \d+ is not open/);
  });
});

describe('errors', () => {
  it('keep the Postgres code, message and details', async () => {
    await client.query(`insert into items values ('dup', null)`);
    const error = (await client
      .query(`insert into items values ('dup', null)`)
      .catch((e: unknown) => e)) as Error & Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('duplicate key value violates unique constraint "items_pkey"');
    expect(error).toMatchObject({ code: '23505', constraint: 'items_pkey', table: 'items' });
    // The stack leads to the caller, not to the message handler.
    expect(error.stack).toContain('pglite-worker-client.test.ts');
  });

  it('keep the code of a statement that fails inside a transaction, which then rolls back', async () => {
    const attempt = client.transaction(async (tx) => {
      await tx.query(`insert into items values ('x', null)`);
      await tx.query('select * from no_such_table');
    });
    await expect(attempt).rejects.toMatchObject({ code: '42P01' });
    expect(await itemIds()).toEqual([]);
  });

  it('reject a parameter that cannot cross to the worker', async () => {
    await expect(client.query('select $1::text', [() => 'no'])).rejects.toThrow(/could not be cloned/);
    expect(await counter()).toBe(0);
  });
});

describe('values', () => {
  it('pass dates, big integers, arrays, json and null both ways', async () => {
    const at = new Date('2026-11-23T10:00:00.000Z');
    const { rows } = await client.query(
      `select $1::timestamptz as at, $2::int8 as big, $3::int8 as huge, $4::text[] as tags,
         $5::jsonb as doc, $6::text as nothing, 1.5::numeric as cost`,
      [at, 2n ** 40n, 2n ** 60n, ['a', 'b'], JSON.stringify({ k: [1, 'two'] }), null],
    );
    expect(rows).toEqual([
      {
        at,
        big: 2 ** 40,
        huge: 2n ** 60n,
        tags: ['a', 'b'],
        doc: { k: [1, 'two'] },
        nothing: null,
        cost: '1.5',
      },
    ]);
  });
});
