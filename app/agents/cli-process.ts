/**
 * Runs an agent CLI as a child process: no shell, the prompt on stdin, a wall-time limit that kills the
 * whole process group (the CLIs start their own tools as children), and bounded output capture.
 */
import { spawn } from 'node:child_process';

export interface CliRunRequest {
  program: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child; nothing is inherited. */
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (codex waits for EOF when stdin is a pipe). */
  stdin: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Kept from the end of stdout, which holds the JSON result. */
  maxStdoutChars?: number;
  /** Kept from the end of stdout and stderr interleaved, for the outcome's summary. */
  maxTailChars?: number;
}

export interface CliRunResult {
  exitCode: number | null;
  stdout: string;
  /** stdout and stderr as they arrived, the last maxTailChars of them. */
  tail: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

const DEFAULT_STDOUT_CHARS = 4_000_000;
const DEFAULT_TAIL_CHARS = 8_000;

/** Rejects with the spawn error (ENOENT when the program is not on PATH); otherwise resolves. */
export function runCli(request: CliRunRequest): Promise<CliRunResult> {
  const maxStdout = request.maxStdoutChars ?? DEFAULT_STDOUT_CHARS;
  const maxTail = request.maxTailChars ?? DEFAULT_TAIL_CHARS;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(request.program, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills the tools it started too.
      detached: true,
    });
    let stdout = '';
    let tail = '';
    let timedOut = false;
    let cancelled = false;
    const keep = (text: string, max: number) => (text.length > max ? text.slice(text.length - max) : text);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keep(stdout + chunk, maxStdout);
      tail = keep(tail + chunk, maxTail);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      tail = keep(tail + chunk, maxTail);
    });
    // A CLI that exits before reading its prompt closes the pipe; that is its exit code's story, not ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.stdin);

    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    const cleanUp = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    };

    child.on('error', (error) => {
      cleanUp();
      reject(error);
    });
    child.on('close', (exitCode) => {
      cleanUp();
      resolve({ exitCode, stdout, tail, timedOut, cancelled, durationMs: Date.now() - started });
    });
  });
}
