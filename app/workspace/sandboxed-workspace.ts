/**
 * The Workspace over one worktree: every file operation goes through resolve() (path, symlink and
 * policy checks), every command through the allowlist and runProcess (no shell, scrubbed environment,
 * timeout, redacted tail). What the agent sees (file text, hits, output) has secrets redacted.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { checkCommand } from './command-policy.js';
import { applyEdit } from './edit-text.js';
import { checkPathPolicy, isGitDirName } from './path-policy.js';
import { redactionForms, redactWithForms, secretValuesFromEnv } from './redact.js';
import { resolveInRoot } from './resolve-in-root.js';
import { runProcess } from './run-process.js';
import { scrubbedEnv } from './scrub-env.js';
import { splitCommandLine } from './split-command-line.js';
import { SandboxError } from './workspace.js';
import type { CommandResult, SearchHit, Workspace, WorkspacePolicy } from './workspace.js';
import { gitListFiles, gitSearch } from './workspace-git.js';

export interface WorkspaceOptions {
  /** The environment the scrubbed one is cut from; default process.env. */
  parentEnv?: Readonly<Record<string, string | undefined>>;
  /** Extra variables for commands (e.g. npm_config_cache); names that look secret are dropped. */
  env?: Readonly<Record<string, string>>;
  /** Most paths listFiles returns; default 2,000. */
  maxListedFiles?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_OUTPUT = 20_000;
const DEFAULT_MAX_HITS = 100;
const MAX_HITS_LIMIT = 1_000;
/** Files larger than this are refused whole: they would not fit a model's context anyway. */
const MAX_READ_BYTES = 2 * 1024 * 1024;

function notFound(path: string): SandboxError {
  return new SandboxError(
    'not-found',
    `\`${path}\` does not exist; use listFiles or search to find the file.`,
  );
}

