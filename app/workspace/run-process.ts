/**
 * Runs one program for the sandbox: no shell, its own process group (so a timeout or the end of the
 * command also ends whatever it started in the background), combined output kept as a redacted tail.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { redactWithForms } from './redact.js';
import { SandboxError } from './workspace.js';
import type { CommandResult } from './workspace.js';

export interface RunProcessOptions {
  program: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputChars: number;
  /** From redactionForms(secrets). */
  redaction: readonly string[];
  /** How the command is shown in the result ("npm test"), before redaction. */
  display: string;
}

/** After SIGTERM on timeout, how long the group gets to exit before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** After the program exits, how long to wait for pipes held by a process that left the group. */
const CLOSE_GRACE_MS = 2_000;

/** The program's absolute path from PATH; resolving it ourselves makes "not installed" a clear error. */
export async function findExecutable(program: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    const ok = await access(candidate, fsConstants.X_OK)
      .then(() => stat(candidate))
      .then((s) => s.isFile())
      .catch(() => false);
    if (ok) return candidate;
  }
  return undefined;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // A negative pid addresses the whole process group the detached child leads.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export async function runProcess(options: RunProcessOptions): Promise<CommandResult> {
  const executable = await findExecutable(options.program, options.env.PATH ?? '');
  if (executable === undefined) {
    throw new SandboxError(
      'not-found',
      `\`${options.program}\` is allowed but not installed on this runner (not on PATH).`,
    );
  }
  const started = Date.now();
  const longestForm = options.redaction.reduce((max, form) => Math.max(max, form.length), 0);
  // Keep a little more than asked so a secret cut at the start of the tail can be cut off whole.
  const keep = options.maxOutputChars + longestForm;
  let tail = '';
  let dropped = 0;
  const append = (text: string): void => {
    tail += text;
    if (tail.length > keep * 2) {
      dropped += tail.length - keep;
      tail = tail.slice(-keep);
    }
  };

  const child = spawn(executable, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    shell: false,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => append(decoder.write(chunk)));
    stream.on('end', () => append(decoder.end()));
  }

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  }, options.timeoutMs);

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolvePromise, reject) => {
      let closeTimer: NodeJS.Timeout | undefined;
      child.on('error', (error) =>
        reject(new SandboxError('not-found', `\`${options.program}\` could not start: ${error.message}`)),
      );
      child.on('exit', (exitCode, exitSignal) => {
        // Whatever the command left running in the background ends with it.
        killGroup(child.pid, 'SIGKILL');
        closeTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolvePromise({ code: exitCode, signal: exitSignal });
        }, CLOSE_GRACE_MS);
      });
      child.on('close', (exitCode, exitSignal) => {
        clearTimeout(closeTimer);
        resolvePromise({ code: exitCode, signal: exitSignal });
      });
    },
  ).finally(() => {
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
  });

  const exitCode = code ?? 128 + (signal === null ? 0 : (osConstants.signals[signal] ?? 0));
  return {
    command: redactWithForms(options.display, options.redaction),
    exitCode,
    durationMs: Date.now() - started,
    output: finishOutput(tail, dropped, options.maxOutputChars, longestForm, options.redaction),
    timedOut,
  };
}

function finishOutput(
  tail: string,
  dropped: number,
  max: number,
  longestForm: number,
  forms: readonly string[],
): string {
  const totalDropped = dropped + Math.max(0, tail.length - max);
  if (totalDropped === 0) return redactWithForms(tail, forms);
  // A secret cut by the truncation sits in the first longestForm characters: drop them after redacting.
  const redacted = redactWithForms(tail, forms).slice(dropped > 0 ? longestForm : 0);
  const kept = redacted.slice(-max);
  return `[… ${totalDropped} earlier characters of output omitted]\n${kept}`;
}
