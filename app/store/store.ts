/** Durable state of the control plane: webhook deliveries (the work queue) and runs with their tasks. */
import type { RepoRef, Run, RunState } from '../runs/run.js';

export interface DeliveryInput {
  /** X-GitHub-Delivery. */
  id: string;
  event: string;
  action?: string;
  /** "owner/name". */
  repo: string;
  payload: unknown;
}

export type DeliveryStatus = 'pending' | 'processing' | 'done' | 'failed';

export interface Delivery extends DeliveryInput {
  status: DeliveryStatus;
  attempts: number;
  error?: string;
  receivedAt: string;
}

export interface RunFilter {
  states?: RunState[];
  repo?: RepoRef;
  /** Newest first; defaults to 100. */
  limit?: number;
}

export interface Store {
  /** Records a webhook delivery; false when this id was already recorded (a redelivery). */
  recordDelivery(d: DeliveryInput): Promise<boolean>;
  /**
   * Atomically claims the oldest pending delivery — or one stuck in 'processing' longer than staleAfterMs
   * (a crashed worker) — for workerId; null when none. Two workers never get the same one.
   */
  claimDelivery(workerId: string, options?: { staleAfterMs?: number }): Promise<Delivery | null>;
  finishDelivery(id: string, outcome: { status: 'done' | 'failed'; error?: string }): Promise<void>;
  /** How many recorded deliveries have this status (the queue depth metric); stores may not count. */
  countDeliveries?(status: DeliveryStatus): Promise<number>;
  /**
   * Creates the run unless a run already exists for run.deliveryId, or another run on the same issue is
   * still unfinished; returns the stored run (in those cases the existing one) and whether this call
   * created it.
   */
  createRun(run: Run): Promise<{ run: Run; created: boolean }>;
  getRun(id: string): Promise<Run | null>;
  /**
   * Saves run + tasks in one transaction with an optimistic lock on version: throws StaleRunError when the
   * stored version differs from run.version; returns the run with version + 1.
   */
  saveRun(run: Run): Promise<Run>;
  /** The newest run on an issue/PR (for /status, /cancel, /approve, /plan). */
  latestRunForIssue(repo: RepoRef, issueNumber: number): Promise<Run | null>;
  listRuns(filter?: RunFilter): Promise<Run[]>;
  close(): Promise<void>;
}

/** Someone else saved the run since it was read: re-read it, re-apply the event, save again. */
export class StaleRunError extends Error {
  constructor(
    readonly runId: string,
    readonly expectedVersion: number,
    readonly storedVersion: number,
  ) {
    super(`run ${runId} changed since it was read (version ${expectedVersion}, stored ${storedVersion})`);
    this.name = 'StaleRunError';
  }
}

/** saveRun of a run that was never created. */
export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist; create it with createRun before saving it`);
    this.name = 'RunNotFoundError';
  }
}
