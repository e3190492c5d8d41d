/**
 * The git steps of an integration, in the integration worktree: which task branches the remote has,
 * fetching them, one `--no-ff` merge per task, reading a conflict's sides, aborting, pushing. Plain git
 * through `git()` (no shell, no prompts); every commit is made as autodev with hooks off, because the
 * gates are the validation and a repository's hooks would run outside the sandbox.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTODEV_IDENTITY, git, GitPublishError } from '../agent-task/commit-and-push.js';

/** `-c` options for commands that commit: who commits, and conflicts that show the common ancestor. */
const COMMIT_CONFIG = [
  '-c',
  `user.name=${AUTODEV_IDENTITY.name}`,
  '-c',
  `user.email=${AUTODEV_IDENTITY.email}`,
  // diff3 puts the ancestor between the sides: the integrator sees what each task changed, not only
  // where the two ended up. (zdiff3 needs git 2.35; runners may have older.)
  '-c',
  'merge.conflictStyle=diff3',
];

/** Where a fetched branch is kept: the remote-tracking ref a checkout's `origin/<branch>` names. */
export function trackingRef(remote: string, branch: string): string {
  return `refs/remotes/${remote}/${branch}`;
}

/** The heads of those branches the remote has, by branch name; one round trip whatever their number. */
export async function remoteHeads(
  dir: string,
  remote: string,
  branches: readonly string[],
): Promise<Map<string, string>> {
  if (branches.length === 0) return new Map();
  const wanted = new Set(branches.map((branch) => `refs/heads/${branch}`));
  const listed = await git(dir, ['ls-remote', '--heads', remote, ...wanted]);
  const heads = new Map<string, string>();
  for (const line of listed.split('\n')) {
    const [sha, ref] = line.split('\t');
    // ls-remote matches patterns by their tail (`a/b` also matches `x/a/b`): keep exact names only.
    if (sha && ref && wanted.has(ref)) heads.set(ref.slice('refs/heads/'.length), sha);
  }
  return heads;
}

/** Fetches the branches into their remote-tracking refs (forced: task branches are force-pushed). */
export async function fetchBranches(dir: string, remote: string, branches: readonly string[]): Promise<void> {
  if (branches.length === 0) return;
  const refspecs = branches.map((branch) => `+refs/heads/${branch}:${trackingRef(remote, branch)}`);
  await git(dir, ['fetch', '--quiet', '--no-tags', remote, ...refspecs]);
}

