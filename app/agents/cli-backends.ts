/**
 * External agent CLIs as backends: claude (Claude Code), codex (OpenAI Codex CLI) and aider. Each runs
 * in the task's worktree with the rendered role prompt, an environment holding only PATH, HOME and that
 * tool's own key variable, and the task's wall-time limit; its output tail becomes the redacted summary.
 *
 * Flags, chosen for the safest mode that still edits files with nobody at the keyboard:
 * - claude: `-p --output-format json --permission-mode acceptEdits --max-turns N`, plus
 *   `--allowedTools "Bash(npm:*),…"` built from the repository's allowedCommands. acceptEdits approves
 *   file edits in the working directory; any other tool use needs a rule, and in print mode an unapproved
 *   use is denied rather than asked. `--dangerously-skip-permissions` (bypassPermissions) would let it run
 *   any shell command, so it is not used.
 * - codex: `exec --json --sandbox workspace-write -`: writes only inside the worktree, no network for the
 *   commands it runs, never asks for approval in exec mode. `--full-auto` is the deprecated alias of the
 *   same sandbox; `--dangerously-bypass-approvals-and-sandbox` is not used.
 * - aider: `--message-file F --yes-always --no-auto-commits --no-dirty-commits …`: autodev commits, not
 *   aider (dirty-commits would commit a retry's leftovers); `--no-gitignore` keeps .gitignore untouched;
 *   history files go to a scratch folder outside the worktree. --yes-always does not run shell commands
 *   aider suggests: those need an explicit yes.
 * The prompt goes on stdin (claude, codex) or in a file (aider), not in argv: Linux caps one argument at
 * 128 KiB, which a prompt with conventions, repo map and gate output can pass.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentBackend, AgentContext, AgentLimits, AgentOutcome } from './agent-backend.js';
import { AgentError } from './agent-error.js';
import { buildAgentPrompt } from './agent-prompt.js';
import type { PromptSource } from './agent-prompt.js';
import { parseAiderOutput, parseClaudeOutput, parseCodexOutput } from './cli-output.js';
import type { CliReport } from './cli-output.js';
import { runCli } from './cli-process.js';
import { redactSecrets, secretValuesFromEnv } from '../workspace/redact.js';
import { clipMiddle, formatDuration } from './text-format.js';

export const CLI_NAMES = ['claude', 'codex', 'aider'] as const;
export type CliName = (typeof CLI_NAMES)[number];

export interface CliBackendOptions {
  prompts: PromptSource;
  /** Where PATH, HOME and the key variable are read from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The repository's allowedCommands: claude may run these through its Bash tool, nothing else. */
  allowedCommands?: string[];
  /** Passed as --model; the CLI's own default otherwise. */
  model?: string;
  /** aider only: the key variable it needs for its model (default OPENAI_API_KEY). */
  keyVariable?: string;
}

interface ArgsInput {
  limits: AgentLimits;
  allowedCommands: string[];
  model: string | undefined;
  scratch: string;
  files: string[];
}

interface CliSpec {
  program: CliName;
  install: string;
  keyVariable: string;
  /** False: the prompt is written to `<scratch>/prompt.md` and the args point there. */
  promptOnStdin: boolean;
  args(input: ArgsInput): string[];
  parse(stdout: string): CliReport;
}

const SUMMARY_CHARS = 8_000;
const model = (name: string | undefined) => (name ? ['--model', name] : []);

