import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  draftReasons,
  type PullRequestContent,
  pullRequestTitle,
  renderPullRequestBody,
} from '../../app/finish/render-pull-request.js';
import { cleanReports, finishedRun, troubledReports, unreported } from './finish-fixtures.js';

const goldenDir = fileURLToPath(new URL('./__golden__/', import.meta.url));
const branch = 'autodev/ab12cd34/integration';

function content(reports: PullRequestContent['integrations'], extra: Partial<PullRequestContent> = {}) {
  const run = extra.run ?? finishedRun();
  return { run, branch, integrations: reports, draftReasons: draftReasons(run, reports), ...extra };
}

const samples: Record<string, PullRequestContent> = {
  ready: content(cleanReports),
  draft: content(troubledReports, {
    run: finishedRun({
      trigger: { ...finishedRun().trigger, kind: 'command', onPullRequest: true },
    }),
  }),
  unreported: content(unreported),
  'should-be-ready': content(cleanReports, { draftMismatch: 'should-be-ready' }),
};

describe('pull request body golden files', () => {
  it.each(Object.keys(samples))('%s', (name) => {
    const body = renderPullRequestBody(samples[name]!);
    const file = `${goldenDir}${name}.md`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, body);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing; run the tests once with UPDATE_GOLDEN=1`);
    expect(body).toBe(readFileSync(file, 'utf8'));
  });
});

describe('pull request title', () => {
  it('is the plan goal with the run id', () => {
    expect(pullRequestTitle(finishedRun())).toBe(
      'Shoppers can pay for their cart on one page. (autodev run ab12cd34)',
    );
  });

  it('falls back to the issue title and keeps to one short line', () => {
    expect(pullRequestTitle(finishedRun({ plan: { goal: '' } }))).toBe('Checkout (autodev run ab12cd34)');
    const long = pullRequestTitle(finishedRun({ plan: { goal: `a\nb ${'x'.repeat(300)}` } }));
    expect(long).not.toContain('\n');
    expect(long.length).toBeLessThan(130);
  });
});

describe('pull request body', () => {
  it('lists every task with its result, agent, backend, branch and job log, and closes the issue', () => {
    const body = renderPullRequestBody(samples.ready!);
    for (const id of ['api', 'ui', 'e2e']) {
      expect(body).toContain(`\`autodev/ab12cd34/${id}\``);
      expect(body).toContain(`(https://github.com/acme/web/actions/runs/900/job/${id})`);
    }
    expect(body).toContain('after 2 attempts');
    expect(body).toMatch(/\nCloses #42\n/);
    expect(body).not.toContain('[!WARNING]');
  });

  it('puts conflicted work first and says why it is a draft', () => {
    const body = renderPullRequestBody(samples.draft!);
    expect(body).toContain('[!WARNING]');
    const notIn = body.indexOf('Not in this pull request');
    expect(notIn).toBeGreaterThan(-1);
    expect(notIn).toBeLessThan(body.indexOf('**Wave 1**'));
    expect(body).toContain('`src/routes.ts`');
    expect(body).toMatch(/npm test.*\| 1 \| ❌ failed/);
  });

  it('closes nothing for a run started on a pull request', () => {
    expect(renderPullRequestBody(samples.draft!)).not.toContain('Closes #');
  });

  it('claims nothing about tests without a gate result', () => {
    const body = renderPullRequestBody(samples.unreported!);
    expect(body).toContain('Integration results were not reported for this wave.');
    expect(body).toContain('claims nothing about tests');
    expect(body).not.toMatch(/tests? pass/i);
  });

  it('never drops a task the integration report leaves out', () => {
    const [first] = cleanReports;
    const partial = [
      { wave: 1, result: { ...first!.result!, merges: [{ taskId: 'api', status: 'merged' as const }] } },
    ];
    const body = renderPullRequestBody(content(partial));
    expect(body).toContain('`ui`: not in the report');
  });

  it('escapes untrusted text', () => {
    const run = finishedRun();
    run.tasks[0]!.title = '<img src=x onerror=alert(1)> @everyone [click](https://evil.example)';
    run.tasks[0]!.reason = '</details> **bold** `code`';
    const body = renderPullRequestBody(content(cleanReports, { run }));
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@everyone/);
    expect(body).toContain('&lt;img');
    // Escaped brackets make no link.
    expect(body).toContain('\\[click\\](https://evil.example)');
    expect(body).not.toContain('</details>');
  });
});

describe('draft reasons', () => {
  it('come from conflicts, failed gates and unfinished tasks only', () => {
    expect(draftReasons(finishedRun(), cleanReports)).toEqual([]);
    expect(draftReasons(finishedRun(), unreported)).toEqual([]);
    expect(draftReasons(finishedRun(), troubledReports)).toEqual([
      'not merged: ui (conflicted)',
      'gates failed: npm test (exit 1)',
    ]);
    const run = finishedRun();
    run.tasks[2]!.state = 'failed';
    expect(draftReasons(run, cleanReports)).toEqual(['tasks not done: e2e (failed)']);
  });

  it('follow the latest merge of a task merged by a later wave', () => {
    const reports = [
      troubledReports[0]!,
      {
        wave: 3,
        result: {
          ...troubledReports[0]!.result!,
          merges: [{ taskId: 'ui', status: 'merged' as const }],
          gates: [],
        },
      },
    ];
    expect(draftReasons(finishedRun(), reports)).toEqual([]);
  });
});
