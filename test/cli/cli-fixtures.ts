/** What the memory and audit command tests share: a memory store on an in-memory PGlite, and an output sink. */
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { openSqlClient } from '../../app/store/open-store.js';
import type { SqlClient } from '../../app/store/sql-client.js';

export interface MemoryDb {
  client: SqlClient;
  store: SqlMemoryStore;
}

/** One store for the file (its fields are set before the first test), emptied of `tables` before each test. */
export function useMemoryStore(tables: readonly string[]): MemoryDb {
  const db = {} as MemoryDb;
  beforeAll(async () => {
    db.client = await openSqlClient({ dataDir: 'memory://', inThread: true });
    db.store = new SqlMemoryStore(db.client);
  });
  afterAll(async () => {
    await db.store?.close();
  });
  beforeEach(async () => {
    await db.client.exec(tables.map((table) => `delete from ${table};`).join(' '));
  });
  return db;
}

/** A writable that keeps what the command printed. */
export function sink() {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}
