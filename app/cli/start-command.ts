/**
 * `autodev start`: Probot's own runner. Without credentials it serves Probot's manifest setup page
 * (which reads app.yml) so a maintainer can register the App in two clicks; with APP_ID,
 * PRIVATE_KEY and WEBHOOK_SECRET it serves webhooks.
 */
import { run } from 'probot';
import { autodevApp } from '../index.js';
import { configuredPlanner } from '../planning/configured-planner.js';
import type { Store } from '../store/store.js';
import { storeFromEnv } from './store-from-env.js';

export async function startCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new Error(`start takes no arguments (got "${args.join(' ')}")`);
  let store: Store | null = null;
  await run(async (app, { addHandler: _addHandler }) => {
    // Opened here, not before: in setup mode Probot never loads the app, so no database is touched.
    store = await storeFromEnv();
    await autodevApp({ store, planner: configuredPlanner() })(app, {
      cwd: process.cwd(),
      addHandler: _addHandler,
    });
  });
  process.once('SIGTERM', () => void store?.close().finally(() => process.exit(0)));
  // Probot keeps the process alive with its server; the CLI returns once it is listening.
  return 0;
}
