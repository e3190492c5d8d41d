/** WorktreeManager on real repositories: creation in parallel, cleanup, branch rules, prune. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WORKTREE_DIR_PREFIX, WorktreeError, WorktreeManager } from '../../app/workspace/worktree-manager.js';
import { commitAll, git, makeRepo, makeTempDir, removeDir } from './git-fixture.js';

let scratch: string;
let repo: string;
let baseDir: string;
let manager: WorktreeManager;
let mainSha: string;

async function worktreePaths(): Promise<string[]> {
  const porcelain = await git(repo, ['worktree', 'list', '--porcelain']);
  return porcelain
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

async function failure(promise: Promise<unknown>): Promise<WorktreeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorktreeError);
  return error as WorktreeError;
}

beforeAll(async () => {
  scratch = await makeTempDir('worktrees');
  repo = await makeRepo(join(scratch, 'repo'), { 'README.md': '# demo\n', 'src/a.ts': 'export {};\n' });
  mainSha = await git(repo, ['rev-parse', 'HEAD']);
  baseDir = join(scratch, 'runner-temp');
  manager = new WorktreeManager({ repoPath: repo, baseDir });
});

afterAll(async () => {
  await removeDir(scratch);
});

describe('WorktreeManager', () => {
  test('creates a worktree on autodev/<run>/<task> from the base, and removes it', async () => {
    const worktree = await manager.create({ runId: 'run1', taskId: 'api', base: 'main' });
    expect(worktree.branch).toBe('autodev/run1/api');
    expect(dirname(worktree.path)).toBe(await realpath(baseDir));
    expect(await git(worktree.path, ['rev-parse', 'HEAD'])).toBe(mainSha);
    expect(await git(worktree.path, ['branch', '--show-current'])).toBe('autodev/run1/api');
    expect(await readFile(join(worktree.path, 'README.md'), 'utf8')).toBe('# demo\n');
    await worktree.remove();
    await worktree.remove();
    expect(existsSync(worktree.path)).toBe(false);
    expect(await worktreePaths()).not.toContain(worktree.path);
    // The branch outlives the worktree: it holds the task's work.
    expect(await git(repo, ['branch', '--list', 'autodev/run1/api'])).toContain('autodev/run1/api');
  });

  test('creates 8 worktrees in parallel', async () => {
    const worktrees = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        manager.create({ runId: 'par', taskId: `task-${i}`, base: 'main' }),
      ),
    );
    expect(new Set(worktrees.map((w) => w.path)).size).toBe(8);
    expect(new Set(worktrees.map((w) => w.branch)).size).toBe(8);
    const listed = await worktreePaths();
    for (const w of worktrees) expect(listed).toContain(w.path);
    await Promise.all(worktrees.map((w) => w.remove()));
    const after = await worktreePaths();
    for (const w of worktrees) expect(after).not.toContain(w.path);
  });

  test('withWorktree removes the worktree when fn throws, and returns fn’s result otherwise', async () => {
    let seen = '';
    const error = await manager
      .withWorktree({ runId: 'with', taskId: 'boom', base: 'main' }, async (w) => {
        seen = w.path;
        await writeFile(join(w.path, 'scratch.txt'), 'uncommitted');
        throw new Error('agent crashed');
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('agent crashed');
    expect(existsSync(seen)).toBe(false);
    expect(await worktreePaths()).not.toContain(seen);
    const value = await manager.withWorktree(
      { runId: 'with', taskId: 'ok', base: 'main' },
      async (w) => w.branch,
    );
    expect(value).toBe('autodev/with/ok');
  });

  test('a branch checked out in another worktree is a clear error naming both', async () => {
    const holder = await manager.create({ runId: 'busy', taskId: 't1', base: 'main' });
    const error = await failure(manager.create({ runId: 'busy', taskId: 't1', base: 'main' }));
    expect(error.kind).toBe('branch-in-use');
    expect(error.message).toContain('autodev/busy/t1');
    expect(error.message).toContain(holder.path);
    await holder.remove();

    await git(repo, ['checkout', '-q', '-b', 'autodev/busy/t2']);
    try {
      const inMain = await failure(manager.create({ runId: 'busy', taskId: 't2', base: 'main' }));
      expect(inMain.message).toContain(repo);
    } finally {
      await git(repo, ['checkout', '-q', 'main']);
    }
  });

  test('an existing branch that is not checked out is reused: a retried task continues its work', async () => {
    const first = await manager.create({ runId: 'retry', taskId: 't1', base: 'main' });
    await writeFile(join(first.path, 'work.txt'), 'progress\n');
    const sha = await commitAll(first.path, 'task progress');
    await first.remove();
    const second = await manager.create({ runId: 'retry', taskId: 't1', base: 'main' });
    expect(await git(second.path, ['rev-parse', 'HEAD'])).toBe(sha);
    expect(await readFile(join(second.path, 'work.txt'), 'utf8')).toBe('progress\n');
    await second.remove();
  });

  test('later waves start from the integration branch, which must not nest with task branches', async () => {
    await git(repo, ['branch', 'autodev-int/wave', 'main']);
    const from = await manager.create({ runId: 'wave', taskId: 't1', base: 'autodev-int/wave' });
    expect(await git(from.path, ['rev-parse', 'HEAD'])).toBe(mainSha);
    await from.remove();

    await git(repo, ['branch', 'autodev/clash', 'main']);
    const clash = await failure(manager.create({ runId: 'clash', taskId: 't1', base: 'autodev/clash' }));
    expect(clash.kind).toBe('branch-name-clash');
    expect(clash.message).toMatch(/the branch autodev\/clash exists/);
  });

  test('a ref lock held by another git process is waited out, not reported', async () => {
    const lockFile = join(repo, '.git', 'refs', 'heads', 'autodev', 'locked', 't1.lock');
    await mkdir(dirname(lockFile), { recursive: true });
    await writeFile(lockFile, '');
    setTimeout(() => void rm(lockFile, { force: true }), 150);
    const worktree = await manager.create({ runId: 'locked', taskId: 't1', base: 'main' });
    expect(await git(worktree.path, ['branch', '--show-current'])).toBe('autodev/locked/t1');
    await worktree.remove();
  });

  test('ids and base refs are validated before git sees them', async () => {
    for (const [runId, taskId] of [
      ['Run 1', 'a'],
      ['r', '../x'],
      ['r', '-rf'],
      ['r', 'a.lock'],
      ['r', ''],
    ] as const) {
      expect((await failure(manager.create({ runId, taskId, base: 'main' }))).kind).toBe('invalid-id');
    }
    expect((await failure(manager.create({ runId: 'r', taskId: 'a', base: '--upload-pack=x' }))).kind).toBe(
      'bad-base',
    );
    const missing = await failure(manager.create({ runId: 'r', taskId: 'a', base: 'no-such-branch' }));
    expect(missing.kind).toBe('bad-base');
    expect(missing.message).toContain('no-such-branch');
  });

  test('prune removes worktrees and directories left by dead processes, and nothing else', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    // A registered worktree whose process died, a half-made directory, one of ours from a former
    // process with our pid (containers reuse pids), a live one of another process, and unrelated files.
    const staleRegistered = join(baseDir, `${WORKTREE_DIR_PREFIX}${deadPid}-old-t1-aaaaaa`);
    await git(repo, ['worktree', 'add', '-q', '-b', 'autodev/old/t1', staleRegistered, 'main']);
    const staleLoose = join(baseDir, `${WORKTREE_DIR_PREFIX}${deadPid}-old-t2-bbbbbb`);
    await mkdir(join(staleLoose, 'node_modules'), { recursive: true });
    const stalePidReuse = join(baseDir, `${WORKTREE_DIR_PREFIX}${process.pid}-old-t3-cccccc`);
    await mkdir(stalePidReuse);
    const otherLive = join(baseDir, `${WORKTREE_DIR_PREFIX}${process.ppid}-live-t1-dddddd`);
    await mkdir(otherLive);
    const unrelated = join(baseDir, 'someone-elses-dir');
    await mkdir(unrelated);
    const live = await manager.create({ runId: 'live', taskId: 't1', base: 'main' });

    const removed = await new WorktreeManager({ repoPath: repo, baseDir }).prune();

    expect(removed.map((p) => basename(p)).sort()).toEqual(
      [staleRegistered, staleLoose, stalePidReuse].map((p) => basename(p)).sort(),
    );
    for (const path of [staleRegistered, staleLoose, stalePidReuse]) expect(existsSync(path)).toBe(false);
    for (const path of [otherLive, unrelated, live.path]) expect(existsSync(path)).toBe(true);
    expect((await worktreePaths()).some((p) => p.includes('-old-t1-'))).toBe(false);
    await live.remove();
  });
});
