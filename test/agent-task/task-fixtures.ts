/**
 * A real, small repository for agent task tests: a package whose `npm test` is `node --test`, a source
 * file with a bug, a test that fails until the bug is fixed, and a bare repository as its origin.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir });
  return stdout.trim();
}

export const GREETER_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    { name: 'greeter', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } },
    null,
    2,
  )}\n`,
  'src/greet.js': "export function greet(name) {\n  return 'hi';\n}\n",
  'test/greet.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { greet } from '../src/greet.js';",
    '',
    "test('greets by name', () => {",
    "  assert.equal(greet('Ada'), 'Hello, Ada!');",
    '});',
    '',
  ].join('\n'),
  'AGENTS.md': '# Agents\n\nKeep functions small.\n',
};

export const RIGHT_FIX = 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n';
export const WRONG_FIX = 'export function greet(name) {\n  return `Hi, ${name}.`;\n}\n';

export interface TestRepo {
  root: string;
  /** The working clone (what actions/checkout leaves in GITHUB_WORKSPACE). */
  clone: string;
  /** Its origin. */
  bare: string;
  base: string;
}

/** A bare origin with one commit on main, and a clone of it whose origin is the bare repository. */
export async function createTestRepo(files: Record<string, string> = GREETER_FILES): Promise<TestRepo> {
  const root = await mkdtemp(join(tmpdir(), 'autodev-task-'));
  const bare = join(root, 'origin.git');
  const seed = join(root, 'seed');
  const clone = join(root, 'clone');
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await run('git', ['init', '--quiet', '--initial-branch=main', seed]);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(seed, path)), { recursive: true });
    await writeFile(join(seed, path), text);
  }
  await git(seed, 'add', '--all');
  await git(
    seed,
    '-c',
    'user.name=Maintainer',
    '-c',
    'user.email=m@example.com',
    'commit',
    '--quiet',
    '-m',
    'Initial commit',
  );
  await git(seed, 'push', '--quiet', bare, 'main');
  await run('git', ['clone', '--quiet', bare, clone]);
  return { root, clone, bare, base: await git(clone, 'rev-parse', 'HEAD') };
}

/** Branches in the bare origin, by name → sha. */
export async function remoteBranches(bare: string): Promise<Record<string, string>> {
  const text = await git(bare, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads');
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}
