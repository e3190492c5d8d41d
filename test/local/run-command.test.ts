/**
 * What `autodev run` says when the input is wrong (exit code 2, a message that says what to change),
 * and what `autodev --help` documents. None of these cases gets as far as planning.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../app/cli/main.js';
import { readSpec, runCommand } from '../../app/cli/run-command.js';
import { git, makeProject, type Workspace } from './local-fixtures.js';

let ws: Workspace;
let plain: string;

beforeAll(async () => {
  ws = await makeProject();
  plain = await mkdtemp(join(tmpdir(), 'autodev-plain-'));
});
afterAll(async () => {
  await rm(ws.root, { recursive: true, force: true });
  await rm(plain, { recursive: true, force: true });
});

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(args, {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd: ws.root,
    signal: new AbortController().signal,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('autodev run refuses bad input with exit code 2 and the fix', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no --repo', () => ['--spec', 'x'], /--repo is missing: pass the path of the git repository/],
    [
      'no --spec',
      () => ['--repo', ws.repo],
      /--spec is missing: pass a spec file, or the spec text in quotes/,
    ],
    ['an unknown option', () => ['--repo', ws.repo, '--spec', 'x', '--fast'], /Unknown option '--fast'/],
    [
      'a missing directory',
      () => ['--repo', join(plain, 'nope'), '--spec', 'x'],
      /there is no directory there/,
    ],
    [
      'a folder that is not a repository',
      () => ['--repo', plain, '--spec', 'x'],
      /is not a git repository\. Run `git init`/,
    ],
    [
      'a spec file that does not exist',
      () => ['--repo', ws.repo, '--spec', 'specs/feature.md'],
      /The spec file .*specs\/feature\.md does not exist\. Pass the path of an existing file, or the spec text itself in quotes\./,
    ],
    [
      'an unknown backend',
      () => ['--repo', ws.repo, '--spec', 'x', '--backend', 'gpt'],
      /Unknown agent backend "gpt": use one of builtin, claude, codex, aider, scripted\./,
    ],
    [
      'the scripted backend with no script',
      () => ['--repo', ws.repo, '--spec', 'x', '--backend', 'scripted'],
      /set AUTODEV_AGENT_SCRIPT to its path, or pick another --backend/,
    ],
    [
      '--agents 0',
      () => ['--repo', ws.repo, '--spec', 'x', '--agents', '0'],
      /--agents must be a whole number of at least 1, not "0"/,
    ],
    [
      '--attempts two',
      () => ['--repo', ws.repo, '--spec', 'x', '--attempts', 'two'],
      /--attempts must be a whole number of at least 1, not "two"/,
    ],
    [
      'an unknown planner',
      () => ['--repo', ws.repo, '--spec', 'x', '--planner', 'gpt'],
      /--planner takes `outline` or `scripted:<plan.json>`, not "gpt"/,
    ],
    [
      'a missing plan file',
      () => ['--repo', ws.repo, '--spec', 'x', '--planner', 'scripted:nope.json'],
      /The plan file .*nope\.json does not exist/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await run(args());
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Run `autodev run --help` for the options.');
    expect(result.code).toBe(2);
  });

  it('a dirty work tree: refuses, and says to commit or stash first', async () => {
    await writeFile(join(ws.repo, 'src', 'index.js'), 'export const name = "changed";\n');
    try {
      const result = await run(['--repo', ws.repo, '--spec', 'x']);
      expect(result.code).toBe(2);
      expect(result.err).toContain('has uncommitted changes');
      expect(result.err).toContain('Commit or stash your changes first');
      expect(result.err).toContain('M src/index.js');
    } finally {
      await git(ws.repo, 'checkout', '--', 'src/index.js');
    }
  });

  it('an invalid .github/autodev.yml: names the line and the fix', async () => {
    const broken = await makeProject({
      '.github/autodev.yml': 'maxParallelAgents: lots\n',
      'README.md': '# x\n',
    });
    try {
      const result = await run(['--repo', broken.repo, '--spec', 'x']);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/\.github\/autodev\.yml \(as committed at HEAD\) has problems:\n- line 1: /);
    } finally {
      await rm(broken.root, { recursive: true, force: true });
    }
  });

  it('an invalid scripted plan: says which task is wrong', async () => {
    const plan = join(ws.root, 'cycle.json');
    await writeFile(
      plan,
      JSON.stringify({
        tasks: [
          { id: 'a', title: 'A', dependsOn: ['b'] },
          { id: 'b', title: 'B', dependsOn: ['a'] },
        ],
      }),
    );
    const result = await run([
      '--repo',
      ws.repo,
      '--spec',
      'x',
      '--planner',
      `scripted:${plan}`,
      '--backend',
      'claude',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('the plan has a cycle: a → b → a');
  });

  it('leaves no trace in the repository when it refuses', async () => {
    await expect(readdir(join(ws.repo, '.git', 'autodev'))).rejects.toThrow(/ENOENT/);
  });
});

describe('spec text or spec file', () => {
  it('reads a file, keeps text, and treats a lone path-like word as a file', async () => {
    await writeFile(join(ws.root, 'spec.md'), '- one\n');
    await expect(readSpec('spec.md', ws.root)).resolves.toBe('- one\n');
    await expect(readSpec('Add a /health endpoint', ws.root)).resolves.toBe('Add a /health endpoint');
    await expect(readSpec('Refactor', ws.root)).resolves.toBe('Refactor');
    await expect(readSpec('todo.txt', ws.root)).rejects.toThrow(/The spec file .*todo\.txt does not exist/);
  });
});

describe('autodev --help', () => {
  it('documents every command and every option of run', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const help = out.join('');
    for (const command of ['start', 'sandbox', 'deliver', 'run'])
      expect(help).toContain(`autodev ${command}`);
    for (const option of ['--seed', '--github-port', '--url', '--secret', '--id'])
      expect(help).toContain(option);
    for (const option of ['--repo', '--spec', '--agents', '--backend', '--planner', '--attempts']) {
      expect(help).toContain(`  ${option} <`);
    }
    expect(help).toContain('builtin, claude, codex, aider, scripted');
    expect(help).toContain('AUTODEV_AGENT_SCRIPT');
  });

  it('autodev run --help shows the run options alone', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^autodev run --repo <path> --spec <file\|text> \[options\]/);
    expect(result.out).toContain('Exit codes: 0 succeeded, 1 the run failed, 2 bad input, 130 cancelled');
  });
});
