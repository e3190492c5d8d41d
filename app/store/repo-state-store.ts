/**
 * A Store with no database, for Actions-only mode: state lives as JSON files on a branch of the
 * repository itself (`autodev-state`), written through the Scm's file verbs. Each write is one commit
 * guarded by the blob sha that was read, which is the optimistic lock; runs also carry `version`.
 *
 * Layout, under `.autodev/` (see state-branch-files.ts):
 *   runs/<run-id>.json                 the Run
 *   issues/<owner>/<repo>/<n>.json     { runs: [{ id, createdAt }] }, oldest first
 *   delivery-runs/<delivery-id>.json   { runId } — the run a delivery created (null: given back)
 *   deliveries/<delivery-id>.json      a recorded delivery and its claim
 *   index.json                         every run's id, repo, issue, creation time and last known state
 *
 * The Contents API writes one file per commit, so createRun cannot be one transaction. It writes in an
 * order that keeps every reader right: the run file first (unreachable until something names it), then
 * the delivery claim, then the issue list (which decides the one-unfinished-run-per-issue rule), then
 * the index. A creator that stops half way is finished by the next createRun for its delivery; one that
 * loses the issue gives its delivery claim back. A lost race can leave an unreachable run file behind.
 *
 * The index's state is a hint that lets listRuns({ states }) read only the runs that may match; every
 * saveRun brings it up to date, and listRuns checks each run file it reads.
 *
 * Deliveries: Actions mode handles exactly the one event its workflow run was started for, and the Scm
 * has no way to list files, so claimDelivery only hands out deliveries recorded through this instance.
 */
import { FINAL_RUN_STATES, type RepoRef, type Run, type RunState } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import { DEFAULT_STALE_AFTER_MS } from './sql-store.js';
import { fileName, STATE_BRANCH, StateBranchFiles, toJson } from './state-branch-files.js';
import {
  type Delivery,
  type DeliveryInput,
  RunNotFoundError,
  type RunFilter,
  StaleRunError,
  type Store,
} from './store.js';

export { STATE_BRANCH, STATE_ROOT } from './state-branch-files.js';

const DEFAULT_LIMIT = 100;
// Every lost race means another writer made progress, so a loop ends long before this; it only stops
// a loop that would never end because the branch is broken.
const MAX_ATTEMPTS = 50;

export interface RepoStateStoreOptions {
  scm: Scm;
  /** The repository whose branch holds the state (the workflow's own). */
  repo: RepoRef;
  branch?: string;
  now?: () => Date;
}

interface IssueFile {
  runs: { id: string; createdAt: string }[];
}
interface IndexEntry {
  id: string;
  repo: string;
  issueNumber: number;
  createdAt: string;
  state: RunState;
}
interface DeliveryFile extends Delivery {
  claimedBy?: string;
  claimedAt?: string;
  finishedAt?: string;
}

export class RepoStateStore implements Store {
  private readonly files: StateBranchFiles;
  private readonly now: () => Date;
  /** Ids recorded through this instance, oldest first: the deliveries claimDelivery may hand out. */
  private recorded: string[] = [];

  constructor(options: RepoStateStoreOptions) {
    this.files = new StateBranchFiles(options.scm, options.repo, options.branch ?? STATE_BRANCH);
    this.now = options.now ?? (() => new Date());
  }

  async recordDelivery(d: DeliveryInput): Promise<boolean> {
    const file: DeliveryFile = {
      id: d.id,
      event: d.event,
      ...(d.action ? { action: d.action } : {}),
      repo: d.repo,
      payload: d.payload ?? null,
      status: 'pending',
      attempts: 0,
      receivedAt: this.now().toISOString(),
    };
    const written = await this.files.write(deliveryPath(d.id), file, null, `record delivery ${d.id}`);
    if (written === 'conflict') return false;
    this.recorded.push(d.id);
    return true;
  }

  async claimDelivery(workerId: string, options: { staleAfterMs?: number } = {}): Promise<Delivery | null> {
    const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    for (const id of [...this.recorded]) {
      const file = await this.files.read<DeliveryFile>(deliveryPath(id));
      if (!file || file.value.status === 'done' || file.value.status === 'failed') {
        this.recorded = this.recorded.filter((known) => known !== id);
        continue;
      }
      const now = this.now();
      const { error: _error, ...delivery } = file.value;
      const since = Date.parse(delivery.claimedAt ?? delivery.receivedAt);
      if (delivery.status === 'processing' && now.getTime() - since <= staleAfterMs) continue;
      const claimed: DeliveryFile = {
        ...delivery,
        status: 'processing',
        attempts: delivery.attempts + 1,
        claimedBy: workerId,
        claimedAt: now.toISOString(),
      };
      // A conflict means another claimer took it first: look at the next one.
      const written = await this.files.write(deliveryPath(id), claimed, file.sha, `claim delivery ${id}`);
      if (written !== 'conflict') return toDelivery(claimed);
    }
    return null;
  }

