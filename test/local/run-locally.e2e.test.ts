/**
 * Local mode end to end, through the CLI (`main(['run', …])`) on a real repository the test makes: the
 * outline planner turns three list items into three tasks, scripted agents (AUTODEV_AGENT_SCRIPT)
 * write a module and its test each, the `npm test` gate really runs (t2's first attempt fails it and
 * the second fixes it), every wave is merged into the integration branch, and PULL_REQUEST.md is left
 * in .git/autodev/<run>/. Then a task that never passes fails the run, a two-wave plan builds on the
 * merged first wave, and Ctrl-C cancels with every worktree removed.
 */
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../app/cli/main.js';
import { runCommand } from '../../app/cli/run-command.js';
import type { Run } from '../../app/runs/run.js';
import { git, listSpec, makeProject, moduleAttempt, writeScript, type Workspace } from './local-fixtures.js';

const made: Workspace[] = [];
const savedScript = process.env.AUTODEV_AGENT_SCRIPT;

afterEach(() => {
  if (savedScript === undefined) delete process.env.AUTODEV_AGENT_SCRIPT;
  else process.env.AUTODEV_AGENT_SCRIPT = savedScript;
});
afterAll(async () => {
  for (const ws of made) await rm(ws.root, { recursive: true, force: true });
});

