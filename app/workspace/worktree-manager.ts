/**
 * One git worktree per task, on the task's branch, in the runner's temp directory. Worktrees share
 * the repository's object store, so setting one up costs a checkout, not a clone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import {
  branchInUsePath,
  INTEGRATION_BRANCH_LEAF,
  integrationBranchName,
  invalidIdReason,
  isLockContention,
  parseWorktreeList,
  taskBranchName,
} from './git-worktrees.js';
import type { ListedWorktree } from './git-worktrees.js';

export type WorktreeErrorKind = 'invalid-id' | 'bad-base' | 'branch-in-use' | 'branch-name-clash' | 'git';

export class WorktreeError extends Error {
  constructor(
    readonly kind: WorktreeErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorktreeError';
  }
}

export interface WorktreeManagerOptions {
  /** The repository (its main worktree) the task worktrees are added to. */
  repoPath: string;
  /** Where worktrees are made: the runner's temp directory. */
  baseDir: string;
  /** Attempts of a git step that meets another git process's lock; default 8. */
  lockAttempts?: number;
}

export interface CreateWorktreeOptions {
  runId: string;
  /** The task whose branch to check out; omitted: the run's integration branch, where tasks are merged. */
  taskId?: string;
  /** Ref the task branch starts from: the run's base branch, or for later waves its integration branch. */
  base: string;
}

export interface Worktree {
  readonly path: string;
  /** `autodev/<run>/<task-id>`, or `autodev/<run>/integration`. */
  readonly branch: string;
  /** Removes the worktree directory (the branch stays: it holds the work). Safe to call twice. */
  remove(): Promise<void>;
}

/** Marks directories this code made, so prune never touches anything else in a shared temp dir. */
export const WORKTREE_DIR_PREFIX = 'autodev-wt-';

/**
 * Worktree directories in use by this process, across manager instances: prune must never remove a
 * live one, and a directory's pid alone cannot tell this process from a previous one that had the same
 * pid (usual in containers). A fact about the process, so it lives at module level.
 */
const liveInThisProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class WorktreeManager {
  private readonly git: SimpleGit;
  private readonly lockAttempts: number;
  /** Tail of the queue that serialises `worktree add/remove` within this process. */
  private queue: Promise<unknown> = Promise.resolve();
  private baseDirReal: Promise<string> | undefined;

  constructor(private readonly options: WorktreeManagerOptions) {
    try {
      this.git = simpleGit({ baseDir: options.repoPath, maxConcurrentProcesses: 8 });
    } catch (error) {
      throw new WorktreeError(
        'git',
        `${options.repoPath} is not a usable git repository: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    this.lockAttempts = options.lockAttempts ?? 8;
  }

  async create(options: CreateWorktreeOptions): Promise<Worktree> {
    const leaf = options.taskId ?? INTEGRATION_BRANCH_LEAF;
    for (const [kind, id] of [
      ['run', options.runId],
      ['task', leaf],
    ] as const) {
      const reason = invalidIdReason(kind, id);
      if (reason !== undefined) throw new WorktreeError('invalid-id', reason);
    }
    const { base } = options;
    if (base === '' || base.startsWith('-') || /[\s\0]/.test(base)) {
      throw new WorktreeError('bad-base', `The base ref ${JSON.stringify(base)} is not a valid ref name.`);
    }
    const branch =
      options.taskId === undefined
        ? integrationBranchName(options.runId)
        : taskBranchName(options.runId, options.taskId);
    const name = `${WORKTREE_DIR_PREFIX}${process.pid}-${options.runId}-${leaf}-${randomBytes(3).toString('hex')}`;
    const path = join(await this.baseDir(), name);

    // Only git's bookkeeping (`worktree add --no-checkout`) is serialised; the queries before it and the
    // checkout after it (the slow part, into the worktree's own index) run in parallel across tasks.
    const reuse = await this.branchExists(branch);
    const baseCommit = reuse ? undefined : await this.verifyBase(base);
    const add = (existing: boolean): Promise<string> =>
      existing || baseCommit === undefined
        ? // A retried task continues the work already on its branch; the base only seeds new branches.
          this.git.raw(['worktree', 'add', '--no-checkout', path, branch])
        : this.git.raw(['worktree', 'add', '--no-checkout', '--no-track', '-b', branch, path, baseCommit]);
    await this.serialised(() =>
      this.retryOnLock(() =>
        add(reuse).catch((error: unknown) => {
          // Created meanwhile by a concurrent create of the same task: git then says who holds it.
          if (!reuse && /already exists/.test(messageOf(error))) return add(true);
          throw error;
        }),
      ),
    ).catch((error: unknown) => {
      throw this.addError(error, branch);
    });
    liveInThisProcess.add(path);
    let removal: Promise<void> | undefined;
    const remove = (): Promise<void> => (removal ??= this.removeWorktree(path));
    try {
      await simpleGit({ baseDir: path }).raw(['reset', '--hard', '--quiet']);
    } catch (error) {
      await remove().catch(() => undefined);
      throw new WorktreeError('git', `Checking out ${branch} in ${path} failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return { path, branch, remove };
  }

  /** Runs fn in a fresh worktree and removes it afterwards, whether fn succeeds or throws. */
  async withWorktree<T>(options: CreateWorktreeOptions, fn: (worktree: Worktree) => Promise<T>): Promise<T> {
    const worktree = await this.create(options);
    let result: T;
    try {
      result = await fn(worktree);
    } catch (error) {
      // fn's error is the one worth reporting; a worktree left behind is collected by the next prune().
      await worktree.remove().catch(() => undefined);
      throw error;
    }
    await worktree.remove();
    return result;
  }

  /**
   * Call on start: drops git's records of worktrees whose directory is gone, and removes autodev
   * worktree directories under baseDir that no live process owns (left by a crashed or killed run).
   * Returns the directories removed.
   */
  async prune(): Promise<string[]> {
    const baseDir = await this.baseDir();
    await this.serialised(() => this.retryOnLock(() => this.git.raw(['worktree', 'prune'])));
    const registered = new Set((await this.list()).map((w) => w.path));
    const removed: string[] = [];
    for (const entry of await readdir(baseDir, { withFileTypes: true })) {
      if (!entry.name.startsWith(WORKTREE_DIR_PREFIX)) continue;
      const path = join(baseDir, entry.name);
      const pid = Number(/^\d+/.exec(entry.name.slice(WORKTREE_DIR_PREFIX.length))?.[0]);
      const ownedElsewhere = Number.isInteger(pid) && pid !== process.pid && processAlive(pid);
      if (liveInThisProcess.has(path) || ownedElsewhere) continue;
      if (registered.has(path)) await this.removeWorktree(path);
      else await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
    if (removed.length > 0) {
      await this.serialised(() => this.retryOnLock(() => this.git.raw(['worktree', 'prune'])));
    }
    return removed;
  }

  private async removeWorktree(path: string): Promise<void> {
    try {
      await this.serialised(async () => {
        // --force: the agent's uncommitted and untracked files go too; its commits are on the branch.
        const removed = await this.retryOnLock(() =>
          this.git.raw(['worktree', 'remove', '--force', path]),
        ).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (removed === undefined) return;
        // Not a registered worktree (half-made, record already pruned) or git refused: clear it by hand.
        await rm(path, { recursive: true, force: true });
        await this.git.raw(['worktree', 'prune']);
      });
    } catch (error) {
      throw new WorktreeError('git', `Could not remove the worktree ${path}: ${messageOf(error)}`, {
        cause: error,
      });
    } finally {
      liveInThisProcess.delete(path);
    }
  }

  private async baseDir(): Promise<string> {
    // Real path, because git reports worktree paths with symlinks resolved (macOS /tmp → /private/tmp).
    this.baseDirReal ??= mkdir(this.options.baseDir, { recursive: true }).then(() =>
      realpath(this.options.baseDir),
    );
    return this.baseDirReal;
  }

  private async list(): Promise<ListedWorktree[]> {
    return parseWorktreeList(await this.git.raw(['worktree', 'list', '--porcelain']));
  }

  private async branchExists(branch: string): Promise<boolean> {
    const refs = await this.git.raw(['for-each-ref', '--format=%(refname)', `refs/heads/${branch}`]);
    return refs.split('\n').includes(`refs/heads/${branch}`);
  }

  private async verifyBase(base: string): Promise<string> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--end-of-options', `${base}^{commit}`])).trim();
    } catch (error) {
      throw new WorktreeError(
        'bad-base',
        `The base ref \`${base}\` does not name a commit in ${this.options.repoPath}; fetch it or check the run's base branch.`,
        { cause: error },
      );
    }
  }

  private branchInUse(branch: string, holder: string): WorktreeError {
    return new WorktreeError(
      'branch-in-use',
      `The branch ${branch} is already checked out in the worktree ${holder}; a branch can be checked out in one worktree at a time. Remove that worktree (or wait for its task to finish) first.`,
    );
  }

  private addError(error: unknown, branch: string): WorktreeError {
    if (error instanceof WorktreeError) return error;
    const message = messageOf(error);
    const holder = branchInUsePath(message);
    if (holder !== undefined) return this.branchInUse(branch, holder);
    const clash = /'refs\/heads\/([^']+)' exists; cannot create/.exec(message)?.[1];
    if (clash !== undefined) {
      return new WorktreeError(
        'branch-name-clash',
        `The branch ${branch} cannot be created because the branch ${clash} exists: git (and GitHub) cannot hold a branch and another branch below its name. Task branches and the run's integration branch need names that do not nest.`,
        { cause: error },
      );
    }
    return new WorktreeError('git', `git worktree add failed for ${branch}: ${message}`, { cause: error });
  }

  /** In-process mutex: git's worktree bookkeeping in .git/worktrees takes locks that fail, not wait. */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Other processes (a second manager, an agent's git status) still contend: back off and retry. */
  private async retryOnLock<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= this.lockAttempts || !isLockContention(messageOf(error))) throw error;
        await sleep(25 * 2 ** attempt + Math.random() * 25);
      }
    }
  }
}
