/** The few SQL operations the store needs, over PGlite (embedded) or node-postgres (a server). */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlQueryable {
  /** One statement, with $1… parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
  /** Several statements without parameters (migration files). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlQueryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function pgliteClient(db: PGlite): SqlClient {
  return {
    ...pgliteQueryable(db),
    transaction: (fn) => db.transaction((tx) => fn(pgliteQueryable(tx))),
    close: () => db.close(),
  };
}

function pgliteQueryable(tx: PGlite | Transaction): SqlQueryable {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => ({
      rows: (await tx.query<T>(sql, [...params])).rows,
    }),
    exec: async (sql) => {
      await tx.exec(sql);
    },
  };
}

export function pgClient(pool: pg.Pool): SqlClient {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await pool.query(sql, [...params]);
      return { rows: result.rows as T[] };
    },
    exec: async (sql) => {
      // Without parameters node-postgres uses the simple query protocol, which accepts several statements.
      await pool.query(sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(pgConnection(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          // A connection that cannot roll back must not go back into the pool.
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

function pgConnection(client: pg.PoolClient): SqlQueryable {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await client.query(sql, [...params]);
      return { rows: result.rows as T[] };
    },
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}
