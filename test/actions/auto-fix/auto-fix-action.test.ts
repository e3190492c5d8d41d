/**
 * The auto-fix action for a pull request from this repository: heal (run() in-process, the GitHub API
 * mocked at HTTP with nock, the lint really failing and really re-run) fixes it with no model call, and
 * publish pushes the fix onto the pull request's branch in the bare origin. Bad inputs fail the step.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nock from 'nock';
import type { AutoFixJobResult } from '../../../app/heal/auto-fix-job.js';
import { git, remoteBranches } from '../../agent-task/task-fixtures.js';
import {
  API,
  expectFailedRun,
  freshHead,
  fx,
  pull,
  REPO,
  step,
  useAutoFixFixture,
} from './auto-fix-fixtures.js';

useAutoFixFixture();

describe('actions/auto-fix on a same-repository pull request', () => {
  it('heals a same-repository pull request without a model and pushes the fix onto its branch', async () => {
    await freshHead();
    nock(API)
      .get(`${REPO}/pulls/12`)
      .reply(200, pull(12, 'octo-org/demo', 'feature'));
    expectFailedRun();
    const healed = await step({ mode: 'heal', 'pull-request': '12', path: fx.head });
    expect(process.exitCode).toBeUndefined();
    expect(healed).toMatchObject({ fixed: 'true', fork: 'false' });
    const result = JSON.parse(healed.result ?? '') as AutoFixJobResult;
    expect(result).toMatchObject({
      runId: 777,
      failingCommand: 'npm run lint',
      analysis: { class: 'lint_error', jobName: 'lint' },
      fix: { fixed: true, modelCalls: 0, fixedBy: { kind: 'healer', name: 'eslint' } },
    });
    expect(JSON.parse(await readFile(join(fx.temp, 'autodev-auto-fix.json'), 'utf8'))).toEqual(result);

    nock(API)
      .get(`${REPO}/pulls/12`)
      .reply(200, pull(12, 'octo-org/demo', 'feature'));
    const published = await step({ mode: 'publish', 'pull-request': '12' });
    expect(process.exitCode).toBeUndefined();
    const branches = await remoteBranches(fx.repo.bare);
    const pushed = branches.feature ?? '';
    expect(JSON.parse(published.result ?? '')).toEqual({ kind: 'pushed', branch: 'feature', commit: pushed });
    expect(await git(fx.repo.bare, 'log', '-1', '--format=%P %an %s', pushed)).toBe(
      `${fx.headSha} autodev[bot] fix(ci): apply eslint --fix`,
    );
    expect(await git(fx.repo.bare, 'show', `${pushed}:src/sum.js`)).toBe(
      'const offset = 0;\nexport function sum(a, b) {\n  return a + b + offset;\n}',
    );
  }, 60_000);

  it('fails the step with a message that says what to give when the target is missing', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await step({ mode: 'heal' });
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    expect(written.join('')).toContain(
      '::error::give exactly one of pull-request (a number) and branch (a branch of this repository)',
    );
  });
});