export async function head(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

/**
 * A local integration branch (local mode, or a runner that integrated before) may be behind the
 * remote's: fast-forward it. Diverged histories mean someone else wrote the branch; merging over them
 * blindly could undo their work, so stop and say so.
 */
export async function catchUpWith(dir: string, remoteHead: string, name: string): Promise<void> {
  const local = await head(dir);
  if (local === remoteHead || (await isAncestor(dir, remoteHead, local))) return;
  if (await isAncestor(dir, local, remoteHead)) {
    await git(dir, ['merge', '--ff-only', '--quiet', remoteHead]);
    return;
  }
  throw new Error(
    `The local integration branch (${local.slice(0, 12)}) and ${name} (${remoteHead.slice(0, 12)}) have diverged; delete one of them, or merge them by hand, and run the integration again.`,
  );
}

export async function isAncestor(dir: string, ancestor: string, of: string): Promise<boolean> {
  return git(dir, ['merge-base', '--is-ancestor', ancestor, of]).then(
    () => true,
    () => false,
  );
}

/** The merge commit that brought `ref` into HEAD (the oldest merge on the ancestry path), if any. */
export async function mergeThatBrought(dir: string, ref: string): Promise<string | undefined> {
  const merges = await git(dir, ['rev-list', '--ancestry-path', '--merges', '--reverse', `${ref}..HEAD`]);
  return merges.split('\n')[0]?.trim() || undefined;
}

/** Paths a merge commit changed against the branch it was made on. */
export async function filesChangedBy(dir: string, commit: string): Promise<string[]> {
  return paths(await git(dir, ['diff', '--name-only', '-z', `${commit}^1`, commit]));
}

export type MergeAttempt =
  | { kind: 'merged'; commit: string }
  | { kind: 'conflict'; files: string[] }
  /** git refused before merging anything (unrelated histories, untracked files in the way …). */
  | { kind: 'refused'; error: string };

export async function mergeNoFf(dir: string, ref: string, message: string): Promise<MergeAttempt> {
  try {
    await git(dir, [
      ...COMMIT_CONFIG,
      'merge',
      '--no-ff',
      '--no-verify',
      '--no-edit',
      '--quiet',
      '-m',
      message,
      ref,
    ]);
    return { kind: 'merged', commit: await head(dir) };
  } catch (error) {
    if (!(error instanceof GitPublishError)) throw error;
    const files = await conflictedFiles(dir);
    if (files.length > 0) return { kind: 'conflict', files };
    if (await mergeInProgress(dir)) await abortMerge(dir);
    return { kind: 'refused', error: error.message };
  }
}

/** Unmerged paths, each once. */
export async function conflictedFiles(dir: string): Promise<string[]> {
  return paths(await git(dir, ['diff', '--name-only', '-z', '--diff-filter=U']));
}

export async function mergeInProgress(dir: string): Promise<boolean> {
  return git(dir, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD']).then(
    () => true,
    () => false,
  );
}

/**
 * Back to the commit before the merge, with nothing left over: `merge --abort` keeps untracked files
 * (an agent's scratch files, a gate's output), and the next conflict stages everything it finds.
 */
export async function abortMerge(dir: string, before?: string): Promise<void> {
  await git(dir, ['merge', '--abort']).catch(() => undefined);
  if (before !== undefined) await git(dir, ['reset', '--hard', '--quiet', before]);
  await cleanWorktree(dir);
}

/** Untracked files go; ignored ones (installed dependencies, caches the gates reuse) stay. */
export async function cleanWorktree(dir: string): Promise<void> {
  await git(dir, ['clean', '-d', '--force', '--quiet']);
}

/** One side of a conflicted path (2 ours, 3 theirs, 1 the ancestor); undefined where it was deleted. */
export async function conflictSide(dir: string, stage: 1 | 2 | 3, path: string): Promise<string | undefined> {
  return git(dir, ['show', `:${stage}:${path}`]).catch(() => undefined);
}

/**
 * The conflicted file as git left it, markers and all; undefined when the merge deleted it. A link is
 * not followed: a task branch could point one anywhere on the runner, and its target would go to a model.
 */
export async function worktreeText(dir: string, path: string): Promise<string | undefined> {
  const absolute = join(dir, path);
  const info = await lstat(absolute).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return readFile(absolute, 'utf8');
}

/** `git diff --check` on what the resolver changed: leftover markers and whitespace errors. */
export async function diffCheck(dir: string): Promise<string | undefined> {
  return git(dir, ['diff', '--check']).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

/** Lines that open or close a conflict; `=======` alone is too common in prose to count by itself. */
const MARKER = /^(?:<{7}|>{7}|\|{7})(?: |$)/;

export function markerLines(text: string): number[] {
  return text.split('\n').flatMap((line, index) => (MARKER.test(line) ? [index + 1] : []));
}

/** Marks every path resolved as the worktree now has it (new files the resolver wrote included). */
export async function stageAll(dir: string): Promise<void> {
  await git(dir, ['add', '--all']);
}

/** Concludes a merge whose resolution is staged: a commit with both parents. */
export async function commitMerge(dir: string, message: string): Promise<string> {
  await git(dir, [...COMMIT_CONFIG, 'commit', '--no-verify', '--quiet', '--file=-'], { input: message });
  return head(dir);
}

/**
 * Pushes HEAD as the branch, only over the head this integration started from (`expected`, or "absent"
 * when undefined): a concurrent writer's commits are refused, never silently overwritten.
 */
export async function pushWithLease(
  dir: string,
  remote: string,
  branch: string,
  expected: string | undefined,
): Promise<void> {
  await git(
    dir,
    [
      'push',
      '--no-verify',
      '--porcelain',
      `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
      remote,
      `HEAD:refs/heads/${branch}`,
    ],
    { stage: 'push' },
  );
}

/**
 * The messages of the commits in `range` (`HEAD..<task ref>`, or `<merge>^1..<merge>^2` once merged):
 * the task's agent's report, in its own words.
 */
export async function branchLog(dir: string, range: string): Promise<string> {
  const log = await git(dir, ['log', '--max-count=10', '--format=%B', range]).catch(() => '');
  return log.trim();
}

function paths(nulSeparated: string): string[] {
  return [...new Set(nulSeparated.split('\0').filter((path) => path !== ''))];
}
