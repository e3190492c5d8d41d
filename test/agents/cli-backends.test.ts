/**
 * The claude, codex and aider backends end to end against fake CLIs (test/fixtures/agents/bin): real
 * spawn, flags, prompt on stdin or in a file, scrubbed environment, output parsing and limits.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentError } from '../../app/agents/agent-error.js';
import { CliBackend } from '../../app/agents/cli-backends.js';
import type { CliBackendOptions, CliName } from '../../app/agents/cli-backends.js';
import { contextFor, GREET_JS, prompts, SECRET, TEST_JS } from './agent-fixtures.js';
import { tempWorkspace } from './temp-workspace.js';
import type { TempWorkspace } from './temp-workspace.js';

const BIN = fileURLToPath(new URL('../fixtures/agents/bin', import.meta.url));
const CANARY = 'canary-parent-secret-4242';
const KEYS = { claude: 'ANTHROPIC_API_KEY', codex: 'OPENAI_API_KEY', aider: 'OPENAI_API_KEY' } as const;
const KEY_VALUE = 'sk-test-key-0000';

interface FakeRun {
  argv: string[];
  env: Record<string, string>;
  prompt: string;
}

beforeAll(async () => {
  for (const name of ['claude', 'codex', 'aider']) await chmod(join(BIN, name), 0o755);
});

let workspace: TempWorkspace;
afterEach(() => workspace?.remove());

/** The parent environment of a runner: the fakes first on PATH, keys, and a secret no CLI may see. */
function parentEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? tmpdir(),
    ANTHROPIC_API_KEY: KEY_VALUE,
    OPENAI_API_KEY: KEY_VALUE,
    AUTODEV_CANARY: CANARY,
    GITHUB_TOKEN: CANARY,
    ...extra,
  };
}

function cli(name: CliName, options: Partial<CliBackendOptions> = {}) {
  return new CliBackend(name, { prompts, env: parentEnv(), allowedCommands: ['node', 'npm'], ...options });
}

async function fakeRun(): Promise<FakeRun> {
  return JSON.parse(await readFile(join(workspace.root, 'fake-cli-run.json'), 'utf8')) as FakeRun;
}

async function greetRepo(mode?: string): Promise<TempWorkspace> {
  return tempWorkspace({
    'src/greet.js': GREET_JS,
    'test.js': TEST_JS,
    ...(mode ? { 'fake-cli-mode': mode } : {}),
  });
}

describe.each(['claude', 'codex', 'aider'] as const)('the %s backend', (name) => {
  it('runs the CLI in the worktree with the role prompt and only PATH, HOME and its key', async () => {
    workspace = await greetRepo();

    const outcome = await cli(name).run(contextFor(workspace));

    expect(outcome.status).toBe('finished');
    expect(outcome.backend).toBe(`${name}-cli`);
    expect(await workspace.readFile('src/greet.js')).toContain('return `Hello, ${name}!`;');
    const run = await fakeRun();
    expect(Object.keys(run.env).sort()).toEqual(['HOME', 'PATH', KEYS[name]].sort());
    expect(JSON.stringify(run)).not.toContain(CANARY);
    expect(run.prompt).toContain('title: Greet by name');
    expect(run.prompt).toContain('src/greet.js: greet');
  });

  it('reports a non-zero exit as an error with the redacted output tail', async () => {
    workspace = await greetRepo('fail');

    const outcome = await cli(name).run(contextFor(workspace));

    expect(outcome.status).toBe('error');
    expect(outcome.summary).toMatch(new RegExp(`^${name} exited with code 2:\\n`));
    expect(outcome.summary).toContain('the model refused the request (key ***)');
    expect(outcome.summary).not.toContain(KEY_VALUE);
  });

  it('stops the CLI at the wall-time limit', async () => {
    workspace = await greetRepo('hang');
    const context = contextFor(workspace);
    const started = Date.now();

    const outcome = await cli(name).run({ ...context, limits: { ...context.limits, maxWallMs: 700 } });

    expect(outcome).toMatchObject({ status: 'limit', limit: 'wall-time' });
    expect(outcome.summary).toContain('the wall-time limit of 700 ms was reached');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says how to install the CLI when it is not on PATH', async () => {
    workspace = await greetRepo();
    const emptyDir = await mkdtemp(join(tmpdir(), 'autodev-empty-path-'));
    try {
      const error = await cli(name, { env: parentEnv({ PATH: emptyDir }) })
        .run(contextFor(workspace))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AgentError);
      expect(error).toMatchObject({ kind: 'not-installed' });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^\`${name}\` is not installed on this runner: install it \\(.+\\) or choose another backend$`,
        ),
      );
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('names the key variable when it is missing, before starting anything', async () => {
    workspace = await greetRepo();

    const error = await cli(name, { env: parentEnv({ [KEYS[name]]: '' }) })
      .run(contextFor(workspace))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AgentError', kind: 'missing-key', variable: KEYS[name] });
    expect((error as Error).message).toContain(`${KEYS[name]} is not set`);
    expect(await readdir(workspace.root)).not.toContain('fake-cli-run.json');
  });
});

