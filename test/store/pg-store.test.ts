import pg from 'pg';
import { migrate } from '../../app/store/migrate.js';
import { pgClient } from '../../app/store/sql-client.js';
import { SqlStore } from '../../app/store/sql-store.js';
import { describeStoreContract } from './describe-store-contract.js';
import { resetTables } from './reset-tables.js';
import { startWireServer } from './start-wire-server.js';

// node-postgres over TCP, several connections at once, as against a real Postgres or Supabase.
describeStoreContract('SqlStore on node-postgres (PGlite over the wire)', async () => {
  const server = await startWireServer();
  const client = pgClient(new pg.Pool({ connectionString: server.url, max: 8 }));
  await migrate(client);
  return {
    store: new SqlStore(client),
    migrateAgain: () => migrate(client),
    reset: () => resetTables(client),
    dispose: () => server.stop(),
  };
});
