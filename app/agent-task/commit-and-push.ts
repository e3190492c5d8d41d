/**
 * Lands a task's work: one commit of everything in the worktree, pushed as the task's branch. Plain
 * `git` through spawn (no shell): the commit message comes in on stdin, so it never appears in a
 * process list or needs quoting.
 */
import { spawn } from 'node:child_process';

export interface GitIdentity {
  name: string;
  email: string;
}

/** Who commits when the runner has no git identity (actions/checkout configures none). */
export const AUTODEV_IDENTITY: GitIdentity = {
  name: 'autodev[bot]',
  email: 'autodev[bot]@users.noreply.github.com',
};

export interface PublishRequest {
  /** The worktree. */
  dir: string;
  branch: string;
  message: string;
  remote?: string;
  identity?: GitIdentity;
}

export type GitStage = 'commit' | 'push' | 'read';

export class GitPublishError extends Error {
  constructor(
    readonly stage: GitStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GitPublishError';
  }
}

export function git(
  dir: string,
  args: string[],
  options: { input?: string; stage?: GitStage } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: dir,
      // Prompts would hang a runner forever: a missing credential must fail instead.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      // stdin only when there is something to say: git may exit before reading an unused pipe (EPIPE).
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const fail = (detail: string, cause?: unknown) =>
      reject(new GitPublishError(options.stage ?? 'read', `git ${args[0]} failed: ${detail}`, { cause }));
    child.on('error', (error) => fail(error.message, error));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else fail(stderr.trim() || `exit code ${code}`);
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined); // the exit code tells what went wrong
      child.stdin?.end(options.input);
    }
  });
}

/** The full sha of a ref or sha, or a GitPublishError when it names no commit. */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
}

/** Commits every change in the worktree; null when there was nothing to commit. */
export async function commitAll(request: PublishRequest): Promise<string | null> {
  const { dir } = request;
  await git(dir, ['add', '--all'], { stage: 'commit' });
  const staged = await git(dir, ['diff', '--cached', '--name-only'], { stage: 'commit' });
  if (staged.trim() === '') return null;
  const who = request.identity ?? AUTODEV_IDENTITY;
  // --no-verify: the gates are the validation; a repository's hooks would run outside the sandbox.
  await git(
    dir,
    ['-c', `user.name=${who.name}`, '-c', `user.email=${who.email}`, 'commit', '--no-verify', '--file=-'],
    { input: request.message, stage: 'commit' },
  );
  return (await git(dir, ['rev-parse', 'HEAD'], { stage: 'commit' })).trim();
}

/**
 * Pushes HEAD as the task's branch. Forced because the branch belongs to this one task of this run: a
 * re-run of the job must replace what an earlier attempt pushed, never merge with it.
 */
export async function pushBranch(request: PublishRequest): Promise<void> {
  const remote = request.remote ?? 'origin';
  await git(
    request.dir,
    ['push', '--no-verify', '--force', '--porcelain', remote, `HEAD:refs/heads/${request.branch}`],
    { stage: 'push' },
  );
}

/** Commit then push; null (and nothing pushed) when the worktree has no changes. */
export async function commitAndPush(request: PublishRequest): Promise<{ commit: string } | null> {
  const commit = await commitAll(request);
  if (commit === null) return null;
  await pushBranch(request);
  return { commit };
}