async function project(): Promise<Workspace> {
  const ws = await makeProject();
  made.push(ws);
  return ws;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(args), out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

async function onlyRun(repo: string): Promise<{ id: string; dir: string; run: Run }> {
  const runs = await readdir(join(repo, '.git', 'autodev'));
  expect(runs).toHaveLength(1);
  const id = runs[0]!;
  const dir = join(repo, '.git', 'autodev', id);
  return { id, dir, run: JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as Run };
}

/** Nothing of the run is left in the user's checkout: no worktree, no remote, no change. */
async function expectCheckoutUntouched(repo: string, head: string): Promise<void> {
  expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('autodev-wt-');
  expect(await git(repo, 'remote')).toBe('');
  expect(await git(repo, 'status', '--porcelain')).toBe('');
  expect(await git(repo, 'rev-parse', 'HEAD')).toBe(head);
  expect(await git(repo, 'branch', '--show-current')).toBe('main');
}

describe('autodev run on a local repository', () => {
  it('plans three tasks, runs them with real gates, merges them and writes the pull request body', async () => {
    const ws = await project();
    const head = await git(ws.repo, 'rev-parse', 'HEAD');
    process.env.AUTODEV_AGENT_SCRIPT = await writeScript(ws.root, {
      t1: [moduleAttempt('square', 4)],
      // Attempt 1's test expects the wrong answer, so `npm test` fails and attempt 2 gets the output.
      t2: [moduleAttempt('circle', 3, 7), moduleAttempt('circle', 3)],
      t3: [moduleAttempt('triangle', 3)],
    });
    const spec = join(ws.root, 'spec.md');
    await writeFile(spec, listSpec(['Add square', 'Add circle', 'Add triangle']));

    const result = await cli([
      'run',
      '--repo',
      ws.repo,
      '--spec',
      spec,
      '--planner',
      'outline',
      '--agents',
      '2',
    ]);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const { id, dir, run } = await onlyRun(ws.repo);
    expect(result.out).toContain(`✔ Run ${id} succeeded: 3 tasks merged into autodev/${id}/integration.`);
    expect(result.out).toContain(`Pull request body: ${join(dir, 'PULL_REQUEST.md')}`);
    expect(run.state).toBe('succeeded');
    expect(run.tasks.map((t) => [t.id, t.title, t.state])).toEqual([
      ['t1', 'Add square', 'succeeded'],
      ['t2', 'Add circle', 'succeeded'],
      ['t3', 'Add triangle', 'succeeded'],
    ]);

    const integration = `autodev/${id}/integration`;
    const files = (await git(ws.repo, 'ls-tree', '-r', '--name-only', integration)).split('\n');
    for (const name of ['square', 'circle', 'triangle']) {
      expect(files).toEqual(expect.arrayContaining([`src/${name}.js`, `test/${name}.test.js`]));
    }
    const subjects = (await git(ws.repo, 'log', '--format=%s', `main..${integration}`)).split('\n');
    expect(subjects).toEqual(
      expect.arrayContaining([
        'merge(t1): Add square',
        'merge(t2): Add circle',
        'merge(t3): Add triangle',
        'feat(t2): Add circle',
      ]),
    );
    expect(await git(ws.repo, 'log', '-1', '--format=%B', `autodev/${id}/t2`)).not.toContain('Refs #0');
    // t2's kept work is attempt 2's: the test that expected 7 never reached its branch.
    expect(await git(ws.repo, 'show', `${integration}:test/circle.test.js`)).toContain(
      'assert.equal(circle(), 3)',
    );

    // The gates really ran: the log has t2's failing attempt, and the merged branch passes them too.
    const log = (await readFile(join(dir, 'autodev.log'), 'utf8')).split('\n').filter(Boolean);
    const gateRuns = log
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((e) => e.gate === 'test');
    expect(gateRuns.filter((e) => e.task === 't2').map((e) => [e.attempt, e.exitCode])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    const body = await readFile(join(dir, 'PULL_REQUEST.md'), 'utf8');
    expect(body).toMatch(new RegExp(`^# Shapes \\(autodev run ${id}\\)\n`));
    expect(body).toContain('· run locally by @');
    for (const [task, title] of [
      ['t1', 'Add square'],
      ['t2', 'Add circle'],
      ['t3', 'Add triangle'],
    ]) {
      expect(body).toContain(`- \`${task}\` ${title} — ✅ succeeded`);
      expect(body).toMatch(new RegExp(`- \`${task}\`: ✅ merged — \`src/`));
    }
    expect(body).toContain('| 1 | `npm test` | 0 | ✅ passed |');
    expect(body).toContain(`merge with \`git merge ${integration}\``);
    expect(body).not.toMatch(/#0|Closes/);
    await expectCheckoutUntouched(ws.repo, head);
  });

  it('fails with exit code 1 and names the task when a gate never passes; dependents are skipped', async () => {
    const ws = await project();
    const head = await git(ws.repo, 'rev-parse', 'HEAD');
    process.env.AUTODEV_AGENT_SCRIPT = await writeScript(ws.root, {
      t1: [moduleAttempt('square', 4)],
      t2: [moduleAttempt('circle', 3, 7)],
      t3: [moduleAttempt('triangle', 3)],
    });
    const plan = join(ws.root, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        goal: 'Shapes',
        tasks: [
          { id: 't1', title: 'Add square' },
          { id: 't2', title: 'Add circle' },
          { id: 't3', title: 'Add triangle', dependsOn: ['t2'] },
        ],
      }),
    );
    const result = await cli([
      'run',
      '--repo',
      ws.repo,
      '--spec',
      'Shapes',
      '--planner',
      `scripted:${plan}`,
      '--attempts',
      '2',
    ]);

    expect(result.code).toBe(1);
    const { id, run } = await onlyRun(ws.repo);
    expect(result.err).toContain(
      `autodev run: run ${id} failed: task t2 ("Add circle") failed: gate \`npm test\` still failing after 2 attempts`,
    );
    expect(run.tasks.map((t) => [t.id, t.state])).toEqual([
      ['t1', 'succeeded'],
      ['t2', 'failed'],
      ['t3', 'skipped'],
    ]);
    expect(run.tasks[2]!.reason).toBe('waits for failed task t2');
    expect(await git(ws.repo, 'branch', '--list', `autodev/${id}/integration`)).toBe('');
    await expectCheckoutUntouched(ws.repo, head);
  });

  it('fails naming the task and file when two tasks conflict and no integrator resolves it', async () => {
    const ws = await project();
    const shared = (answer: number) => ({
      actions: [
        ...moduleAttempt('shared', answer).actions,
        {
          write: 'src/index.js',
          content: `export const name = "shapes";\nexport const version = ${answer};\n`,
        },
      ],
    });
    process.env.AUTODEV_AGENT_SCRIPT = await writeScript(ws.root, { t1: [shared(1)], t2: [shared(2)] });
    const result = await cli([
      'run',
      '--repo',
      ws.repo,
      '--spec',
      listSpec(['One', 'Two']),
      '--planner',
      'outline',
    ]);

    expect(result.code).toBe(1);
    const { id, run } = await onlyRun(ws.repo);
    expect(result.err).toContain(
      `autodev run: run ${id} failed: Merging wave 1 into autodev/${id}/integration failed: task t2 conflicted: conflicts in `,
    );
    expect(result.err).toContain('src/index.js');
    expect(run.tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    // The branch keeps what did merge, for the person to finish by hand.
    expect(await git(ws.repo, 'log', '--format=%s', `main..autodev/${id}/integration`)).toContain(
      'merge(t1): One',
    );
  });

  it('fails before any agent runs when the backend cannot start, saying which key to set', async () => {
    const ws = await project();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommand(
      ['--repo', ws.repo, '--spec', listSpec(['One']), '--backend', 'builtin', '--planner', 'outline'],
      {
        stdout: { write: (text: string) => out.push(text) },
        stderr: { write: (text: string) => err.push(text) },
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        signal: new AbortController().signal,
      },
    );
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/failed: The builtin agent backend cannot start: Set OPENAI_API_KEY/);
    const { run } = await onlyRun(ws.repo);
    expect(run.tasks.map((t) => t.state)).toEqual(['skipped']);
  });

  it('starts a later wave from the integration branch, so a task sees the work it depends on', async () => {
    const ws = await project();
    const user = (name: string) => ({
      summary: `uses square in ${name}`,
      actions: [
        {
          write: `src/${name}.js`,
          content: `import { square } from './square.js';\nexport const ${name} = () => square() * 2;\n`,
        },
        {
          write: `test/${name}.test.js`,
          content: `import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { ${name} } from '../src/${name}.js';\ntest('${name}', () => assert.equal(${name}(), 8));\n`,
        },
      ],
    });
    process.env.AUTODEV_AGENT_SCRIPT = await writeScript(ws.root, {
      base: [moduleAttempt('square', 4)],
      double: [user('double')],
    });
    const plan = join(ws.root, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        tasks: [
          { id: 'base', title: 'Add square' },
          { id: 'double', title: 'Double it', dependsOn: ['base'] },
        ],
      }),
    );
    const result = await cli([
      'run',
      '--repo',
      ws.repo,
      '--spec',
      'Square, then double it',
      '--planner',
      `scripted:${plan}`,
    ]);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const { id, run } = await onlyRun(ws.repo);
    expect(run.waves?.map((w) => w.taskIds)).toEqual([['base'], ['double']]);
    const files = await git(ws.repo, 'ls-tree', '-r', '--name-only', `autodev/${id}/integration`);
    expect(files).toContain('src/double.js');
    expect(files).toContain('src/square.js');
  });

  it('Ctrl-C cancels: no new task starts, the running one stops, worktrees are removed, exit 130', async () => {
    const ws = await project();
    const head = await git(ws.repo, 'rev-parse', 'HEAD');
    const slow = {
      actions: [
        { run: 'node', args: ['-e', 'setTimeout(() => {}, 800)'] },
        ...moduleAttempt('square', 4).actions,
      ],
    };
    process.env.AUTODEV_AGENT_SCRIPT = await writeScript(ws.root, { t1: [slow], t2: [slow], t3: [slow] });
    const controller = new AbortController();
    const out: string[] = [];
    const err: string[] = [];
    const stream = (into: string[]) => ({ write: (text: string) => into.push(text), isTTY: false });
    const running = runCommand(
      [
        '--repo',
        ws.repo,
        '--spec',
        listSpec(['One', 'Two', 'Three']),
        '--planner',
        'outline',
        '--agents',
        '1',
      ],
      { stdout: stream(out), stderr: stream(err), signal: controller.signal },
    );
    // Cancel as soon as the first task is under way.
    while (!out.join('').includes('t1 running')) await new Promise((done) => setTimeout(done, 20));
    controller.abort();

    expect(await running).toBe(130);
    const { id, run } = await onlyRun(ws.repo);
    expect(err.join('')).toContain(`autodev run: run ${id} was cancelled: Cancelled by @`);
    expect(run.state).toBe('cancelled');
    // No task started after the cancel; the one under way either finished first or was stopped,
    // depending on how far it got — both are fine, a task left running is not.
    expect(run.tasks.slice(1).map((t) => t.state)).toEqual(['skipped', 'skipped']);
    expect(['succeeded', 'failed', 'skipped']).toContain(run.tasks[0]!.state);
    await expectCheckoutUntouched(ws.repo, head);
  });
});
