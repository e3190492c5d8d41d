/**
 * The auto-fix action's report mode, the workflow's last job: after a real heal and publish (run() in
 * process, as in auto-fix-action.test.ts), it writes every attempt and where the fix went to
 * .autodev/auto-fix/<run id>.result.json on the state branch — creating the file, or replacing the
 * report of an earlier attempt of the same run with the sha it read. The GitHub API is mocked at HTTP
 * with nock (strict: an unexpected request or an unused expectation fails the test).
 */
import { describe, expect, it, jest } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nock from 'nock';
import type { AutoFixJobResult } from '../../../app/heal/auto-fix-job.js';
import type { AutoFixReport } from '../../../app/heal/auto-fix-state.js';
import { remoteBranches } from '../../agent-task/task-fixtures.js';
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

const RUN = 9001;
const REPORT_PATH = `.autodev/auto-fix/${RUN}.result.json`;
const ATTEMPT_FIELDS = ['attempt', 'changed', 'kind', 'modelCalls', 'name', 'of', 'tried', 'verification'];
const STATE_SHA = 'c0ffee0000000000000000000000000000000001';

interface ContentsPut {
  message: string;
  content: string;
  branch: string;
  sha?: string;
}

/** The requests that write the report: read it, make sure the state branch exists, put it. */
function expectReportWrite(existing?: { sha: string; report: unknown }): { body: ContentsPut | null } {
  const written: { body: ContentsPut | null } = { body: null };
  const atReport = (uri: string) => decodeURIComponent(uri) === `${REPO}/contents/${REPORT_PATH}`;
  const read = nock(API).get(
    (uri) => decodeURIComponent(uri) === `${REPO}/contents/${REPORT_PATH}?ref=autodev-state`,
  );
  if (existing) {
    read.reply(200, {
      type: 'file',
      encoding: 'base64',
      sha: existing.sha,
      path: REPORT_PATH,
      content: Buffer.from(JSON.stringify(existing.report)).toString('base64'),
    });
  } else {
    read.reply(404, { message: 'Not Found' });
  }
  nock(API)
    .get(REPO)
    .reply(200, { default_branch: 'main', full_name: 'octo-org/demo' })
    .get((uri) => decodeURIComponent(uri) === `${REPO}/git/ref/heads/autodev-state`)
    .reply(200, { ref: 'refs/heads/autodev-state', object: { sha: STATE_SHA, type: 'commit' } })
    .put(atReport, (body: ContentsPut) => {
      written.body = body;
      return true;
    })
    .reply(existing ? 200 : 201, { content: { sha: 'bead000000000000000000000000000000000002' } });
  return written;
}

function decoded(put: ContentsPut | null): AutoFixReport {
  if (!put) throw new Error('the report was not written');
  return JSON.parse(Buffer.from(put.content, 'base64').toString('utf8')) as AutoFixReport;
}

const report = (inputs: Record<string, string>) =>
  step({ mode: 'report', 'workflow-run-id': String(RUN), ...inputs });

