/** The pure pieces of the sandbox: globs, path normalisation and policy, command checks, word splitting. */
import { describe, expect, test } from '@jest/globals';
import { checkCommand } from '../../app/workspace/command-policy.js';
import { matchesGlob } from '../../app/workspace/glob-match.js';
import { changedPathViolations, isGitDirName, normaliseAgentPath } from '../../app/workspace/path-policy.js';
import { scrubbedEnv } from '../../app/workspace/scrub-env.js';
import { splitCommandLine } from '../../app/workspace/split-command-line.js';
import { SandboxError } from '../../app/workspace/workspace.js';
import type { WorkspacePolicy } from '../../app/workspace/workspace.js';

const policy: WorkspacePolicy = {
  allowedCommands: ['npm', 'npx', 'node', 'git', 'pnpm'],
  protectedPaths: ['secrets/', 'config/*.env', '/LICENSE', '**/fixtures/**/*.snap'],
  allowWorkflowEdits: false,
  secrets: [],
};

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof SandboxError) return error.kind;
    throw error;
  }
}

describe('matchesGlob', () => {
  test.each([
    ['*.pem', 'key.pem', true],
    ['*.pem', 'deep/dir/key.pem', true],
    ['*.pem', 'key.pem.txt', false],
    ['/LICENSE', 'LICENSE', true],
    ['/LICENSE', 'docs/LICENSE', false],
    ['secrets/', 'secrets/a/b.txt', true],
    ['secrets', 'app/secrets/x', true],
    ['config/*.env', 'config/prod.env', true],
    ['config/*.env', 'config/sub/prod.env', false],
    ['src/**/gen.ts', 'src/gen.ts', true],
    ['src/**/gen.ts', 'src/a/b/gen.ts', true],
    ['src/**', 'src/a/b', true],
    ['src/**', 'srcx/a', false],
    ['a?c.txt', 'abc.txt', true],
    ['a?c.txt', 'a/c.txt', false],
    ['v1.(x)+', 'v1.(x)+', true],
    ['**/fixtures/**/*.snap', 'test/fixtures/a/b.snap', true],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });
});

describe('paths', () => {
  test('normalises within the root', () => {
    expect(normaliseAgentPath('./src//a/../b.ts')).toBe('src/b.ts');
    expect(normaliseAgentPath('.')).toBe('');
    expect(normaliseAgentPath('src\\x.ts')).toBe('src/x.ts');
    expect(kindOf(() => normaliseAgentPath('C:\\Windows'))).toBe('path-escape');
    expect(kindOf(() => normaliseAgentPath('a/%2F..'))).toBe('path-escape');
  });

  test('recognises .git under the names file systems give it', () => {
    for (const name of ['.git', '.GIT', '.Git.', '.git ', '.g\u200cit', 'GIT~1'])
      expect(isGitDirName(name)).toBe(true);
    for (const name of ['.github', '.gitignore', 'git', '.gitkeep']) expect(isGitDirName(name)).toBe(false);
  });

  test('changedPathViolations lists what a diff may not contain', () => {
    const violations = changedPathViolations(
      ['src/a.ts', '.github/workflows/ci.yml', 'secrets/key', 'config/prod.env', 'LICENSE', 'docs/LICENSE'],
      policy,
    );
    expect(violations).toHaveLength(4);
    expect(violations[0]).toMatch(/workflow file/);
    expect(
      changedPathViolations(['.github/workflows/ci.yml'], { ...policy, allowWorkflowEdits: true }),
    ).toEqual([]);
  });
});

