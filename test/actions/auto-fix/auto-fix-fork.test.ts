/**
 * The auto-fix action for a pull request from a fork: the agent is never used (even with a script
 * ready), and publish pushes an autodev branch in this repository and opens a fix pull request; the
 * fork's branch is never pushed to.
 */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
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
  TOKEN,
  useAutoFixFixture,
} from './auto-fix-fixtures.js';

useAutoFixFixture();

describe('actions/auto-fix on a fork', () => {
  it('for a fork: no agent, and the fix goes to an autodev branch with a fix pull request', async () => {
    await freshHead();
    const script = join(fx.temp, 'agent-script.json');
    await writeFile(script, JSON.stringify([{ actions: [{ write: 'src/sum.js', content: 'oops' }] }]));
    const before = await remoteBranches(fx.repo.bare);
    nock(API)
      .get(`${REPO}/pulls/13`)
      .reply(200, pull(13, 'mona/demo', 'main'));
    expectFailedRun();
    process.env.AUTODEV_AGENT_SCRIPT = script;
    const healed = await step({ mode: 'heal', 'pull-request': '13', path: fx.head, attempts: '1' });
    expect(healed).toMatchObject({ fixed: 'false', fork: 'true' });
    const result = JSON.parse(healed.result ?? '') as AutoFixJobResult;
    // One attempt (prettier) does not fix eslint's error; the agent would have been next, but not for a fork.
    expect(result.fix.attempts.map((a) => [a.kind, a.name])).toEqual([['healer', 'prettier']]);
    expect(result.fix.reason).toMatch(/^stopped after 1 attempt /);

    await freshHead();
    nock(API)
      .get(`${REPO}/pulls/13`)
      .reply(200, pull(13, 'mona/demo', 'main'));
    expectFailedRun();
    const again = await step({ mode: 'heal', 'pull-request': '13', path: fx.head });
    expect(again).toMatchObject({ fixed: 'true', fork: 'true' });
    expect((JSON.parse(again.result ?? '') as AutoFixJobResult).fix.modelCalls).toBe(0);

    nock(API)
      .get(`${REPO}/pulls/13`)
      .reply(200, pull(13, 'mona/demo', 'main'))
      .get(`${REPO}/pulls`)
      .query({ head: 'octo-org:autodev/auto-fix/pr-13', base: 'main', state: 'open', per_page: '10' })
      .reply(200, [])
      .post(
        `${REPO}/pulls`,
        (body: { head: string; base: string; title: string; body: string; draft: boolean }) => {
          expect(body).toMatchObject({
            head: 'autodev/auto-fix/pr-13',
            base: 'main',
            title: 'fix(ci): apply eslint --fix',
            draft: false,
          });
          expect(body.body).toContain('pull request #13 from the fork mona/demo');
          expect(body.body).not.toContain(TOKEN);
          return true;
        },
      )
      .reply(201, { ...pull(14, 'octo-org/demo', 'autodev/auto-fix/pr-13'), number: 14 });
    const published = await step({ mode: 'publish', 'pull-request': '13' });
    expect(process.exitCode).toBeUndefined();
    const after = await remoteBranches(fx.repo.bare);
    expect(JSON.parse(published.result ?? '')).toMatchObject({
      kind: 'pull-request',
      number: 14,
      created: true,
    });
    // The fork's own branches are not here to push to; this repository's are untouched but for the new one.
    expect(after).toEqual({ ...before, 'autodev/auto-fix/pr-13': expect.any(String) });
    expect(await git(fx.repo.bare, 'rev-parse', `${after['autodev/auto-fix/pr-13']}^`)).toBe(fx.headSha);
  }, 90_000);
});