describe('actions/auto-fix report mode', () => {
  let heal: AutoFixJobResult;

  it('writes every heal attempt and the pushed commit to the state branch after publish pushed the fix', async () => {
    await freshHead();
    nock(API)
      .get(`${REPO}/pulls/12`)
      .reply(200, pull(12, 'octo-org/demo', 'feature'))
      .get(`${REPO}/pulls/12`)
      .reply(200, pull(12, 'octo-org/demo', 'feature'));
    expectFailedRun();
    const healed = await step({ mode: 'heal', 'pull-request': '12', path: fx.head });
    heal = JSON.parse(healed.result ?? '') as AutoFixJobResult;
    const published = await step({ mode: 'publish', 'pull-request': '12' });
    const commit = (await remoteBranches(fx.repo.bare)).feature ?? '';
    expect(process.exitCode).toBeUndefined();

    const written = expectReportWrite();
    const outputs = await report({
      'heal-outcome': 'success',
      'publish-outcome': 'success',
      'publish-result': published.result ?? '',
    });
    expect(process.exitCode).toBeUndefined();
    expect(written.body).toMatchObject({
      branch: 'autodev-state',
      message: `autodev: auto-fix report ${RUN} [skip ci]`,
    });
    // A new file: no sha, so GitHub refuses it if another writer made it meanwhile.
    expect(written.body).not.toHaveProperty('sha');
    const stored = decoded(written.body);
    expect(stored).toEqual({
      workflowRunId: RUN,
      fixed: true,
      fixedBy: { kind: 'healer', name: 'eslint' },
      reason: heal.fix.reason,
      attempts: expect.any(Array),
      modelCalls: 0,
      pushed: { branch: 'feature', sha: commit },
    });
    // Heal's attempts, each with the fields of AutoFixAttempt and nothing else.
    expect(heal.fix.attempts).toMatchObject(stored.attempts);
    for (const attempt of stored.attempts) expect(Object.keys(attempt).sort()).toEqual(ATTEMPT_FIELDS);
    expect(stored.attempts.map((a) => [a.name, a.verification?.passed])).toEqual([
      ['prettier', false],
      ['eslint', true],
    ]);
    expect(JSON.parse(outputs.result ?? '')).toEqual(stored);
    expect(outputs.fixed).toBe('true');
  }, 60_000);

  it('replaces the report of an earlier attempt of the run, with its sha, and says publishing failed', async () => {
    const earlier = { workflowRunId: RUN, fixed: false, reason: 'earlier', attempts: [], modelCalls: 0 };
    const written = expectReportWrite({ sha: 'abc0000000000000000000000000000000000003', report: earlier });
    await report({
      'heal-outcome': 'success',
      'publish-outcome': 'failure',
      'publish-error': 'pushing the fix to feature failed (did the branch move on?): rejected',
    });
    expect(process.exitCode).toBeUndefined();
    expect(written.body?.sha).toBe('abc0000000000000000000000000000000000003');
    const body = decoded(written.body);
    // The fix was verified but never reached GitHub: not fixed, and the attempts are still there.
    expect(body.fixed).toBe(false);
    expect(heal.fix.attempts).toMatchObject(body.attempts);
    expect(body).not.toHaveProperty('pushed');
    expect(body.reason).toBe(
      `${heal.fix.reason}, but publishing it failed: pushing the fix to feature failed (did the branch move on?): rejected. Nothing was pushed`,
    );
  });

  it('names the fix pull request publish opened (a fork or a branch)', async () => {
    const written = expectReportWrite();
    const url = 'https://github.com/octo-org/demo/pull/14';
    await report({
      'heal-outcome': 'success',
      'publish-outcome': 'success',
      'publish-result': JSON.stringify({
        kind: 'pull-request',
        branch: 'autodev/auto-fix/pr-13',
        commit: 'a'.repeat(40),
        number: 14,
        url,
        created: true,
      }),
    });
    expect(process.exitCode).toBeUndefined();
    const body = decoded(written.body);
    expect(body).toMatchObject({ fixed: true, pullRequest: { number: 14, url } });
    expect(body).not.toHaveProperty('pushed');
  });

  it('says how heal ended when it left no result, with secrets redacted', async () => {
    const written = expectReportWrite();
    await report({
      'result-file': join(fx.temp, 'no-such-result.json'),
      'heal-outcome': 'failure',
      'heal-error': `no failed workflow run of abc1234 to fix (token ${TOKEN})`,
      'publish-outcome': 'skipped',
    });
    expect(process.exitCode).toBeUndefined();
    const body = decoded(written.body);
    expect(body).toMatchObject({ workflowRunId: RUN, fixed: false, attempts: [], modelCalls: 0 });
    expect(body.reason).toMatch(
      /^the heal job failed: no failed workflow run of abc1234 to fix \(token \*+\)$/,
    );
    expect(JSON.stringify(written.body)).not.toContain(TOKEN);
  });

  it('keeps only the known fields of a result file heal’s code could have forged, and rejects a bad one', async () => {
    const forged = join(fx.temp, 'forged.json');
    const attempt = heal.fix.attempts[0];
    await writeFile(
      forged,
      JSON.stringify({
        fix: { ...heal.fix, fixed: false, attempts: [{ ...attempt, extra: 'x'.repeat(50) }] },
        evil: 1,
      }),
    );
    const kept = expectReportWrite();
    await report({ 'result-file': forged, 'heal-outcome': 'success', 'publish-outcome': 'skipped' });
    const keptAttempts = decoded(kept.body).attempts;
    expect(keptAttempts).toHaveLength(1);
    expect(attempt).toMatchObject(keptAttempts[0] ?? {});
    expect(Object.keys(keptAttempts[0] ?? {}).sort()).toEqual(ATTEMPT_FIELDS);

    await writeFile(forged, JSON.stringify({ fix: { ...heal.fix, attempts: 'all of them' } }));
    const rejected = expectReportWrite();
    await report({ 'result-file': forged, 'heal-outcome': 'success', 'publish-outcome': 'skipped' });
    expect(process.exitCode).toBeUndefined();
    expect(decoded(rejected.body)).toMatchObject({ fixed: false, attempts: [] });
    expect(decoded(rejected.body).reason).toMatch(
      /^the heal job's result could not be used: fix\.attempts: /,
    );
    expect(JSON.parse(await readFile(join(fx.temp, 'autodev-auto-fix.json'), 'utf8'))).toEqual(heal);
  });

  it('fails the step, writing nothing, when a job outcome is missing or publish-result is not publish’s', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await report({ 'publish-outcome': 'skipped' });
      expect(process.exitCode).toBe(1);
      await report({
        'heal-outcome': 'success',
        'publish-outcome': 'success',
        'publish-result': '{"kind":"merged"}',
      });
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    const text = written.join('');
    expect(text).toContain(
      '::error::heal-outcome must be how the heal job ended, ${{ needs.heal.result }} (success, failure, cancelled, skipped), not ""',
    );
    expect(text).toContain("::error::publish-result is not the publish step's `result` output: kind: ");
  });
});
