import { migrate } from '../../app/store/migrate.js';
import { startPgliteWorker } from '../../app/store/pglite-worker-client.js';
import { SqlStore } from '../../app/store/sql-store.js';
import { describeStoreContract } from './describe-store-contract.js';
import { resetTables } from './reset-tables.js';

// The same contract as in-thread PGlite: moving the database to a worker thread must change nothing a
// caller can observe, transactions and errors included.
describeStoreContract('SqlStore on in-memory PGlite in a worker thread', async () => {
  const client = await startPgliteWorker({ dataDir: 'memory://' });
  await migrate(client);
  return {
    store: new SqlStore(client),
    migrateAgain: () => migrate(client),
    reset: () => resetTables(client),
    dispose: async () => undefined,
  };
});
