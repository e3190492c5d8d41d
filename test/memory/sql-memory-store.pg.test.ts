/**
 * The memory store contract on node-postgres over TCP (PGlite with pgvector behind the Postgres wire
 * protocol), as against a Postgres server or Supabase's direct connection: several pooled connections,
 * so concurrent audit appends really race for the lock.
 */
import pg from 'pg';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { migrate } from '../../app/store/migrate.js';
import { pgClient } from '../../app/store/sql-client.js';
import { startWireServer } from '../store/start-wire-server.js';
import { describeMemoryStoreContract } from './memory-store-contract.js';

describeMemoryStoreContract('SqlMemoryStore on node-postgres (PGlite over the wire)', async () => {
  const server = await startWireServer();
  const client = pgClient(new pg.Pool({ connectionString: server.url, max: 8 }));
  await migrate(client);
  return {
    store: new SqlMemoryStore(client),
    tamper: (sql) => client.exec(sql),
    dispose: () => server.stop(),
  };
});
