/**
 * Bringing a branch pushed to a real git repository into the simulator. The simulator's commits are
 * its own model (git-store.ts), so the branch arrives as one commit carrying the branch's whole tree:
 * enough for the simulator to compute pull request files and diffs from it, as GitHub would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { branchSha, commitFiles } from './git-store.js';
import type { CommitRecord, RepositoryRecord } from './simulator-state.js';

const run = promisify(execFile);

async function git(dir: string, ...args: string[]): Promise<string> {
  // Trees of generated projects can be large; the default 1 MiB buffer would cut `git show` short.
  const { stdout } = await run('git', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Every file of `branch` in the (bare or not) repository at `gitDir`, by path. */
export async function readBranchTree(gitDir: string, branch: string): Promise<Record<string, string>> {
  const listing = await git(gitDir, 'ls-tree', '-r', '--name-only', '-z', `refs/heads/${branch}`);
  const files: Record<string, string> = {};
  for (const path of listing.split('\0').filter(Boolean)) {
    files[path] = await git(gitDir, 'show', `refs/heads/${branch}:${path}`);
  }
  return files;
}

/**
 * Points `branch` in the simulator at a commit whose tree is exactly `files`. The commit goes on top of
 * the branch's current head when the simulator has the branch (later waves extend it, as a push does),
 * else on top of the default branch's head, so the pull request's diff is against that base.
 */
export function importBranch(
  repo: RepositoryRecord,
  branch: string,
  files: Record<string, string>,
  meta: { message: string; author: string; date: string },
): CommitRecord {
  const parent = branchSha(repo, branch) ?? branchSha(repo, repo.defaultBranch);
  if (!parent) throw new Error(`${repo.owner}/${repo.name} has no ${repo.defaultBranch} to branch from`);
  repo.refs[`refs/heads/${branch}`] = parent;
  const changes: Record<string, string | null> = { ...files };
  // commitFiles applies changes to the parent's tree: paths the pushed branch lacks must be removed.
  for (const path of Object.keys(repo.commits[parent]?.files ?? {})) {
    if (!(path in files)) changes[path] = null;
  }
  return commitFiles(repo, branch, changes, meta);
}
