/** Opens the Store the configuration asks for: Postgres (or Supabase) by URL, else an embedded PGlite. */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import type { MemoryStore } from '../memory/memory-store.js';
import { SqlMemoryStore } from '../memory/sql-memory-store.js';
import { migrate } from './migrate.js';
import { startPgliteWorker } from './pglite-worker-client.js';
import { pgClient, pgliteClient, type SqlClient } from './sql-client.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** postgres:// or postgresql:// URL of a Postgres or Supabase database. */
  databaseUrl?: string;
  /** PGlite data folder when there is no databaseUrl; `memory://` keeps it in memory. Default `.data/autodev`. */
  dataDir?: string;
  /**
   * Run the embedded database on the calling thread instead of a worker thread. Every statement then
   * blocks the event loop while it runs; meant for platforms without worker threads and for comparison.
   */
  inThread?: boolean;
}

/** The store cannot be opened; the message says what to check. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  return new SqlStore(await openSqlClient(options));
}

/** The run store and the memory store on one database: a PGlite data folder can be opened only once. */
export interface Database {
  store: Store;
  /** Shares the store's client; its close() leaves it open. */
  memory: MemoryStore;
  /** Closes the database under both. */
  close(): Promise<void>;
}

export async function openDatabase(options: OpenStoreOptions = {}): Promise<Database> {
  const client = await openSqlClient(options);
  const store = new SqlStore(client);
  return { store, memory: new SqlMemoryStore(client, { ownsClient: false }), close: () => store.close() };
}

/** The migrated database the options name, for callers building their own stores on it. */
export async function openSqlClient(options: OpenStoreOptions = {}): Promise<SqlClient> {
  // An empty string is how an unset environment variable usually arrives.
  const url = options.databaseUrl?.trim() || undefined;
  const client = url ? await openPostgres(url) : await openPglite(options.dataDir, options.inThread);
  try {
    await migrate(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return client;
}

async function openPostgres(url: string): Promise<SqlClient> {
  const where = describeUrl(url);
  // Without a timeout an unreachable host hangs for the OS TCP timeout, minutes, before anyone hears of it.
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops emits 'error' on the pool, which would otherwise crash the
  // process; the pool replaces the connection on the next query, where any lasting problem surfaces.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreOpenError(
      `cannot connect to Postgres at ${where}: ${reason}. Check that the server is running and reachable ` +
        'from here, and that the user, password and database in the database URL are right.',
      { cause: error },
    );
  }
  return pgClient(pool);
}

/** host:port/database of a URL, never its password. */
function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreOpenError(
      'the database URL is not a valid URL; expected postgresql://user:password@host:5432/db',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreOpenError(
      `the database URL must start with postgres:// or postgresql://, not ${parsed.protocol}//; ` +
        'leave it unset to use the embedded database',
    );
  }
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
}

async function openPglite(
  dataDir = resolve(process.cwd(), '.data', 'autodev'),
  inThread = false,
): Promise<SqlClient> {
  // Loaded only when asked for: the main thread otherwise never needs PGlite's code.
  const open = async (where: string) => {
    if (!inThread) return startPgliteWorker({ dataDir: where });
    const [{ PGlite }, { vector }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
    ]);
    // pgvector: the memory tables hold embeddings (supabase/migrations/*_memory.sql).
    return pgliteClient(await PGlite.create(where, { extensions: { vector } }));
  };
  if (dataDir.startsWith('memory://')) return open(dataDir);
  const dir = resolve(dataDir);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StoreOpenError(
      `cannot use ${dir} for the embedded database (${code}): make it a writable folder, choose another ` +
        'data directory, or give a postgres:// database URL',
      { cause: error },
    );
  }
  try {
    return await open(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreOpenError(
      `cannot open the embedded database in ${dir}: ${reason}. Another autodev process may be using it, ` +
        'or it was written by another PGlite version; move the folder aside to start afresh',
      { cause: error },
    );
  }
}