describe('checkCommand', () => {
  const root = '/work/tree';
  test.each([
    ['git', ['status'], undefined],
    ['git', ['diff', '-c', 'HEAD~1'], undefined],
    ['git', ['commit', '-m', '/api: fix ../ handling'], undefined],
    ['git', ['add', 'src/a.ts', '/work/tree/src/b.ts'], undefined],
    ['git', ['-C', '/tmp', 'status'], 'command-not-allowed'],
    ['git', [], 'command-not-allowed'],
    ['git', ['config', 'core.hooksPath', '/tmp'], 'command-not-allowed'],
    ['git', ['fetch'], 'command-not-allowed'],
    ['git', ['log', '--work-tree=/tmp'], 'bad-argument'],
    ['git', ['grep', '-Oless', 'x'], 'bad-argument'],
    ['git', ['diff', '--no-index', '/etc/passwd', 'a'], 'bad-argument'],
    ['git', ['add', ':(top).github/workflows'], 'bad-argument'],
    ['git', ['rm', 'secrets/key'], 'forbidden-path'],
    ['git', ['commit', '-F', '/etc/passwd'], 'bad-argument'],
    ['npm', ['test', '--', '--ci'], undefined],
    ['npm', ['run', 'build', '--prefix=/tmp'], 'bad-argument'],
    ['pnpm', ['config', 'set', 'x', 'y'], 'command-not-allowed'],
    ['node', ['-e', 'console.log("/etc/passwd")'], undefined],
    ['node', ['/tmp/evil.js'], 'bad-argument'],
    ['node', ['--require=../../evil.js', 'a.js'], 'bad-argument'],
    ['npx', ['tsc', '--outDir', '~/out'], 'bad-argument'],
    ['npx', ['tsc', '--outDir', 'lib/../../out'], 'bad-argument'],
    ['node', ['a\0b'], 'bad-argument'],
    ['python', ['-c', '1'], 'command-not-allowed'],
    ['..', [], 'command-not-allowed'],
  ] as [string, string[], string | undefined][])('%s %j → %s', (program, args, kind) => {
    expect(kindOf(() => checkCommand(program, args, root, policy))).toBe(kind);
  });
});

describe('splitCommandLine', () => {
  test.each([
    ['npm test', ['npm', 'test']],
    ['npm test -- --ci', ['npm', 'test', '--', '--ci']],
    [`  jest  'a b'  "c \\"d\\""  e\\ f `, ['jest', 'a b', 'c "d"', 'e f']],
    [`node -e 'a;b|c'`, ['node', '-e', 'a;b|c']],
    [`eslint "src/**/*.ts"`, ['eslint', 'src/**/*.ts']],
    [`npm run lint -- --max-warnings=0`, ['npm', 'run', 'lint', '--', '--max-warnings=0']],
    [`echo ''`, ['echo', '']],
  ])('%s', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });

  test.each([
    'npm test && npm run lint',
    'npm test > out.txt',
    'npm test 2>&1',
    'npm test # comment',
    'FOO=1 npm test',
    'jest src/*.test.ts',
    'cat ~/.npmrc',
    'npm test "$TOKEN"',
    'npm test "unclosed',
    'npm test\nrm -rf /',
    '   ',
  ])('refuses %j', (line) => {
    expect(kindOf(() => splitCommandLine(line))).toBe('bad-argument');
  });
});

describe('scrubbedEnv', () => {
  test('keeps a minimal, secret-free environment', () => {
    const env = scrubbedEnv(
      {
        PATH: '/usr/bin:.:node_modules/.bin:/work/tree/bin:/bin',
        HOME: '/home/runner',
        LANG: 'C.UTF-8',
        GITHUB_TOKEN: 'ghs_xxx',
        NPM_TOKEN: 'npm_xxx',
        NODE_OPTIONS: '--require /tmp/x.js',
        EDITOR: 'vi',
      },
      '/work/tree',
      { npm_config_cache: '/tmp/npm', GITHUB_API_URL: 'x', MY_API_KEY: 'k', NODE_OPTIONS: '--inspect' },
    );
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      CI: 'true',
      GIT_TERMINAL_PROMPT: '0',
      npm_config_cache: '/tmp/npm',
    });
  });
});
