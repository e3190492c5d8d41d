/** The workspace's file tools and command runner on a real repository. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { SandboxError } from '../../app/workspace/workspace.js';
import type { Workspace, WorkspacePolicy } from '../../app/workspace/workspace.js';
import { makeRepo, makeTempDir, removeDir, writeFiles } from './git-fixture.js';

let scratch: string;
let root: string;
let ws: Workspace;

const policy: WorkspacePolicy = {
  allowedCommands: ['node', 'git'],
  protectedPaths: [],
  allowWorkflowEdits: false,
  secrets: [],
};

async function refusal(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

/**
 * Alive and not a zombie: a killed orphan stays a zombie until init reaps it, and some container
 * inits never do, so signal 0 alone would still "reach" it. /proc tells them apart on Linux.
 */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

beforeAll(async () => {
  scratch = await makeTempDir('workspace');
  root = await makeRepo(join(scratch, 'repo'), {
    '.gitignore': 'dist/\n',
    'README.md': '# demo\nhello world\n',
    'src/a.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n',
    'src/dup.ts': 'x();\nx();\n',
    '.github/workflows/ci.yml': 'on: push\n',
  });
  await writeFiles(root, { 'notes.md': 'hello untracked\n', 'dist/out.js': 'hello ignored\n' });
  await writeFile(join(root, 'logo.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
  await symlink('src/a.ts', join(root, 'a-link.ts'));
  ws = createWorkspace({ path: root, branch: 'autodev/r/t' }, policy);
});

afterAll(async () => {
  await removeDir(scratch);
});

describe('files', () => {
  test('listFiles gives tracked and untracked files, not ignored ones, optionally under a directory', async () => {
    const files = await ws.listFiles();
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'src/a.ts', 'notes.md', '.github/workflows/ci.yml']),
    );
    expect(files).not.toContain('dist/out.js');
    expect(await ws.listFiles('src')).toEqual(['src/a.ts', 'src/dup.ts']);
    expect((await refusal(ws.listFiles('nope'))).kind).toBe('not-found');
  });

  test('listFiles caps the list and says so', async () => {
    const small = createWorkspace({ path: root, branch: 'b' }, policy, { maxListedFiles: 2 });
    const files = await small.listFiles();
    expect(files).toHaveLength(3);
    expect(files[2]).toMatch(/more than 2 files/);
  });

  test('readFile reads whole files and 1-based inclusive line ranges', async () => {
    expect(await ws.readFile('src/a.ts')).toContain('export const c');
    expect(await ws.readFile('src/a.ts', { from: 2, to: 3 })).toBe(
      'export const b = 2;\nexport const c = 3;',
    );
    expect(await ws.readFile('./src/../src/a.ts', { from: 1, to: 1 })).toBe('export const a = 1;');
    expect(await ws.readFile('a-link.ts', { from: 1, to: 1 })).toBe('export const a = 1;');
    expect((await refusal(ws.readFile('src/a.ts', { from: 9, to: 10 }))).message).toMatch(/has 4 lines/);
    expect((await refusal(ws.readFile('src/a.ts', { from: 0, to: 1 }))).kind).toBe('bad-argument');
    expect((await refusal(ws.readFile('missing.ts'))).kind).toBe('not-found');
    expect((await refusal(ws.readFile('src'))).message).toMatch(/is a directory/);
    expect((await refusal(ws.readFile('logo.bin'))).message).toMatch(/binary/);
  });

  test('writeFile creates directories and refuses to write through a link, even one inside', async () => {
    await ws.writeFile('new/deep/file.ts', 'export {};\n');
    expect(await readFile(join(root, 'new/deep/file.ts'), 'utf8')).toBe('export {};\n');
    expect((await refusal(ws.writeFile('a-link.ts', 'x'))).message).toMatch(/symbolic link/);
    expect((await refusal(ws.writeFile('src', 'x'))).message).toMatch(/directory/);
  });

  test('workflows are readable, and writable when allowWorkflowEdits is true', async () => {
    expect(await ws.readFile('.github/workflows/ci.yml')).toBe('on: push\n');
    const open = createWorkspace({ path: root, branch: 'b' }, { ...policy, allowWorkflowEdits: true });
    await open.writeFile('.github/workflows/extra.yml', 'on: pull_request\n');
    expect(await ws.readFile('.github/workflows/extra.yml')).toBe('on: pull_request\n');
  });

  test('editFile replaces one exact occurrence, literally', async () => {
    await ws.writeFile('edit.ts', 'const a = 1;\nconst b = 2;\n');
    await ws.editFile('edit.ts', 'const b = 2;', 'const b = "$&$1";');
    expect(await ws.readFile('edit.ts')).toBe('const a = 1;\nconst b = "$&$1";\n');
  });

  test('editFile explains a missing or repeated anchor', async () => {
    await ws.writeFile('anchor.ts', 'function f() {\n    return 1;\n}\n');
    const missing = await refusal(ws.editFile('anchor.ts', 'function f() {\n  return 1;', 'x'));
    expect(missing.kind).toBe('edit-anchor');
    expect(missing.message).toMatch(/not found.*appears at line 1/s);
    const repeated = await refusal(ws.editFile('src/dup.ts', 'x();', 'y();'));
    expect(repeated.message).toMatch(/occurs 2 times .*lines 1, 2.*more surrounding lines/);
    expect((await refusal(ws.editFile('anchor.ts', '', 'x'))).kind).toBe('edit-anchor');
  });

  test('editFile matches LF search text in a CRLF file and keeps CRLF', async () => {
    await ws.writeFile('crlf.txt', 'one\r\ntwo\r\nthree\r\n');
    await ws.editFile('crlf.txt', 'one\ntwo', 'one\n2');
    expect(await readFile(join(root, 'crlf.txt'), 'utf8')).toBe('one\r\n2\r\nthree\r\n');
  });

  test('search finds tracked and untracked hits, skips ignored files, caps hits', async () => {
    const hits = await ws.search('hello');
    expect(hits).toEqual(
      expect.arrayContaining([
        { path: 'README.md', line: 2, text: 'hello world' },
        { path: 'notes.md', line: 1, text: 'hello untracked' },
      ]),
    );
    expect(hits.map((h) => h.path)).not.toContain('dist/out.js');
    expect(await ws.search('hello', { maxHits: 1 })).toHaveLength(1);
    expect(await ws.search('--not-an-option')).toEqual([]);
    expect(await ws.search('export const (a|c) =')).toHaveLength(2);
    expect((await refusal(ws.search('fn('))).message).toMatch(/refused by git grep/);
  });
});

