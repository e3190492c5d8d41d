/**
 * Works off recorded deliveries after the webhook was acknowledged. Claims go through the store, so
 * several processes on one database share the queue and a delivery is handled once; one left in
 * "processing" by a crashed process is claimed again once it is stale.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery, Store } from '../store/store.js';
import { childLog, type Log } from './logger.js';

export interface DeliveryWorkerOptions {
  store: Store;
  process(delivery: Delivery): Promise<void>;
  log: Log;
  workerId?: string;
  /** Deliveries handled at once by this process. */
  concurrency?: number;
  /** A delivery in "processing" longer than this is taken to belong to a dead process. */
  staleAfterMs?: number;
  /**
   * True while webhook requests are being answered. New work waits for a quiet moment (at most
   * maxDeferMs) so a burst of deliveries is acknowledged before any of it is worked on.
   */
  busy?(): boolean;
  maxDeferMs?: number;
  /**
   * Periodic work that no delivery triggers (runs waiting out a retry backoff, silent waves), every
   * `sweepEveryMs` (default a minute) once startSweeping is called.
   */
  sweep?(): Promise<void>;
  sweepEveryMs?: number;
}

export class DeliveryWorker {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly staleAfterMs: number;
  private active = 0;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private sweeper: NodeJS.Timeout | null = null;
  private runSweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  /** Deliveries this process finished, by outcome (for health checks and metrics). */
  readonly stats = { done: 0, failed: 0 };

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.staleAfterMs = options.staleAfterMs ?? 10 * 60_000;
  }

  /** Looks for work soon, without blocking the caller (the webhook response goes out first). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.quietMoment().then(() => this.drain());
  }

  private async quietMoment(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const deadline = Date.now() + (this.options.maxDeferMs ?? 250);
    while (this.options.busy?.() && Date.now() < deadline) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Also picks up work left behind by crashed processes, every half stale period. */
  startSweeping(): void {
    this.kick();
    this.sweeper = setInterval(() => this.kick(), Math.max(1000, this.staleAfterMs / 2));
    this.sweeper.unref();
    if (this.options.sweep) {
      this.runSweeper = setInterval(
        () => this.sweepRuns(),
        Math.max(1000, this.options.sweepEveryMs ?? 60_000),
      );
      this.runSweeper.unref();
    }
  }

  /** One sweep at a time: a slow one (GitHub being slow) is not overlapped by the next tick. */
  private sweepRuns(): void {
    const sweep = this.options.sweep;
    if (!sweep || this.sweeping || this.stopped) return;
    this.sweeping = sweep()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'sweep failed'))
      .finally(() => {
        this.sweeping = null;
      });
  }

  /** Resolves when nothing is queued or running here (tests and graceful shutdown wait on it). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.draining) await this.draining;
      else if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.runSweeper) clearInterval(this.runSweeper);
    await this.idle();
    await this.sweeping;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        while (this.active < this.concurrency && !this.stopped) {
          const delivery = await this.options.store.claimDelivery(this.workerId, {
            staleAfterMs: this.staleAfterMs,
          });
          if (!delivery) break;
          this.start(delivery);
        }
      } while (this.again && this.active < this.concurrency);
    } catch (error) {
      this.options.log.error({ err: error }, 'could not claim deliveries');
    } finally {
      this.draining = null;
    }
  }

  private start(delivery: Delivery): void {
    this.active++;
    const task = this.handle(delivery).finally(() => {
      this.active--;
      this.inFlight.delete(task);
      this.kick();
    });
    this.inFlight.add(task);
  }

  private async handle(delivery: Delivery): Promise<void> {
    const log = childLog(this.options.log, { deliveryId: delivery.id, event: delivery.event });
    log.info(
      { action: delivery.action, repo: delivery.repo, attempt: delivery.attempts },
      'delivery received',
    );
    try {
      await this.options.process(delivery);
      await this.options.store.finishDelivery(delivery.id, { status: 'done' });
      this.stats.done++;
      log.debug('delivery done');
    } catch (error) {
      this.stats.failed++;
      const message = error instanceof Error ? error.message : String(error);
      log.error({ err: error, deliveryId: delivery.id }, 'delivery failed');
      await this.options.store
        .finishDelivery(delivery.id, { status: 'failed', error: message })
        .catch((e: unknown) => log.error({ err: e, deliveryId: delivery.id }, 'could not record failure'));
    }
  }
}
