/**
 * Plain `git` for local mode (no shell): arguments as a list, optional stdin, optional extra variables
 * (a private index for plumbing commits). Failures come out as LocalGitError with git's own words.
 */
import { spawn } from 'node:child_process';

export class LocalGitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || `exit code ${exitCode}`}`, options);
    this.name = 'LocalGitError';
  }
}

export interface GitOptions {
  input?: string;
  env?: Record<string, string>;
}

export function runGit(dir: string, args: string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: dir,
      // A prompt for credentials or an editor would hang the run with nobody looking at git.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new LocalGitError(args, null, error.message, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new LocalGitError(args, code, stderr));
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined); // the exit code says what went wrong
      child.stdin?.end(options.input);
    }
  });
}

/** stdout without its trailing newline, for commands that print one value. */
export async function gitValue(dir: string, args: string[], options?: GitOptions): Promise<string> {
  return (await runGit(dir, args, options)).trim();
}

/** The full sha of a ref, or null when it names no commit. */
export async function commitOf(dir: string, ref: string): Promise<string | null> {
  try {
    return await gitValue(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch (error) {
    if (error instanceof LocalGitError && error.exitCode === 1) return null;
    throw error;
  }
}
