/**
 * The escape corpus: attempts an agent (or a prompt injection steering it) could make to leave its
 * worktree, touch git's own files or workflows, run something other than the allowlist, or read the
 * runner's secrets. Each must be refused with a message, and nothing outside the worktree may change.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { SandboxError } from '../../app/workspace/workspace.js';
import type { SandboxErrorKind, Workspace, WorkspacePolicy } from '../../app/workspace/workspace.js';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import type { Worktree } from '../../app/workspace/worktree-manager.js';
import { makeRepo, makeTempDir, removeDir, snapshot } from './git-fixture.js';

const CANARY = 'canary-Zx9/q+Pw=7Lm';
const CANARY_VAR = 'AUTODEV_TEST_CANARY_SECRET';
const escapeName = `autodev-escape-${process.pid}-${Date.now()}`;

let scratch: string;
let repo: string;
let sentinel: string;
let worktree: Worktree;
let ws: Workspace;
const before: Record<string, Record<string, string>> = {};

const policy: WorkspacePolicy = {
  allowedCommands: ['npm', 'npx', 'node', 'git'],
  protectedPaths: ['secrets/**', '*.pem'],
  allowWorkflowEdits: false,
  secrets: [CANARY],
};

beforeAll(async () => {
  scratch = await makeTempDir('escape');
  sentinel = join(scratch, 'sentinel');
  await mkdir(sentinel);
  await writeFile(join(sentinel, 'secret.txt'), 'do not touch\n');
  repo = await makeRepo(join(scratch, 'repo'), {
    'README.md': '# demo\n',
    'src/index.ts': 'export const x = 1;\n',
    '.github/workflows/ci.yml': 'on: push\n',
    'secrets/prod.env': 'A=1\n',
  });
  const manager = new WorktreeManager({ repoPath: repo, baseDir: join(scratch, 'worktrees') });
  worktree = await manager.create({ runId: 'escape', taskId: 't1', base: 'main' });
  // Links an agent could have made with a command, or the repository could ship.
  await symlink('/tmp', join(worktree.path, 'tmp-link'));
  await mkdir(join(worktree.path, 'sub'));
  await symlink(sentinel, join(worktree.path, 'sub', 'out-dir'));
  await symlink(join(sentinel, 'secret.txt'), join(worktree.path, 'file-link'));
  await symlink('.git', join(worktree.path, 'git-alias'));
  await symlink('.github', join(worktree.path, 'gh-alias'));
  await link(join(sentinel, 'secret.txt'), join(worktree.path, 'hard-link.txt'));
  process.env[CANARY_VAR] = CANARY;
  ws = createWorkspace(worktree, policy);
  before.sentinel = await snapshot(sentinel);
  before.gitDir = await snapshot(join(repo, '.git'));
});

afterAll(async () => {
  delete process.env[CANARY_VAR];
  await worktree.remove();
  await removeDir(scratch);
});

/** [what is attempted, the refusal's kind, what its message must say, the attempt] */
type Attempt = [string, SandboxErrorKind, RegExp, (ws: Workspace) => Promise<unknown>];

