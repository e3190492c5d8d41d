/**
 * `autodev start`: Probot's own runner. Without credentials it serves Probot's manifest setup page
 * (which reads app.yml) so a maintainer can register the App in two clicks; with APP_ID,
 * PRIVATE_KEY and WEBHOOK_SECRET it serves webhooks.
 */
import { run } from 'probot';
import { autodevApp } from '../index.js';
import { createLogger, logLevelFromEnv } from '../observability/log.js';
import {
  learningDispatcher,
  learningPlanner,
  openAppDatabase,
  type AppDatabase,
} from '../runtime/app-database.js';

export async function startCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new Error(`start takes no arguments (got "${args.join(' ')}")`);
  let db: AppDatabase | null = null;
  await run(async (app, { addHandler: _addHandler }) => {
    // Opened here, not before: in setup mode Probot never loads the app, so no database is touched.
    db = await openAppDatabase();
    const dashboard = {
      token: process.env.AUTODEV_DASHBOARD_TOKEN,
      // Probot's own variable for GitHub Enterprise Server.
      webUrl: process.env.GHE_HOST ? `https://${process.env.GHE_HOST}` : 'https://github.com',
    };
    const observability = {
      // JSON lines with secrets redacted; LOG_LEVEL is Probot's variable for the same thing.
      log: createLogger({ level: logLevelFromEnv(process.env.LOG_LEVEL) }),
      ...(process.env.AUTODEV_METRICS_TOKEN ? { metricsToken: process.env.AUTODEV_METRICS_TOKEN } : {}),
    };
    const { store, memory } = db;
    await autodevApp({
      store,
      memory,
      planner: learningPlanner(memory, { log: observability.log }),
      dispatcher: learningDispatcher(memory, { log: observability.log }),
      dashboard,
      ...observability,
    })(app, {
      cwd: process.cwd(),
      addHandler: _addHandler,
    });
  });
  process.once('SIGTERM', () => void (db?.close() ?? Promise.resolve()).finally(() => process.exit(0)));
  // Probot keeps the process alive with its server; the CLI returns once it is listening.
  return 0;
}