  async finishDelivery(id: string, outcome: { status: 'done' | 'failed'; error?: string }): Promise<void> {
    await this.update<DeliveryFile>(deliveryPath(id), `finish delivery ${id}`, (file) => {
      if (!file) throw new Error(`cannot finish delivery ${id}: it was never recorded`);
      const { error: _error, ...delivery } = file;
      const finishedAt = this.now().toISOString();
      return {
        ...delivery,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        finishedAt,
      };
    });
  }

  async createRun(input: Run): Promise<{ run: Run; created: boolean }> {
    const run = JSON.parse(toJson(input)) as Run;
    const claimPath = deliveryRunPath(run.deliveryId);
    let runWritten = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const claim = await this.files.read<{ runId: string | null }>(claimPath);
      const claimedId = claim?.value.runId;
      if (claim && claimedId) {
        const claimed = await this.getRun(claimedId);
        if (!claimed) throw new Error(`${claimPath} names run ${claimedId}, which does not exist`);
        // Its creator may have stopped before the issue list or the index: finish the job.
        const holder = await this.placeOnIssue(claimed);
        if (holder) {
          await this.giveBack(claimPath, claim.sha);
          return { run: holder, created: false };
        }
        await this.addToIndex(claimed);
        return { run: claimed, created: false };
      }
      // Cheap early answer for the common case, before anything is written.
      const busy = isFinal(run) ? null : await this.unfinishedRunOn(run.repo, run.issueNumber);
      if (busy) return { run: busy, created: false };
      if (!runWritten) {
        const written = await this.files.write(runPath(run.id), run, null, `create run ${run.id}`);
        if (written === 'conflict' && (await this.getRun(run.id))?.deliveryId !== run.deliveryId) {
          throw new Error(`cannot create run ${run.id}: the id is taken by a run of another delivery`);
        }
        runWritten = true;
      }
      const what = `delivery ${run.deliveryId} is run ${run.id}`;
      const claimSha = await this.files.write(claimPath, { runId: run.id }, claim?.sha ?? null, what);
      if (claimSha === 'conflict') continue;
      const holder = await this.placeOnIssue(run);
      if (holder) {
        await this.giveBack(claimPath, claimSha);
        return { run: holder, created: false };
      }
      await this.addToIndex(run);
      return { run, created: true };
    }
    throw new Error(`could not create run ${run.id}: the ${STATE_BRANCH} branch kept changing`);
  }

  async getRun(id: string): Promise<Run | null> {
    return (await this.files.read<Run>(runPath(id)))?.value ?? null;
  }

  async saveRun(run: Run): Promise<Run> {
    const file = await this.files.read<Run>(runPath(run.id));
    if (!file) throw new RunNotFoundError(run.id);
    if (file.value.version !== run.version) throw new StaleRunError(run.id, run.version, file.value.version);
    const version = run.version + 1;
    // Where a run belongs and what started it never change; the issue lists and the index rely on it.
    const { repo, issueNumber, deliveryId, trigger, createdAt } = file.value;
    const stored = { ...run, repo, issueNumber, deliveryId, trigger, createdAt, version };
    const what = `run ${run.id} v${version} ${run.state}`;
    if ((await this.files.write(runPath(run.id), stored, file.sha, what)) === 'conflict') {
      const current = await this.getRun(run.id);
      if (!current) throw new RunNotFoundError(run.id);
      throw new StaleRunError(run.id, run.version, current.version);
    }
    await this.noteState({ id: run.id, version, state: run.state });
    return { ...structuredClone(run), version };
  }

  async latestRunForIssue(repo: RepoRef, issueNumber: number): Promise<Run | null> {
    const entries = (await this.files.read<IssueFile>(issuePath(repo, issueNumber)))?.value.runs ?? [];
    for (const entry of [...entries].reverse()) {
      const run = await this.getRun(entry.id);
      if (run) return run;
    }
    return null;
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    const { states, limit = DEFAULT_LIMIT } = filter;
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
    if (states?.length === 0) return [];
    const repo = filter.repo ? `${filter.repo.owner}/${filter.repo.repo}` : undefined;
    const entries = ((await this.files.read<{ runs: IndexEntry[] }>(INDEX))?.value.runs ?? [])
      .filter((entry) => repo === undefined || entry.repo === repo)
      .filter((entry) => !states || states.includes(entry.state))
      .sort((a, b) => byCreation(b, a));
    const found: Run[] = [];
    // Read a few at a time, newest first, until enough runs really are in one of the states asked for.
    for (let start = 0; start < entries.length && found.length < limit; start += 10) {
      const batch = await Promise.all(entries.slice(start, start + 10).map((entry) => this.getRun(entry.id)));
      for (const run of batch) if (run && (!states || states.includes(run.state))) found.push(run);
    }
    return found.slice(0, limit);
  }

  async close(): Promise<void> {}

  private async unfinishedRunOn(repo: RepoRef, issueNumber: number): Promise<Run | null> {
    const entries = (await this.files.read<IssueFile>(issuePath(repo, issueNumber)))?.value.runs ?? [];
    return this.firstUnfinished(entries);
  }

  private async firstUnfinished(entries: IssueFile['runs']): Promise<Run | null> {
    const runs = await Promise.all([...entries].reverse().map((entry) => this.getRun(entry.id)));
    return runs.find((run): run is Run => run !== null && !isFinal(run)) ?? null;
  }

  /** Adds the run to its issue's list; returns the other unfinished run holding the issue, if one does. */
  private async placeOnIssue(run: Run): Promise<Run | null> {
    let holder: Run | null = null;
    const where = `${run.repo.owner}/${run.repo.repo}#${run.issueNumber}`;
    await this.update<IssueFile>(
      issuePath(run.repo, run.issueNumber),
      `run ${run.id} on ${where}`,
      async (file) => {
        const entries = file?.runs ?? [];
        if (entries.some((entry) => entry.id === run.id)) return undefined;
        // As in SQL, only an unfinished run is kept off a busy issue; a finished one is history.
        holder = isFinal(run) ? null : await this.firstUnfinished(entries);
        if (holder) return undefined;
        return { runs: [...entries, { id: run.id, createdAt: run.createdAt }].sort(byCreation) };
      },
    );
    return holder;
  }

  private async addToIndex(run: Run): Promise<void> {
    const entry: IndexEntry = {
      id: run.id,
      repo: `${run.repo.owner}/${run.repo.repo}`,
      issueNumber: run.issueNumber,
      createdAt: run.createdAt,
      state: run.state,
    };
    await this.update<{ runs: IndexEntry[] }>(INDEX, `index run ${run.id}`, (index) => {
      const runs = index?.runs ?? [];
      return runs.some((known) => known.id === run.id) ? undefined : { runs: [...runs, entry] };
    });
  }

  /**
   * Brings the run's index entry to the run's state (after every save, so a hint a crash left stale
   * heals on the next one). The index is read before the run file, so a slower writer holding an
   * older state finds the index changed under it and looks again.
   */
  private async noteState(saved: { id: string; version: number; state: RunState }): Promise<void> {
    await this.update<{ runs: IndexEntry[] }>(INDEX, `state of run ${saved.id}`, async (index) => {
      const entry = index?.runs.find((known) => known.id === saved.id);
      if (!index || !entry || entry.state === saved.state) return undefined;
      const run = await this.getRun(saved.id);
      // A read that lags behind this very write knows less than the caller does.
      const state = run && run.version > saved.version ? run.state : saved.state;
      if (entry.state === state) return undefined;
      return { runs: index.runs.map((known) => (known.id === saved.id ? { ...known, state } : known)) };
    });
  }

  /** Lets a delivery whose run lost its issue start again later; a conflict means someone else did. */
  private async giveBack(path: string, sha: string): Promise<void> {
    await this.files.write(path, { runId: null }, sha, `release ${path}`);
  }

  /** Read, change, write until no one wrote in between; `change` answers undefined to leave it be. */
  private async update<T>(
    path: string,
    what: string,
    change: (current: T | null) => T | undefined | Promise<T | undefined>,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const file = await this.files.read<T>(path);
      const next = await change(file?.value ?? null);
      if (next === undefined) return;
      if ((await this.files.write(path, next, file?.sha ?? null, what)) !== 'conflict') return;
    }
    throw new Error(`could not ${what}: ${path} on the ${STATE_BRANCH} branch kept changing`);
  }
}

const INDEX = 'index.json';
const runPath = (id: string) => `runs/${fileName(id)}.json`;
const deliveryPath = (id: string) => `deliveries/${fileName(id)}.json`;
const deliveryRunPath = (id: string) => `delivery-runs/${fileName(id)}.json`;
const issuePath = (repo: RepoRef, n: number) =>
  `issues/${fileName(repo.owner)}/${fileName(repo.repo)}/${n}.json`;

function isFinal(run: Run): boolean {
  return FINAL_RUN_STATES.includes(run.state);
}

function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function toDelivery(file: DeliveryFile): Delivery {
  const { claimedBy: _by, claimedAt: _at, finishedAt: _done, ...delivery } = file;
  return delivery;
}