/** Shell-like quoting for the command shown in reports; only for display, never executed. */
function displayWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function createWorkspace(
  worktree: { path: string; branch: string },
  policy: WorkspacePolicy,
  options: WorkspaceOptions = {},
): Workspace {
  const root = resolvePath(worktree.path);
  const parentEnv = options.parentEnv ?? process.env;
  const env = scrubbedEnv(parentEnv, root, options.env);
  // Values that look secret in the runner's environment are hidden too, whatever the policy lists.
  const forms = redactionForms([...policy.secrets, ...secretValuesFromEnv(parentEnv)]);
  const redact = (text: string): string => redactWithForms(text, forms);
  const maxListed = options.maxListedFiles ?? 2_000;
  let realRoot: Promise<string> | undefined;

  const resolve = async (path: string, intent: 'read' | 'write'): Promise<string> => {
    realRoot ??= realpath(root);
    return (await resolveInRoot(root, await realRoot, path, intent, policy)).absolute;
  };

  /** Whole text of a regular file (not through a final symlink when writing). */
  const readText = async (path: string, absolute: string): Promise<string> => {
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) throw notFound(path);
    if (info.isDirectory()) {
      throw new SandboxError(
        'bad-argument',
        `\`${path}\` is a directory; use listFiles to see what it holds.`,
      );
    }
    if (info.size > MAX_READ_BYTES) {
      throw new SandboxError(
        'bad-argument',
        `\`${path}\` is ${info.size} bytes, too large to read; use search to find the lines you need.`,
      );
    }
    const bytes = await readFile(absolute);
    if (bytes.subarray(0, 8_000).includes(0)) {
      throw new SandboxError(
        'bad-argument',
        `\`${path}\` is a binary file; agents read and edit text files only.`,
      );
    }
    return bytes.toString('utf8');
  };

  const writeText = async (path: string, absolute: string, content: string): Promise<void> => {
    const existing = await lstat(absolute).catch(() => undefined);
    if (existing?.isSymbolicLink()) {
      throw new SandboxError(
        'forbidden-path',
        `\`${path}\` is a symbolic link; agents may not write through links. Write to the file it points to instead.`,
      );
    }
    if (existing?.isDirectory()) {
      throw new SandboxError('bad-argument', `\`${path}\` is a directory, not a file.`);
    }
    // A hard link shares its content with a file elsewhere (a runner file, pnpm's global store).
    if (existing !== undefined && existing.nlink > 1) {
      throw new SandboxError(
        'forbidden-path',
        `\`${path}\` is a hard link shared with another file; agents may not write to it. Delete it with git rm or write a new file.`,
      );
    }
    await mkdir(dirname(absolute), { recursive: true });
    // O_NOFOLLOW: should a link appear between the check and the write, the write fails instead.
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW;
    const handle = await open(absolute, flags, 0o644);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
  };

  const run = async (
    program: string,
    args: string[],
    runOptions?: { timeoutMs?: number },
  ): Promise<CommandResult> => {
    checkCommand(program, args, root, policy);
    const timeoutMs = runOptions?.timeoutMs ?? policy.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new SandboxError(
        'bad-argument',
        `The timeout must be a positive number of milliseconds, not ${timeoutMs}.`,
      );
    }
    return runProcess({
      program,
      args,
      cwd: root,
      env,
      timeoutMs,
      maxOutputChars: policy.maxOutputChars ?? DEFAULT_MAX_OUTPUT,
      redaction: forms,
      display: [program, ...args].map(displayWord).join(' '),
    });
  };

  return {
    root,
    branch: worktree.branch,
    resolve,

    async listFiles(dir?: string): Promise<string[]> {
      const absolute = await resolve(dir ?? '', 'read');
      const rel = absolute === root ? '' : absolute.slice(root.length + 1);
      if (rel !== '' && !(await stat(absolute).catch(() => undefined))) throw notFound(dir ?? '');
      const files = (await gitListFiles({ root, env }, rel, maxListed)).filter(
        (file) => !file.split('/').some(isGitDirName),
      );
      if (files.length <= maxListed) return files;
      return [
        ...files.slice(0, maxListed),
        `… more than ${maxListed} files; list a subdirectory to see the rest`,
      ];
    },

    async readFile(path: string, range?: { from: number; to: number }): Promise<string> {
      const text = await readText(path, await resolve(path, 'read'));
      if (range === undefined) return redact(text);
      const { from, to } = range;
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) {
        throw new SandboxError(
          'bad-argument',
          `The line range ${from}–${to} is invalid; lines are numbered from 1 and "to" ≥ "from".`,
        );
      }
      const lines = text.split('\n');
      if (from > lines.length) {
        throw new SandboxError(
          'bad-argument',
          `\`${path}\` has ${lines.length} lines; the range starts at line ${from}.`,
        );
      }
      return redact(lines.slice(from - 1, to).join('\n'));
    },

    async writeFile(path: string, content: string): Promise<void> {
      const absolute = await resolve(path, 'write');
      if (absolute === root)
        throw new SandboxError('bad-argument', 'writeFile needs a file path, not the repository root.');
      await writeText(path, absolute, content);
    },

    async editFile(path: string, search: string, replace: string): Promise<void> {
      const absolute = await resolve(path, 'write');
      const current = await readText(path, absolute);
      await writeText(path, absolute, applyEdit(current, search, replace, path));
    },

    async search(pattern: string, searchOptions?: { maxHits?: number }): Promise<SearchHit[]> {
      if (pattern === '' || pattern.includes('\0')) {
        throw new SandboxError('bad-argument', 'The search pattern is empty or contains a NUL byte.');
      }
      const maxHits = Math.min(Math.max(1, searchOptions?.maxHits ?? DEFAULT_MAX_HITS), MAX_HITS_LIMIT);
      const hits = await gitSearch({ root, env }, pattern, maxHits);
      return hits
        .filter((hit) => {
          try {
            checkPathPolicy(hit.path, 'read', policy);
            return true;
          } catch {
            return false;
          }
        })
        .map((hit) => ({ ...hit, text: redact(hit.text) }));
    },

    run,

    async runCommandLine(commandLine: string, runOptions?: { timeoutMs?: number }): Promise<CommandResult> {
      const [program, ...args] = splitCommandLine(commandLine);
      return run(program as string, args, runOptions);
    },
  };
}
