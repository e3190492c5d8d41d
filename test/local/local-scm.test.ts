/**
 * LocalScm on a real repository: files read from refs, commits written with plumbing (the user's work
 * tree, index and checked-out branch untouched), comments appended to the progress log, check runs
 * recorded, and a clear refusal for what only GitHub can do.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalScm } from '../../app/local/local-scm.js';
import { ScmError } from '../../app/scm/scm.js';
import { git, makeProject, type Workspace } from './local-fixtures.js';

const repo = { owner: 'local', repo: 'shapes' };
let ws: Workspace;
let scm: LocalScm;
let log: string;
let head: string;

beforeAll(async () => {
  ws = await makeProject();
  log = join(ws.root, 'progress.log');
  scm = new LocalScm({ repoPath: ws.repo, progressLog: log, now: () => new Date('2025-01-15T10:00:00Z') });
  head = await git(ws.repo, 'rev-parse', 'HEAD');
});
afterAll(async () => rm(ws.root, { recursive: true, force: true }));

describe('LocalScm', () => {
  it('reads files from the checked-out branch or any ref; null for what is not a file there', async () => {
    expect(await scm.readFile(repo, '.github/autodev.yml')).toBe('gates:\n  test: npm test\n');
    expect(await scm.readFile(repo, 'src/index.js', head)).toContain('shapes');
    expect(await scm.readFile(repo, 'nope.txt')).toBeNull();
    expect(await scm.readFile(repo, 'src')).toBeNull();
    expect(await scm.readFile(repo, 'src/index.js', 'no-such-branch')).toBeNull();
    const found = await scm.readFileWithSha(repo, 'src/index.js', 'main');
    expect(found?.sha).toBe(await git(ws.repo, 'rev-parse', 'main:src/index.js'));
  });

  it('the default branch is the one checked out', async () => {
    expect(await scm.defaultBranch()).toBe('main');
  });

  it('writes a commit onto another branch without touching the work tree or the index', async () => {
    await scm.ensureBranch(repo, 'autodev/state', 'main');
    await scm.ensureBranch(repo, 'autodev/state', 'main'); // idempotent
    await writeFile(join(ws.repo, 'untracked.txt'), 'mine\n');
    const { sha } = await scm.writeFile(repo, {
      branch: 'autodev/state',
      path: 'runs/r1/plan.json',
      text: '{"tasks":[]}\n',
      message: 'autodev: plan of run r1',
      expectedSha: null,
    });
    expect(await git(ws.repo, 'rev-parse', 'autodev/state')).toBe(sha);
    expect(await git(ws.repo, 'log', '-1', '--format=%an|%s', 'autodev/state')).toBe(
      'autodev[bot]|autodev: plan of run r1',
    );
    expect(await git(ws.repo, 'show', 'autodev/state:runs/r1/plan.json')).toBe('{"tasks":[]}');
    expect(await git(ws.repo, 'show', 'autodev/state:src/index.js')).toContain('shapes');
    expect(await git(ws.repo, 'status', '--porcelain')).toBe('?? untracked.txt');
    expect(await git(ws.repo, 'rev-parse', 'HEAD')).toBe(head);
    await rm(join(ws.repo, 'untracked.txt'));

    const current = await scm.readFileWithSha(repo, 'runs/r1/plan.json', 'autodev/state');
    await expect(
      scm.writeFile(repo, {
        branch: 'autodev/state',
        path: 'runs/r1/plan.json',
        text: 'x',
        message: 'm',
        expectedSha: null,
      }),
    ).rejects.toMatchObject({ kind: 'conflict' });
    await scm.writeFile(repo, {
      branch: 'autodev/state',
      path: 'runs/r1/plan.json',
      text: '{"tasks":["t1"]}\n',
      message: 'autodev: plan of run r1, again',
      expectedSha: current!.sha,
    });
    expect(await scm.readFile(repo, 'runs/r1/plan.json', 'autodev/state')).toBe('{"tasks":["t1"]}\n');
  });

  it('refuses to move the checked-out branch under the user, or a branch that does not exist', async () => {
    await expect(
      scm.writeFile(repo, { branch: 'main', path: 'a.txt', text: 'a', message: 'm', expectedSha: null }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(
      scm.writeFile(repo, { branch: 'nope', path: 'a.txt', text: 'a', message: 'm', expectedSha: null }),
    ).rejects.toMatchObject({ kind: 'not-found' });
    await expect(scm.ensureBranch(repo, 'other', 'no-such-ref')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('appends comments to the progress log and lists them back', async () => {
    const { id } = await scm.createComment(repo, 0, 'Planning…');
    await scm.updateComment(repo, id, 'Done.');
    expect(await scm.listComments(repo, 0)).toEqual([{ id, body: 'Done.', author: 'autodev' }]);
    const text = await readFile(log, 'utf8');
    expect(text).toContain(`--- 2025-01-15T10:00:00.000Z comment ${id} created\nPlanning…\n`);
    expect(text).toContain(`--- 2025-01-15T10:00:00.000Z comment ${id} updated\nDone.\n`);
  });

  it('records check runs', async () => {
    const { id } = await scm.createCheckRun(repo, {
      name: 'autodev task t1',
      headSha: head,
      status: 'in_progress',
    });
    await scm.updateCheckRun(repo, id, {
      status: 'completed',
      conclusion: 'success',
      output: { title: 'ok', summary: 'All good' },
    });
    expect(scm.checkRuns.find((c) => c.id === id)).toMatchObject({
      name: 'autodev task t1',
      conclusion: 'success',
    });
    expect(await readFile(log, 'utf8')).toContain(`check ${id} autodev task t1: success\nAll good\n`);
  });

  it('says workflows cannot be dispatched locally', async () => {
    const error = await scm.dispatchWorkflow(repo, 'autodev-agents.yml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScmError);
    expect((error as ScmError).message).toBe(
      'Dispatching the workflow autodev-agents.yml is not available locally: `autodev run` runs the agents on this machine instead of GitHub Actions.',
    );
    await expect(scm.listWorkflowJobs()).rejects.toThrow(/not available locally/);
    expect(await scm.getPermission()).toBe('admin');
  });

  it('a detached HEAD has no default branch: says how to fix it', async () => {
    await git(ws.repo, 'checkout', '--quiet', '--detach');
    try {
      await expect(scm.defaultBranch()).rejects.toThrow(/HEAD is detached .*: check out a branch/);
      expect(await scm.readFile(repo, 'src/index.js')).toContain('shapes');
    } finally {
      await git(ws.repo, 'checkout', '--quiet', 'main');
    }
  });
});
