/**
 * The app's observability parts assembled once per runtime: metrics, notifications and the stage log,
 * all watching runs through one RunObserver the run service calls after each save.
 */
import type { Log } from '../core/logger.js';
import type { Store } from '../store/store.js';
import { Metrics } from './metrics.js';
import { Notifier } from './notify.js';
import { combineObservers, type RunObserver } from './run-observer.js';
import { stageLog } from './stage-log.js';

export interface Observability {
  metrics: Metrics;
  notifier: Notifier;
  observer: RunObserver;
}

export function createObservability(options: {
  store: Store;
  log: Log;
  metrics?: Metrics;
  notifier?: Notifier;
  /** Where env:NAME webhook URLs are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}): Observability {
  const metrics = options.metrics ?? new Metrics({ store: options.store });
  const notifier =
    options.notifier ?? new Notifier({ log: options.log, ...(options.env ? { env: options.env } : {}) });
  const observer = combineObservers([metrics, notifier, stageLog(options.log)], options.log);
  return { metrics, notifier, observer };
}
