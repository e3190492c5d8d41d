/**
 * `autodev run`: the whole pipeline on a local repository, with a live view in the terminal. This file
 * only reads the arguments, wires Ctrl-C and the display, and turns the outcome into an exit code and a
 * message; the pipeline is app/local/run-locally.ts.
 *
 * Exit codes: 0 succeeded, 1 the run failed (the reason is printed), 2 the input must change (the
 * message says what to change), 130 cancelled with Ctrl-C (the shell's code for SIGINT).
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_BACKEND_NAMES } from '../agents/agent-registry.js';
import { LocalRunError, usageError } from '../local/local-run-error.js';
import { type LocalRunOutcome, runLocally } from '../local/run-locally.js';
import { createTerminalDisplay, type DisplayStream } from '../local/terminal-progress.js';

export const RUN_USAGE = `autodev run --repo <path> --spec <file|text> [options]
  Runs the whole pipeline on a local git repository: plan the spec into tasks, run them in waves of
  agents (each in its own git worktree, with the gates from .github/autodev.yml), merge every wave into
  the branch autodev/<run>/integration, and write the pull request body to
  <repo>/.git/autodev/<run>/PULL_REQUEST.md. Your checkout is not modified.

  --repo <path>             The repository (a clone with no uncommitted changes). Required.
  --spec <file|text>        The spec: a file (markdown; each list item becomes a task with the outline
                            planner) or the text itself in quotes. Required.
  --agents <n>              Most agents at once (default: maxParallelAgents in .github/autodev.yml, 4).
  --backend <name>          Agent backend: ${AGENT_BACKEND_NAMES.join(', ')} (default: scripted when
                            AUTODEV_AGENT_SCRIPT is set, else builtin).
  --planner <planner>       outline (one task per list item of the spec) or scripted:<plan.json> (a fixed
                            plan). Default: the LLM planner of the config's planner model when its key is
                            set (e.g. OPENAI_API_KEY), else outline.
  --attempts <n>            Agent attempts per task; each retry sees the failing gate output (default 3).
  -h, --help                Show this text.

  Exit codes: 0 succeeded, 1 the run failed, 2 bad input, 130 cancelled (Ctrl-C; worktrees are removed).
`;

export interface RunCommandIo {
  stdout: DisplayStream;
  stderr: DisplayStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Ctrl-C handling; tests pass their own signal instead. */
  signal?: AbortSignal;
}

const OPTIONS = {
  repo: { type: 'string' },
  spec: { type: 'string' },
  agents: { type: 'string' },
  backend: { type: 'string' },
  planner: { type: 'string' },
  attempts: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCommand(args: string[], io: Partial<RunCommandIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const ctrlC = io.signal ? undefined : watchCtrlC(stderr);
  const display = createTerminalDisplay({ stream: stdout });
  try {
    const values = parseRunArgs(args);
    if (values.help) {
      stdout.write(RUN_USAGE);
      return 0;
    }
    const spec = await readSpec(values.spec, cwd);
    const signal = io.signal ?? ctrlC?.signal;
    const outcome = await runLocally({
      repoPath: resolve(cwd, values.repo),
      spec,
      ...(values.agents === undefined ? {} : { agents: count('--agents', values.agents) }),
      ...(values.attempts === undefined ? {} : { attempts: count('--attempts', values.attempts) }),
      ...(values.backend === undefined ? {} : { backend: values.backend }),
      ...(values.planner === undefined ? {} : { planner: values.planner }),
      env,
      ...(signal ? { signal } : {}),
      onRun: (run) => display.update(run),
      onNote: (text) => display.note(text),
    });
    display.close();
    return report(outcome, stdout, stderr);
  } catch (error) {
    display.close();
    if (error instanceof LocalRunError && error.kind === 'usage') {
      stderr.write(`autodev run: ${error.message}\n\nRun \`autodev run --help\` for the options.\n`);
      return 2;
    }
    throw error;
  } finally {
    ctrlC?.dispose();
  }
}

function parseRunArgs(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    // node's messages ("Unknown option '--x'") already name the culprit; add what to do about it.
    throw usageError(`${error instanceof Error ? error.message : String(error)}.`, error);
  }
  if (values.help) return { ...values, repo: '', spec: '' };
  if (!values.repo) throw usageError('--repo is missing: pass the path of the git repository to work on.');
  if (!values.spec) throw usageError('--spec is missing: pass a spec file, or the spec text in quotes.');
  return { ...values, repo: values.repo, spec: values.spec };
}

function count(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw usageError(`${name} must be a whole number of at least 1, not "${text}".`);
  }
  return value;
}

/**
 * A word with no spaces that looks like a path (has a slash or an extension) is a file and must exist;
 * anything else is the spec's text. So a mistyped file name is reported, not planned as a one-line spec.
 */
export async function readSpec(value: string, cwd: string): Promise<string> {
  const path = resolve(cwd, value);
  const info = await stat(path).catch(() => null);
  if (info?.isFile()) return readFile(path, 'utf8');
  if (info?.isDirectory()) throw usageError(`--spec ${value} is a directory; pass a spec file or text.`);
  if (!/\s/.test(value.trim()) && /[/\\]|\.[A-Za-z0-9]{1,10}$/.test(value)) {
    throw usageError(
      `The spec file ${path} does not exist. Pass the path of an existing file, or the spec text itself in quotes.`,
    );
  }
  return value;
}

function report(outcome: LocalRunOutcome, stdout: DisplayStream, stderr: DisplayStream): number {
  const { run, integrationBranch, baseBranch } = outcome;
  if (run.state === 'succeeded') {
    const tasks = `${run.tasks.length} task${run.tasks.length === 1 ? '' : 's'}`;
    stdout.write(
      [
        `✔ Run ${run.id} succeeded: ${tasks} merged into ${integrationBranch}.`,
        ...(outcome.pullRequestPath ? [`  Pull request body: ${outcome.pullRequestPath}`] : []),
        `  Review: git log --stat ${baseBranch}..${integrationBranch}`,
        `  Merge:  git merge ${integrationBranch}`,
        '',
      ].join('\n'),
    );
    return 0;
  }
  const reason = run.reason ?? 'no reason was recorded';
  stderr.write(
    `autodev run: run ${run.id} ${run.state === 'cancelled' ? 'was cancelled' : 'failed'}: ${reason}\n` +
      `  Details: ${outcome.runDir} (run.json, autodev.log); task branches: autodev/${run.id}/*\n`,
  );
  return run.state === 'cancelled' ? 130 : 1;
}

/** First Ctrl-C cancels cleanly (agents stop, worktrees are removed); a second one quits at once. */
function watchCtrlC(stderr: DisplayStream): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write(
      '\nCancelling: stopping the agents and removing their worktrees (Ctrl-C again to quit now)…\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