describe('CLI specifics', () => {
  it('claude: JSON usage and cost, acceptEdits, Bash rules from allowedCommands', async () => {
    workspace = await greetRepo();

    const outcome = await cli('claude', { model: 'claude-sonnet-4-5' }).run(contextFor(workspace));

    expect(outcome).toEqual({
      status: 'finished',
      summary: 'Changed src/greet.js to greet by name; node test.js passes.',
      tokens: 1200 + 300 + 500 + 150,
      costUsd: 0.0123,
      turns: 3,
      backend: 'claude-cli',
    });
    const { argv } = await fakeRun();
    expect(argv).toEqual([
      '-p',
      '--output-format',
      'json',
      '--permission-mode',
      'acceptEdits',
      '--max-turns',
      '20',
      '--allowedTools',
      'Bash(node:*),Bash(npm:*)',
      '--model',
      'claude-sonnet-4-5',
    ]);
  });

  it('claude: a max-turns result is a turn limit, not an error', async () => {
    workspace = await greetRepo('max-turns');

    const outcome = await cli('claude').run(contextFor(workspace));

    expect(outcome).toMatchObject({
      status: 'limit',
      limit: 'turns',
      turns: 3,
      costUsd: 0.05,
      summary: 'claude reached --max-turns.',
    });
  });

  it('codex: the last agent message and the turn usage', async () => {
    workspace = await greetRepo();

    const outcome = await cli('codex').run(contextFor(workspace));

    expect(outcome).toMatchObject({
      summary: 'greet() now says Hello, <name>!',
      tokens: 24763 + 122,
      costUsd: 0,
      turns: 1,
    });
  });

  it('aider: passes the configured key, the task files, and parses its token and cost line', async () => {
    workspace = await greetRepo();
    const env = parentEnv({ OPENAI_API_KEY: undefined });

    const outcome = await cli('aider', {
      env,
      keyVariable: 'ANTHROPIC_API_KEY',
      model: 'anthropic/claude-sonnet-4-5',
    }).run(contextFor(workspace, { secrets: [SECRET] }));

    expect(outcome).toMatchObject({ status: 'finished', tokens: 2300 + 310, costUsd: 0.0098, turns: 1 });
    expect(outcome.summary).toContain('Applied edit to src/greet.js');
    const run = await fakeRun();
    expect(Object.keys(run.env).sort()).toEqual(['ANTHROPIC_API_KEY', 'HOME', 'PATH']);
    expect(run.argv).toEqual(expect.arrayContaining(['--model', 'anthropic/claude-sonnet-4-5']));
    expect(run.argv.at(-1)).toBe('src/greet.js');
  });
});
