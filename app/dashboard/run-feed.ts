/**
 * Watches the run store for the dashboard's live view: while at least one browser listens it loads a
 * snapshot every interval (one load shared by every listener, never two at once) and hands it to each
 * listener whose last snapshot differs. With no listeners nothing is loaded and no timer is left, so
 * an unwatched app pays nothing. Polling rather than hooking saves catches every writer — other
 * replicas and the `autodev` CLI save runs to the same database.
 */
export interface RunFeedOptions<T> {
  load(): Promise<T>;
  /** Two snapshots with the same key look the same to a viewer. */
  key(value: T): string;
  intervalMs: number;
  /** Called with the first failure of a streak (not on every poll while the store is down). */
  onError?(error: unknown): void;
}

export type FeedListener<T> = (value: T) => void;

export class RunFeed<T> {
  private readonly listeners = new Map<FeedListener<T>, { lastKey?: string }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failing = false;

  constructor(private readonly options: RunFeedOptions<T>) {
    if (!(options.intervalMs > 0))
      throw new Error(`the feed interval must be positive (got ${options.intervalMs})`);
  }

  /** Starts delivering snapshots to the listener, the first one at once; returns the unsubscribe. */
  subscribe(listener: FeedListener<T>): () => void {
    this.listeners.set(listener, {});
    this.pollNow();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopTimer();
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Whether a poll is scheduled; false once the last listener left. */
  get active(): boolean {
    return this.timer !== undefined || this.running !== undefined;
  }

  /** Resolves once no poll is in flight (tests use it to wait for a quiet feed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drops every listener and stops polling. */
  close(): void {
    this.listeners.clear();
    this.stopTimer();
  }

  private pollNow(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.stopTimer();
    this.running = this.poll().finally(() => {
      this.running = undefined;
      if (this.listeners.size === 0) return;
      if (this.again) {
        this.again = false;
        this.pollNow();
      } else {
        this.schedule();
      }
    });
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pollNow();
    }, this.options.intervalMs);
    // The feed never keeps the process alive on its own.
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.listeners.size === 0) return;
    let value: T;
    try {
      value = await this.options.load();
    } catch (error) {
      if (!this.failing) this.options.onError?.(error);
      this.failing = true;
      return;
    }
    this.failing = false;
    const key = this.options.key(value);
    for (const [listener, state] of [...this.listeners]) {
      if (state.lastKey === key) continue;
      state.lastKey = key;
      listener(value);
    }
  }
}