const corpus: Attempt[] = [
  ['read ../outside', 'path-escape', /outside the repository/, (w) => w.readFile('../outside')],
  ['read /etc/passwd', 'path-escape', /absolute/, (w) => w.readFile('/etc/passwd')],
  ['write a/../../x', 'path-escape', /outside the repository/, (w) => w.writeFile('a/../../x', 'x')],
  ['read ..\\..\\x (backslashes)', 'path-escape', /outside/, (w) => w.readFile('..\\..\\x')],
  ['read %2e%2e/ encoded', 'path-escape', /URL-encoded/, (w) => w.readFile('%2e%2e/%2e%2e/etc/passwd')],
  [
    'write ~/.ssh/authorized_keys',
    'path-escape',
    /absolute/,
    (w) => w.writeFile('~/.ssh/authorized_keys', 'k'),
  ],
  [
    'write through a symlink to /tmp',
    'path-escape',
    /symbolic link `tmp-link`.*outside/,
    (w) => w.writeFile(`tmp-link/${escapeName}`, 'x'),
  ],
  [
    'read through a symlinked dir component',
    'path-escape',
    /`sub\/out-dir`/,
    (w) => w.readFile('sub/out-dir/secret.txt'),
  ],
  [
    'write a symlinked file pointing outside',
    'path-escape',
    /file-link/,
    (w) => w.writeFile('file-link', 'pwned'),
  ],
  [
    'write a hard link to a file outside',
    'forbidden-path',
    /hard link/,
    (w) => w.editFile('hard-link.txt', 'touch', 'pwned'),
  ],
  ['read .git/config', 'forbidden-path', /git's own directory/, (w) => w.readFile('.git/config')],
  ['read .GIT/HEAD', 'forbidden-path', /\.GIT\/HEAD/, (w) => w.readFile('.GIT/HEAD')],
  ['write sub/.git', 'forbidden-path', /sub\/\.git/, (w) => w.writeFile('sub/.git', 'gitdir: /tmp')],
  ['read .git through a link', 'forbidden-path', /\.git/, (w) => w.readFile('git-alias')],
  [
    'write .github/workflows/x.yml',
    'forbidden-path',
    /`\.github\/workflows\/x\.yml` is a workflow file; agents may change workflows only when allowWorkflowEdits is true in \.github\/autodev\.yml/,
    (w) => w.writeFile('.github/workflows/x.yml', 'on: push'),
  ],
  [
    'edit a workflow through a link',
    'forbidden-path',
    /workflow file/,
    (w) => w.editFile('gh-alias/workflows/ci.yml', 'push', 'pull_request_target'),
  ],
  [
    'write a protected glob',
    'forbidden-path',
    /`secrets\/\*\*` in protectedPaths/,
    (w) => w.writeFile('secrets/prod.env', 'A=2'),
  ],
  [
    'write a protected basename glob at depth',
    'forbidden-path',
    /`\*\.pem`/,
    (w) => w.writeFile('deploy/certs/key.pem', 'k'),
  ],
  ['NUL byte in a path', 'bad-argument', /NUL/, (w) => w.writeFile('src/a\0.ts', 'x')],
  [
    'git -c core.hooksPath=… status',
    'command-not-allowed',
    /global option `-c`/,
    (w) => w.run('git', ['-c', 'core.hooksPath=/tmp/hooks', 'status']),
  ],
  [
    'git --git-dir=/ status',
    'command-not-allowed',
    /`--git-dir`/,
    (w) => w.run('git', ['--git-dir=/', 'status']),
  ],
  [
    'git push',
    'command-not-allowed',
    /`git push` is not allowed/,
    (w) => w.run('git', ['push', 'origin', 'HEAD']),
  ],
  [
    'git diff --output=/tmp/x',
    'bad-argument',
    /--output/,
    (w) => w.run('git', ['diff', `--output=/tmp/${escapeName}`]),
  ],
  [
    'git mv into workflows',
    'forbidden-path',
    /workflow file/,
    (w) => w.run('git', ['mv', 'README.md', '.github/workflows/evil.yml']),
  ],
  ['bash -c', 'command-not-allowed', /`bash` is not in allowedCommands/, (w) => w.run('bash', ['-c', 'id'])],
  ['/bin/sh', 'command-not-allowed', /is a path/, (w) => w.run('/bin/sh', ['-c', 'id'])],
  [
    './node_modules/.bin/evil',
    'command-not-allowed',
    /is a path/,
    (w) => w.run('./node_modules/.bin/evil', []),
  ],
  [
    'node ../outside.js',
    'bad-argument',
    /points outside the worktree/,
    (w) => w.run('node', ['../../outside.js']),
  ],
  ['npm install -g', 'bad-argument', /`npm -g`/, (w) => w.run('npm', ['install', '-g', 'evil'])],
  ['npm publish', 'command-not-allowed', /`npm publish`/, (w) => w.run('npm', ['publish'])],
  [
    '"npm test; rm -rf /" as a command line',
    'bad-argument',
    /command list \(;\).*script in package\.json/,
    (w) => w.runCommandLine('npm test; rm -rf /'),
  ],
  ['$(whoami)', 'bad-argument', /substitution/, (w) => w.runCommandLine('node -e "$(whoami)"')],
  ['backticks', 'bad-argument', /backticks/, (w) => w.runCommandLine('npm test `whoami`')],
  ['a pipe', 'bad-argument', /pipe/, (w) => w.runCommandLine('npm test | tee /tmp/x')],
  ['NUL in a search pattern', 'bad-argument', /NUL/, (w) => w.search('a\0b')],
];

describe('escape corpus', () => {
  test('holds at least 20 attempts', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  test.each(corpus)('refuses: %s', async (_name, kind, message, attempt) => {
    const error = await attempt(ws).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).kind).toBe(kind);
    expect((error as SandboxError).message).toMatch(message);
  });

  test('the runner environment does not reach commands', async () => {
    const result = await ws.run('node', ['-e', 'console.log(JSON.stringify(process.env))']);
    expect(result.exitCode).toBe(0);
    const env = JSON.parse(result.output) as Record<string, string>;
    expect(env.CI).toBe('true');
    expect(env.PATH).toBeDefined();
    expect(env[CANARY_VAR]).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(result.output).not.toContain(CANARY);
    for (const name of Object.keys(env)) {
      expect(name).toMatch(/^(PATH|HOME|LANG|TMPDIR|CI|GIT_TERMINAL_PROMPT)$/);
    }
  });

  test('output and the command shown are redacted, also in base64 and URL-encoded forms', async () => {
    const script = [
      'const s = process.argv[1];',
      'console.log("plain", s);',
      'console.log("basic", Buffer.from("user:" + s).toString("base64"));',
      'console.log("url", encodeURIComponent(s));',
    ].join(' ');
    const result = await ws.run('node', ['-e', script, CANARY]);
    expect(result.exitCode).toBe(0);
    expect(result.output).not.toContain(CANARY);
    const basic = Buffer.from(`user:${CANARY}`).toString('base64');
    expect(result.output).not.toContain(basic.slice(8, -4));
    expect(result.output).toMatch(/basic dXNlcj\S*\*\*\*/);
    expect(result.output).not.toContain(encodeURIComponent(CANARY));
    expect(result.output).toMatch(/plain \*\*\*/);
    expect(result.command).not.toContain(CANARY);
  });

  test('nothing outside the worktree was written', async () => {
    expect(await snapshot(sentinel)).toEqual(before.sentinel);
    expect(await snapshot(join(repo, '.git'))).toEqual(before.gitDir);
    expect(existsSync(join('/tmp', escapeName))).toBe(false);
    expect(existsSync(join(scratch, 'x'))).toBe(false);
  });
});
