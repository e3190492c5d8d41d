/** The run store chosen by the environment: Postgres when DATABASE_URL is set, else embedded PGlite. */
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export function storeFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  return openStore({
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.AUTODEV_DATA_DIR ? { dataDir: env.AUTODEV_DATA_DIR } : {}),
  });
}
