/**
 * The local runner: what GitHub Actions does for autodev's agent jobs, on this machine. `runWave` is the
 * matrix with `max-parallel` (bounded parallelism, every task runs to its end, results in task order);
 * `runBundledAction` is one `uses:` step (the committed bundle in a child process, with the variables
 * and command files the Actions runner provides), so local mode runs the very code a runner runs.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** At most `limit` callers inside at once; the rest wait in arrival order. */
export function createSemaphore(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`parallelism must be a whole number ≥ 1, not ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= limit) await new Promise<void>((enter) => waiting.push(enter));
    else active++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export interface WaveOptions<T, R> {
  /** Most tasks running at once (the workflow's `max-parallel`). */
  parallelism: number;
  runTask(task: T, index: number): Promise<R>;
}

/** Runs every task; one that throws does not stop the others (the matrix's `fail-fast: false`). */
export async function runWave<T, R>(
  tasks: readonly T[],
  options: WaveOptions<T, R>,
): Promise<PromiseSettledResult<R>[]> {
  const enter = createSemaphore(options.parallelism);
  return Promise.allSettled(tasks.map((task, index) => enter(() => options.runTask(task, index))));
}

export interface RunnerContext {
  /** GITHUB_WORKSPACE: the checked-out repository. */
  workspace: string;
  /** GITHUB_REPOSITORY, owner/name. */
  repository: string;
  apiUrl?: string;
  serverUrl?: string;
  runId?: string;
  /** RUNNER_TEMP; a fresh folder (removed afterwards) when omitted. */
  temp?: string;
  /** What `${{ github.token }}` stands for in an input's default. */
  token?: string;
  eventName?: string;
  event?: unknown;
  sha?: string;
  ref?: string;
}

export interface BundledActionOptions {
  /** Folder holding action.yml, e.g. actions/agent. */
  actionDir: string;
  /** The step's `with:`, by the names in action.yml. */
  inputs?: Record<string, string>;
  /** The step's `env:`; also overrides any variable the runner would set. */
  env?: NodeJS.ProcessEnv;
  runner: RunnerContext;
  /** The machine's environment passed to every step; defaults to this process's, minus runner variables. */
  hostEnv?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface BundledActionResult {
  exitCode: number | null;
  outputs: Record<string, string>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  stdout: string;
  stderr: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown } | null>;
  runs?: { using?: string; main?: string };
}

/** The runner's INPUT_ name: upper case, spaces to underscores, dashes kept (`github-token` → `INPUT_GITHUB-TOKEN`). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** GITHUB_OUTPUT (and GITHUB_ENV) file commands: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A name cannot hold `=`, so `a=b<<c` is a plain value and `a<<c` opens a block.
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const equals = line.indexOf('=');
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing "${delimiter}" for "${name}"`);
      values[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (equals > 0) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
    }
  }
  return values;
}

// Variables of an outer runner (when this itself runs in a job) would leak into the step and win.
const RUNNER_OWNED = /^(GITHUB_|RUNNER_|INPUT_|ACTIONS_|STATE_)|^NODE_OPTIONS$/;

function hostEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !RUNNER_OWNED.test(name)));
}

function resolveDefault(value: unknown, runner: RunnerContext): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.token') return runner.token ?? '';
    throw new Error(`the local runner cannot evaluate \`\${{ ${expression} }}\` in an input default`);
  });
}

export async function runBundledAction(options: BundledActionOptions): Promise<BundledActionResult> {
  const actionDir = resolve(options.actionDir);
  const metadata = parseYaml(await readFile(join(actionDir, 'action.yml'), 'utf8')) as ActionMetadata;
  const using = metadata.runs?.using ?? '';
  if (!/^node\d+$/.test(using) || !metadata.runs?.main) {
    throw new Error(`${actionDir}/action.yml runs \`${using}\`; the local runner runs only node actions`);
  }
  const { runner } = options;
  const temp = runner.temp ?? (await mkdtemp(join(tmpdir(), 'autodev-runner-')));
  const step = await mkdtemp(join(temp, 'step-'));
  try {
    const files = {
      GITHUB_OUTPUT: join(step, 'output'),
      GITHUB_STEP_SUMMARY: join(step, 'summary.md'),
      GITHUB_ENV: join(step, 'env'),
      GITHUB_PATH: join(step, 'path'),
      GITHUB_STATE: join(step, 'state'),
      GITHUB_EVENT_PATH: join(step, 'event.json'),
    };
    for (const path of Object.values(files)) await writeFile(path, '');
    await writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(runner.event ?? {}));
    await mkdir(join(temp, 'tool-cache'), { recursive: true });

    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(metadata.inputs ?? {})) {
      inputs[inputVariable(name)] = resolveDefault(spec?.default, runner);
    }
    for (const [name, value] of Object.entries(options.inputs ?? {})) inputs[inputVariable(name)] = value;

    const [owner = ''] = runner.repository.split('/');
    const env: NodeJS.ProcessEnv = {
      ...hostEnvironment(options.hostEnv ?? process.env),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: '__run',
      GITHUB_ACTION_PATH: actionDir,
      GITHUB_ACTOR: 'autodev-local',
      GITHUB_API_URL: runner.apiUrl ?? 'https://api.github.com',
      GITHUB_SERVER_URL: runner.serverUrl ?? 'https://github.com',
      GITHUB_EVENT_NAME: runner.eventName ?? 'workflow_dispatch',
      GITHUB_JOB: 'agent',
      GITHUB_REPOSITORY: runner.repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_RUN_ID: runner.runId ?? '1',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'autodev agents',
      GITHUB_WORKSPACE: runner.workspace,
      ...(runner.sha ? { GITHUB_SHA: runner.sha } : {}),
      ...(runner.ref
        ? { GITHUB_REF: runner.ref, GITHUB_REF_NAME: runner.ref.replace(/^refs\/\w+\//, '') }
        : {}),
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
      RUNNER_OS: process.platform === 'darwin' ? 'macOS' : process.platform === 'win32' ? 'Windows' : 'Linux',
      RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
      RUNNER_NAME: 'autodev-local',
      ...files,
      ...options.env,
      ...inputs,
    };
    const ran = await runNode(join(actionDir, metadata.runs.main), runner.workspace, env, options.timeoutMs);
    return {
      ...ran,
      outputs: parseCommandFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  } finally {
    await rm(runner.temp ? step : temp, { recursive: true, force: true });
  }
}

function runNode(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60 * 60_000,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // Async on purpose: a simulator answering the step may live in this very process's event loop.
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      done({ exitCode, stdout, stderr });
    });
  });
}
