/**
 * The one Run of a local invocation: events go through the shared state machine (applyRunEvent), and
 * every accepted state is written to `<repo>/.git/autodev/<run>/run.json`, so what happened survives
 * the process and can be read afterwards, without a database to open. A refused event is a bug in
 * the local pipeline (it drives the machine itself), so it throws rather than being ignored.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Run } from '../runs/run.js';
import { applyRunEvent, type RunEvent } from '../runs/transitions.js';

export interface RunRecordOptions {
  /** run.json path; without it the run is kept in memory only. */
  file?: string;
  now?: () => Date;
  onChange?: (run: Run) => void;
}

export class RunRecord {
  private current: Run;
  private writes: Promise<void> = Promise.resolve();
  private readonly now: () => Date;

  constructor(
    run: Run,
    private readonly options: RunRecordOptions = {},
  ) {
    this.current = run;
    this.now = options.now ?? (() => new Date());
    this.changed();
  }

  get run(): Run {
    return this.current;
  }

  apply(event: RunEvent): Run {
    const result = applyRunEvent(this.current, event, this.now());
    if (!result.ok) throw new Error(`local run ${this.current.id}: ${result.error} (event ${event.type})`);
    this.current = { ...result.run, version: this.current.version + 1 };
    this.changed();
    return this.current;
  }

  /** Resolves once every state so far is on disk; a failed write surfaces here. */
  async flush(): Promise<void> {
    await this.writes;
  }

  private changed(): void {
    const run = this.current;
    this.options.onChange?.(run);
    const file = this.options.file;
    if (!file) return;
    // Chained so a slow write never lands after a newer one; rename keeps the file whole if we die mid-write.
    this.writes = this.writes.then(async () => {
      await writeFile(`${file}.tmp`, `${JSON.stringify(run, null, 2)}\n`);
      await rename(`${file}.tmp`, file);
    });
  }
}
