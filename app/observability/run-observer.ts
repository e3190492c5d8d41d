/**
 * Whatever watches runs change without taking part in them: metrics, notifications, the stage log.
 * The run service calls it after every save; an observer must return at once (it may start background
 * work) and must never throw into the run's path.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import type { IntegrationSource, WaveIntegration } from '../finish/integration-source.js';
import type { Run } from '../runs/run.js';

export interface RunChange {
  /** The run as it was read, before the events. */
  before: Run;
  /** The run as saved. */
  after: Run;
  /** The repository's configuration the change was made under. */
  config: AutodevConfig;
  /** The log of the delivery that caused the change (bound to its deliveryId), when there was one. */
  log?: Log;
}

export interface RunObserver {
  runChanged(change: RunChange): void;
  /** An error stopped a step of the run (planning, finishing) before or instead of a save. */
  runError?(run: Run, error: unknown): void;
  /** Finishing read how a wave was integrated (it may read the same wave again later). */
  waveIntegrated?(run: Run, wave: number, result: WaveIntegration): void;
}

/** Several observers as one; each is shielded from the others' mistakes. */
export function combineObservers(observers: readonly RunObserver[], log?: Log): RunObserver {
  const each = (call: (o: RunObserver) => void) => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (error) {
        log?.warn({ err: error }, 'a run observer failed');
      }
    }
  };
  return {
    runChanged: (change) => each((o) => o.runChanged(change)),
    runError: (run, error) => each((o) => o.runError?.(run, error)),
    waveIntegrated: (run, wave, result) => each((o) => o.waveIntegrated?.(run, wave, result)),
  };
}

/** The integration source, telling the observer about every wave result it hands out. */
export function observedIntegrations(source: IntegrationSource, observer?: RunObserver): IntegrationSource {
  if (!observer?.waveIntegrated) return source;
  return {
    async forWave(run, wave) {
      const result = await source.forWave(run, wave);
      if (result) {
        try {
          observer.waveIntegrated?.(run, wave, result);
        } catch {
          // Watching must never stop a run from finishing.
        }
      }
      return result;
    },
  };
}
