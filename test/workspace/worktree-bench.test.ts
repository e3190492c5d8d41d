/** The benchmark's own plumbing, on a small temp repository: figures come out and nothing is left. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { benchWorktrees } from '../bench/worktree-bench.js';
import { git, makeRepo, makeTempDir, removeDir } from './git-fixture.js';

let scratch: string;
let repo: string;

beforeAll(async () => {
  scratch = await makeTempDir('bench');
  repo = await makeRepo(join(scratch, 'repo'), { 'README.md': '# demo\n', 'src/a.ts': 'export {};\n' });
});

afterAll(async () => {
  await removeDir(scratch);
});

test('benchWorktrees measures worktrees against clones and cleans up', async () => {
  const result = await benchWorktrees({ count: 2, rounds: 1, repoPath: repo });
  expect(result.count).toBe(2);
  for (const value of [result.worktreeMs, result.cloneMs, result.plainCloneMs])
    expect(value).toBeGreaterThan(0);
  expect(result.cloneBytes).toBeGreaterThan(result.worktreeBytes);
  expect(result.diskRatio).toBeCloseTo(result.worktreeBytes / result.cloneBytes);
  expect(await git(repo, ['branch', '--list', 'autodev/*'])).toBe('');
  expect(await git(repo, ['worktree', 'list', '--porcelain'])).not.toContain('autodev-wt-');
});
