/**
 * What `autodev run` checks about the repository before it plans anything, each refusal with its fix:
 * a git repository with at least one commit and no uncommitted changes to tracked files (the run
 * builds on the HEAD commit, so such edits would silently be left out of every task).
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { commitOf, gitValue, LocalGitError, runGit } from './local-git.js';
import { usageError } from './local-run-error.js';

export interface LocalRepo {
  /** Top of the main work tree. */
  root: string;
  /** The repository's own .git directory (shared by all its worktrees): autodev keeps its files here. */
  gitDir: string;
  /** The checked-out branch, or null when HEAD is detached. */
  branch: string | null;
  /** Full sha of HEAD: where the run starts. */
  head: string;
}

export async function inspectRepo(path: string): Promise<LocalRepo> {
  const dir = resolve(path);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw usageError(`--repo ${path}: there is no directory there. Pass the path of a git repository.`);
  }
  let root: string;
  try {
    root = await gitValue(dir, ['rev-parse', '--show-toplevel']);
  } catch (error) {
    const bare = error instanceof LocalGitError && /must be run in a work tree/.test(error.stderr);
    throw usageError(
      bare
        ? `--repo ${path} is a bare repository; autodev needs a clone with a work tree (git clone it first).`
        : `--repo ${path} is not a git repository. Run \`git init\` and commit your project there, or point --repo at a clone.`,
      error,
    );
  }
  const head = await commitOf(root, 'HEAD');
  if (head === null) {
    throw usageError(`${root} has no commits yet: commit your project first (git add -A && git commit).`);
  }
  // Untracked files are left alone: the run never touches this work tree, and the HEAD commit is the base.
  const dirty = (await runGit(root, ['status', '--porcelain', '--untracked-files=no']))
    .split('\n')
    .filter(Boolean);
  if (dirty.length > 0) {
    const more = dirty.length > 5 ? [`  … and ${dirty.length - 5} more`] : [];
    const files = [...dirty.slice(0, 5).map((line) => `  ${line}`), ...more];
    throw usageError(
      [
        `${root} has uncommitted changes; autodev builds on the HEAD commit and would leave them out.`,
        'Commit or stash your changes first (git commit -am "…" or git stash), then run again:',
        ...files,
      ].join('\n'),
    );
  }
  const common = await gitValue(root, ['rev-parse', '--git-common-dir']);
  const branch = await gitValue(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => null);
  return { root, gitDir: isAbsolute(common) ? common : join(root, common), branch, head };
}