describe('commands', () => {
  test('run executes an allowlisted program in the worktree without a shell', async () => {
    const result = await ws.run('node', [
      '-e',
      'console.log(process.cwd(), process.argv[1])',
      '$HOME; echo hi',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(result.output.trim()).toBe(`${root} $HOME; echo hi`);
    expect(result.command).toBe(`node -e 'console.log(process.cwd(), process.argv[1])' '$HOME; echo hi'`);
  });

  test('git subcommands from the safe list work', async () => {
    const result = await ws.run('git', ['status', '--short']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('notes.md');
  });

  test('exit codes come through', async () => {
    expect((await ws.run('node', ['-e', 'process.exit(3)'])).exitCode).toBe(3);
  });

  test('runCommandLine splits words and honours quotes', async () => {
    const result = await ws.runCommandLine(
      `node -e 'console.log(process.argv.slice(1).join("|"))' "a b" c\\ d`,
    );
    expect(result.output.trim()).toBe('a b|c d');
  });

  test('a timeout ends the whole process group, background children included', async () => {
    const script = [
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      'console.log(c.pid);',
      'setInterval(() => {}, 1000);',
    ].join(' ');
    const result = await ws.run('node', ['-e', script], { timeoutMs: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    const grandchild = Number(result.output.trim());
    expect(Number.isInteger(grandchild)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(running(grandchild)).toBe(false);
  });

  test('output keeps the tail and says how much was left out', async () => {
    const small = createWorkspace({ path: root, branch: 'b' }, { ...policy, maxOutputChars: 100 });
    const result = await small.run('node', ['-e', "for (let i = 0; i < 5000; i++) console.log('line ' + i)"]);
    expect(result.output).toMatch(/^\[… \d+ earlier characters of output omitted\]\n/);
    expect(result.output.endsWith('line 4999\n')).toBe(true);
    expect(result.output.length).toBeLessThan(200);
  });

  test('a program that is allowed but not installed is a clear error', async () => {
    const ghost = createWorkspace(
      { path: root, branch: 'b' },
      { ...policy, allowedCommands: ['no-such-tool-xyz'] },
    );
    expect((await refusal(ghost.run('no-such-tool-xyz', []))).kind).toBe('not-found');
  });

  test('PATH entries inside the worktree are dropped, so a planted program cannot shadow one', async () => {
    await writeFiles(root, { 'bin/node': '#!/bin/sh\necho planted\n' });
    const planted = createWorkspace({ path: root, branch: 'b' }, policy, {
      parentEnv: { ...process.env, PATH: `${join(root, 'bin')}:bin:${process.env.PATH ?? ''}` },
    });
    const result = await planted.run('node', ['-e', 'console.log(process.env.PATH)']);
    expect(result.output).not.toContain('planted');
    expect(result.output).not.toContain(join(root, 'bin'));
  });
});
