/**
 * Worktree per agent versus clone per agent, on this project's own repository, side by side in one
 * run: N worktrees through the WorktreeManager, N `git clone --no-hardlinks`, N plain local clones.
 *
 * `--no-hardlinks` is the fair comparison: an agent per clone on a runner gets a copy of the object
 * store (a hardlinked clone only shares it while source and clone sit on one file system and nobody
 * repacks either). The plain local clone is reported too, as the cheapest a clone can get.
 *
 * Disk is what each setup adds: allocated blocks of every file and directory it created, each inode
 * counted once, leaving out inodes shared with the source's object store (hardlinks). A worktree's
 * cost includes its record in the main repository (`.git/worktrees/<name>`: index, HEAD).
 *
 * Run alone: `npx tsx test/bench/worktree-bench.ts`. It creates and deletes branches
 * `autodev/bench<random>/t<i>` in the repository and cleans everything up afterwards.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import type { Worktree } from '../../app/workspace/worktree-manager.js';

const execFileAsync = promisify(execFile);

export interface WorktreeBenchResult {
  count: number;
  worktreeMs: number;
  cloneMs: number;
  /** cloneMs / worktreeMs; target ≥ 10. */
  speedup: number;
  worktreeBytes: number;
  cloneBytes: number;
  /** worktreeBytes / cloneBytes; target ≤ 0.2. */
  diskRatio: number;
  plainCloneMs: number;
  plainCloneBytes: number;
}

async function git(cwd: string, args: string[]): Promise<string> {
  return (await execFileAsync('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

/** Inodes of every file under dir, to leave hardlinked (shared) objects out of a clone's cost. */
async function inodes(dir: string, into = new Set<number>()): Promise<Set<number>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await inodes(path, into);
    else into.add((await lstat(path)).ino);
  }
  return into;
}

/** Allocated bytes under the paths, each inode once, minus inodes in `shared`. */
async function diskBytes(paths: string[], shared: Set<number>): Promise<number> {
  const seen = new Set<number>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (seen.has(info.ino) || shared.has(info.ino)) return;
    seen.add(info.ino);
    total += info.blocks * 512;
    if (info.isDirectory()) {
      for (const entry of await readdir(path)) await walk(join(path, entry));
    }
  };
  for (const path of paths) await walk(path);
  return total;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Round {
  worktreeMs: number;
  cloneMs: number;
  plainCloneMs: number;
  worktreeBytes: number;
  cloneBytes: number;
  plainCloneBytes: number;
}

/** One round: N of each, each kind in parallel like agents starting together, kinds one after another. */
async function round(repo: string, commonDir: string, count: number, shared: Set<number>): Promise<Round> {
  const scratch = await mkdtemp(join(tmpdir(), 'autodev-worktree-bench-'));
  const runId = `bench${randomBytes(4).toString('hex')}`;
  const manager = new WorktreeManager({ repoPath: repo, baseDir: join(scratch, 'worktrees') });
  const dirs = (kind: string): string[] =>
    Array.from({ length: count }, (_, i) => join(scratch, kind, `a${i}`));
  let worktrees: Worktree[] = [];
  try {
    const wt = await timed(() =>
      Promise.all(
        Array.from({ length: count }, (_, i) => manager.create({ runId, taskId: `t${i}`, base: 'HEAD' })),
      ),
    );
    worktrees = wt.value;
    const records = worktrees.map((w) => join(commonDir, 'worktrees', basename(w.path)));
    const worktreeBytes = await diskBytes([...worktrees.map((w) => w.path), ...records], shared);

    const clones = dirs('clones');
    const clone = await timed(() =>
      Promise.all(clones.map((dir) => git(scratch, ['clone', '-q', '--no-hardlinks', repo, dir]))),
    );
    const plain = dirs('plain');
    const plainClone = await timed(() =>
      Promise.all(plain.map((dir) => git(scratch, ['clone', '-q', repo, dir]))),
    );
    return {
      worktreeMs: wt.ms,
      cloneMs: clone.ms,
      plainCloneMs: plainClone.ms,
      worktreeBytes,
      cloneBytes: await diskBytes(clones, shared),
      plainCloneBytes: await diskBytes(plain, shared),
    };
  } finally {
    await Promise.all(worktrees.map((w) => w.remove()));
    const branches = worktrees.map((w) => w.branch);
    if (branches.length > 0) await git(repo, ['branch', '-q', '-D', ...branches]);
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Medians over `rounds` rounds (default 3): a shared runner's load swings single timings by 2–3×.
 * `repoPath` defaults to the repository holding this file.
 */
export async function benchWorktrees(
  options: { count?: number; rounds?: number; repoPath?: string } = {},
): Promise<WorktreeBenchResult> {
  const count = options.count ?? 8;
  const here = dirname(fileURLToPath(import.meta.url));
  const repo = options.repoPath ?? (await git(here, ['rev-parse', '--show-toplevel']));
  const commonDir = await git(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const shared = await inodes(join(commonDir, 'objects'));
  const rounds: Round[] = [];
  for (let i = 0; i < (options.rounds ?? 3); i++) rounds.push(await round(repo, commonDir, count, shared));
  const pick = (key: keyof Round): number => median(rounds.map((r) => r[key]));
  return {
    count,
    worktreeMs: pick('worktreeMs'),
    cloneMs: pick('cloneMs'),
    speedup: pick('cloneMs') / pick('worktreeMs'),
    worktreeBytes: pick('worktreeBytes'),
    cloneBytes: pick('cloneBytes'),
    diskRatio: pick('worktreeBytes') / pick('cloneBytes'),
    plainCloneMs: pick('plainCloneMs'),
    plainCloneBytes: pick('plainCloneBytes'),
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchWorktrees();
  console.log(`${r.count} worktrees: ${r.worktreeMs.toFixed(0)} ms, ${mb(r.worktreeBytes)}`);
  console.log(`${r.count} clones --no-hardlinks: ${r.cloneMs.toFixed(0)} ms, ${mb(r.cloneBytes)}`);
  console.log(`${r.count} plain local clones: ${r.plainCloneMs.toFixed(0)} ms, ${mb(r.plainCloneBytes)}`);
  console.log(
    `speedup ${r.speedup.toFixed(1)}× (target ≥ 10×), disk ratio ${r.diskRatio.toFixed(3)} (target ≤ 0.2)`,
  );
}