const SPECS: Record<CliName, (options: CliBackendOptions) => CliSpec> = {
  claude: () => ({
    program: 'claude',
    install: 'npm i -g @anthropic-ai/claude-code',
    keyVariable: 'ANTHROPIC_API_KEY',
    promptOnStdin: true,
    args: ({ limits, allowedCommands, model: name }) => {
      // Program names only: anything else could smuggle rule syntax into the permission list.
      const rules = allowedCommands.filter((p) => /^[\w.+-]+$/.test(p)).map((p) => `Bash(${p}:*)`);
      return [
        '-p',
        '--output-format',
        'json',
        '--permission-mode',
        'acceptEdits',
        '--max-turns',
        String(limits.maxTurns),
        ...(rules.length ? ['--allowedTools', rules.join(',')] : []),
        ...model(name),
      ];
    },
    parse: parseClaudeOutput,
  }),
  codex: () => ({
    program: 'codex',
    install: 'npm i -g @openai/codex',
    keyVariable: 'OPENAI_API_KEY',
    promptOnStdin: true,
    args: ({ model: name }) => ['exec', '--json', '--sandbox', 'workspace-write', ...model(name), '-'],
    parse: parseCodexOutput,
  }),
  aider: (options) => ({
    program: 'aider',
    install: 'pipx install aider-chat',
    keyVariable: options.keyVariable ?? 'OPENAI_API_KEY',
    promptOnStdin: false,
    args: ({ scratch, model: name, files }) => [
      '--message-file',
      join(scratch, 'prompt.md'),
      '--yes-always',
      '--no-auto-commits',
      '--no-dirty-commits',
      '--no-gitignore',
      '--no-check-update',
      '--no-pretty',
      '--no-stream',
      '--chat-history-file',
      join(scratch, 'chat-history.md'),
      '--input-history-file',
      join(scratch, 'input-history'),
      ...model(name),
      // The task's files go into aider's chat; paths leaving the worktree are not passed.
      ...files.filter((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..')),
    ],
    parse: parseAiderOutput,
  }),
};

export class CliBackend implements AgentBackend {
  readonly name: CliName;
  private readonly spec: CliSpec;

  constructor(
    cli: CliName,
    private readonly options: CliBackendOptions,
  ) {
    this.name = cli;
    this.spec = SPECS[cli](options);
  }

  async run(context: AgentContext): Promise<AgentOutcome> {
    const { spec } = this;
    const env = this.options.env ?? process.env;
    const key = env[spec.keyVariable]?.trim();
    if (!key) {
      throw new AgentError(
        'missing-key',
        `${spec.keyVariable} is not set: the ${spec.program} backend passes only that key to the \`${spec.program}\` ` +
          `CLI. Add it as an Actions secret and to the agent job's env, or choose another backend.`,
        { variable: spec.keyVariable },
      );
    }
    const prompt = await buildAgentPrompt(context, this.options.prompts);
    const text = prompt.repoMap
      ? `${prompt.system}\n## Repository map\n\n${prompt.repoMap}\n`
      : prompt.system;
    const scratch = await mkdtemp(join(tmpdir(), `autodev-${spec.program}-`));
    try {
      if (!spec.promptOnStdin) await writeFile(join(scratch, 'prompt.md'), text);
      const args = spec.args({
        limits: context.limits,
        allowedCommands: this.options.allowedCommands ?? [],
        model: this.options.model,
        scratch,
        files: context.task.files,
      });
      const result = await runCli({
        program: spec.program,
        args,
        cwd: context.workspace.root,
        env: scrubbedEnv(env, spec.keyVariable, key),
        stdin: spec.promptOnStdin ? text : '',
        timeoutMs: context.limits.maxWallMs,
        ...(context.signal ? { signal: context.signal } : {}),
      }).catch((error: unknown) => {
        throw this.spawnError(error);
      });
      const outcome = this.outcomeOf(result, context.limits.maxWallMs);
      return {
        ...outcome,
        summary: clipMiddle(
          // The CLI saw only its key, but it may print what it read in the worktree (a .env file):
          // hide every secret-looking value of the runner's environment as well.
          redactSecrets(outcome.summary, [...context.secrets, key, ...secretValuesFromEnv(env)]),
          SUMMARY_CHARS,
        ),
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private outcomeOf(result: Awaited<ReturnType<typeof runCli>>, maxWallMs: number): AgentOutcome {
    const report = this.spec.parse(result.stdout);
    const base = {
      tokens: report.tokens,
      costUsd: report.costUsd,
      turns: report.turns,
      backend: `${this.name}-cli`,
    };
    const tail = result.tail.trim() || '(no output)';
    if (result.timedOut || result.cancelled) {
      const why = result.cancelled
        ? 'the agent job was cancelled'
        : `the wall-time limit of ${formatDuration(maxWallMs)} was reached`;
      return {
        ...base,
        status: 'limit',
        limit: 'wall-time',
        summary: `Stopped ${this.name}: ${why}. Output tail:\n${tail}`,
      };
    }
    if (report.status === 'limit') {
      return {
        ...base,
        status: 'limit',
        ...(report.limit ? { limit: report.limit } : {}),
        summary: report.summary || tail,
      };
    }
    if (result.exitCode !== 0) {
      return {
        ...base,
        status: 'error',
        summary: `${this.name} exited with code ${result.exitCode}:\n${tail}`,
      };
    }
    if (report.status === 'error') return { ...base, status: 'error', summary: report.summary || tail };
    return { ...base, status: 'finished', summary: report.summary || tail };
  }

  private spawnError(error: unknown): unknown {
    if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return error;
    return new AgentError(
      'not-installed',
      `\`${this.spec.program}\` is not installed on this runner: install it (${this.spec.install}) or choose another backend`,
      { cause: error },
    );
  }
}

/** PATH and HOME so the CLI starts and finds its config, its own key, and nothing else of ours. */
function scrubbedEnv(env: NodeJS.ProcessEnv, keyVariable: string, key: string): NodeJS.ProcessEnv {
  const scrubbed: NodeJS.ProcessEnv = { [keyVariable]: key };
  if (env.PATH !== undefined) scrubbed.PATH = env.PATH;
  if (env.HOME !== undefined) scrubbed.HOME = env.HOME;
  return scrubbed;
}

export const claudeBackend = (options: CliBackendOptions) => new CliBackend('claude', options);
export const codexBackend = (options: CliBackendOptions) => new CliBackend('codex', options);
export const aiderBackend = (options: CliBackendOptions) => new CliBackend('aider', options);
