/**
 * Group commit: callers that arrive while a write is in flight (or in the same turn of the event
 * loop) are written together in one statement. Under a burst of webhooks this turns N round trips —
 * and, on PGlite, N serialised statements — into a few, which is what keeps the acknowledgement fast.
 * Each caller still gets its own answer, or the batch's error.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  private running = false;

  /** `write` must answer one result per item, in order. */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the rest of this turn's callers join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.running = false;
  }
}
