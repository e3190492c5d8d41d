/**
 * Runs real commands in a project directory and writes what they print as a GitHub Actions job log, the
 * way the runner does: timestamped lines, a `##[group]Run <command>` header holding the script and
 * `shell:` line, the output, `##[error]Process completed with exit code N.` for a failed step, the
 * set-up lines before the first step and `Post job cleanup.` after the last. Used by the corpus script
 * (make-ci-log-corpus.ts) and by the live classification test.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_BIN = path.resolve(import.meta.dirname, '../../node_modules/.bin');

export interface StepRun {
  /** The `run:` script as the workflow writes it. */
  command: string;
  output: string;
  exitCode: number;
  startedAt: number;
  endedAt: number;
  /** Set when the step was stopped from outside (a time limit, a cancellation). */
  killed: boolean;
}

/** This process's environment without the `npm_*` variables npm or npx set for their children. */
function runnerEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/**
 * Runs `command` with bash in `cwd` (stdout and stderr in one stream, in order, as the runner reads
 * them), with the repository's tool binaries on PATH and the environment a runner sets. `killAfterMs`
 * stops the whole process group like a cancelled job.
 */
export function runStep(
  command: string,
  cwd: string,
  options: { env?: Record<string, string>; killAfterMs?: number } = {},
): Promise<StepRun> {
  const startedAt = Date.now();
  const child = spawn('bash', ['-e', '-c', `exec 2>&1\n${command}`], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...runnerEnv(),
      PATH: `${REPO_BIN}:${process.env.PATH ?? ''}`,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      ...options.env,
    },
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  let killed = false;
  const timer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true;
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        }, options.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        command,
        output: Buffer.concat(chunks).toString('utf8'),
        exitCode: code ?? (signal ? 128 + 9 : 1),
        startedAt,
        endedAt: Date.now(),
        killed,
      });
    });
  });
}

/** A step the runner prints without running anything here: set-up actions and runner messages. */
export interface RunnerStep {
  /** `Run actions/checkout@v4`, or undefined for lines outside any step. */
  title?: string;
  /** Header lines inside the group (`with:` …). */
  header?: string[];
  lines: string[];
  /** Printed also after a failed or stopped step (runner messages, post-job cleanup). */
  always?: boolean;
}

export type LogPart =
  { kind: 'run'; run: StepRun; env?: Record<string, string> } | { kind: 'runner'; step: RunnerStep };

/** `2026-11-23T10:00:00.1234567Z`: the runner writes seven fractional digits. */
export function runnerTimestamp(ms: number, tick: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(tick % 10000).padStart(4, '0')}Z`;
}

const CYAN = '\u001b[36;1m';
const RESET = '\u001b[0m';

/**
 * Writes the parts as one job log. After a failed or stopped `run` part the later steps are skipped, as
 * on a runner: only parts marked `always` (runner messages, post-job cleanup) still appear.
 */
export function formatActionsLog(parts: LogPart[], clockStart: number): string {
  const out: string[] = [];
  let clock = clockStart;
  let tick = 1733;
  let stopped = false;
  const emit = (text: string, at: number = clock): void => {
    clock = Math.max(clock, at);
    tick = (tick * 7 + 3) % 10000;
    out.push(`${runnerTimestamp(clock, tick)} ${text}`);
  };
  for (const part of parts) {
    if (part.kind === 'runner') {
      const { step } = part;
      if (stopped && !step.always) continue;
      if (step.title !== undefined) {
        emit(`##[group]${step.title}`);
        for (const line of step.header ?? []) emit(line);
        emit('##[endgroup]');
      }
      for (const line of step.lines) emit(line);
      clock += 40;
      continue;
    }
    if (stopped) continue;
    const { run, env } = part;
    const scriptLines = run.command.split('\n');
    emit(`##[group]Run ${scriptLines[0] ?? ''}`, run.startedAt);
    for (const line of scriptLines) emit(`${CYAN}${line}${RESET}`);
    emit('shell: /usr/bin/bash -e {0}');
    if (env && Object.keys(env).length > 0) {
      emit('env:');
      for (const [key, value] of Object.entries(env)) emit(`  ${key}: ${value}`);
    }
    emit('##[endgroup]');
    const lines = run.output.replace(/\r\n/g, '\n').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const span = Math.max(1, run.endedAt - run.startedAt);
    lines.forEach((line, index) =>
      emit(line, run.startedAt + Math.round((span * (index + 1)) / (lines.length + 1))),
    );
    clock = Math.max(clock, run.endedAt);
    if (run.exitCode !== 0 && !run.killed) emit(`##[error]Process completed with exit code ${run.exitCode}.`);
    stopped = run.exitCode !== 0 || run.killed;
  }
  return `${out.join('\n')}\n`;
}
