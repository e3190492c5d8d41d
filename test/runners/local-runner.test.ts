/** The local runner's pieces: bounded waves, the runner's INPUT_ names, and GITHUB_OUTPUT parsing. */
import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSemaphore,
  inputVariable,
  parseCommandFile,
  runBundledAction,
  runWave,
} from '../../app/runners/local-runner.js';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('runWave', () => {
  it('never runs more than `parallelism` tasks at once, and returns results in task order', async () => {
    let running = 0;
    let peak = 0;
    const results = await runWave([50, 10, 30, 5, 20, 1, 15], {
      parallelism: 3,
      runTask: async (ms, index) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(ms);
        running--;
        return `${index}:${ms}`;
      },
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([
      '0:50',
      '1:10',
      '2:30',
      '3:5',
      '4:20',
      '5:1',
      '6:15',
    ]);
  });

  it('lets the other tasks finish when one fails', async () => {
    const done: number[] = [];
    const results = await runWave([1, 2, 3, 4], {
      parallelism: 2,
      runTask: async (n) => {
        await sleep(5);
        if (n === 2) throw new Error('task 2 broke');
        done.push(n);
        return n;
      },
    });
    expect(done.sort()).toEqual([1, 3, 4]);
    expect(results[1]).toEqual({ status: 'rejected', reason: new Error('task 2 broke') });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });

  it('refuses a parallelism below one', () => {
    expect(() => createSemaphore(0)).toThrow('parallelism must be a whole number ≥ 1, not 0');
  });
});

describe('the runner conventions', () => {
  it('names inputs as the Actions runner does: upper case, spaces to underscores, dashes kept', () => {
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('plan file')).toBe('INPUT_PLAN_FILE');
  });

  it('parses GITHUB_OUTPUT lines and heredoc blocks', () => {
    const text = [
      'status=succeeded',
      'result<<ghadelimiter_1234',
      '{"a":1,',
      '"b":"x=y<<z"}',
      'ghadelimiter_1234',
      'empty=',
      'url=https://example.com/?a=b',
      '',
    ].join('\n');
    expect(parseCommandFile(text)).toEqual({
      status: 'succeeded',
      result: '{"a":1,\n"b":"x=y<<z"}',
      empty: '',
      url: 'https://example.com/?a=b',
    });
  });

  it('refuses a heredoc without its closing delimiter', () => {
    expect(() => parseCommandFile('result<<EOF\nsome text\n')).toThrow('no closing "EOF" for "result"');
  });
});

describe('runBundledAction', () => {
  it("runs an action's main with the runner's variables, input defaults and command files", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-bundled-'));
    try {
      const action = join(dir, 'echo');
      await mkdir(join(action, 'dist'), { recursive: true });
      await writeFile(
        join(action, 'action.yml'),
        [
          'name: echo',
          'description: echoes',
          'inputs:',
          '  github-token:',
          '    default: ${{ github.token }}',
          '  greeting:',
          '    default: hello',
          '  plan file:',
          '    required: true',
          'runs:',
          '  using: node20',
          '  main: dist/index.js',
        ].join('\n'),
      );
      await writeFile(
        join(action, 'dist', 'index.js'),
        [
          "import { appendFileSync } from 'node:fs';",
          'const e = process.env;',
          "const seen = { token: e['INPUT_GITHUB-TOKEN'], greeting: e.INPUT_GREETING, plan: e.INPUT_PLAN_FILE,",
          '  workspace: e.GITHUB_WORKSPACE, repo: e.GITHUB_REPOSITORY, temp: e.RUNNER_TEMP, cwd: process.cwd(),',
          '  outer: e.INPUT_OUTER ?? null, extra: e.EXTRA };',
          'appendFileSync(e.GITHUB_OUTPUT, `seen<<EOF_1\\n${JSON.stringify(seen)}\\nEOF_1\\nstatus=ok\\n`);',
          "appendFileSync(e.GITHUB_STEP_SUMMARY, '### echo\\n');",
          'process.exitCode = 3;',
        ].join('\n'),
      );
      const workspace = join(dir, 'ws');
      await mkdir(workspace);
      const ran = await runBundledAction({
        actionDir: action,
        inputs: { 'plan file': '/tmp/plan.json' },
        env: { EXTRA: 'yes' },
        runner: { workspace, repository: 'o/r', temp: dir, token: 'ghs_token' },
        hostEnv: { PATH: process.env.PATH, INPUT_OUTER: 'leaked' },
      });
      expect(ran.exitCode).toBe(3);
      expect(ran.outputs.status).toBe('ok');
      expect(JSON.parse(ran.outputs.seen ?? '{}')).toEqual({
        token: 'ghs_token',
        greeting: 'hello',
        plan: '/tmp/plan.json',
        workspace,
        repo: 'o/r',
        temp: dir,
        cwd: workspace,
        outer: null,
        extra: 'yes',
      });
      expect(ran.summary).toBe('### echo\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
