import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { migrate } from '../../app/store/migrate.js';
import { pgliteClient } from '../../app/store/sql-client.js';
import { SqlStore } from '../../app/store/sql-store.js';
import { describeStoreContract } from './describe-store-contract.js';
import { resetTables } from './reset-tables.js';

describeStoreContract('SqlStore on in-memory PGlite', async () => {
  const client = pgliteClient(await PGlite.create({ extensions: { vector } }));
  await migrate(client);
  return {
    store: new SqlStore(client),
    migrateAgain: () => migrate(client),
    reset: () => resetTables(client),
    dispose: async () => undefined,
  };
});
