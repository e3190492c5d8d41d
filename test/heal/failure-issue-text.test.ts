import { describe, expect, it } from '@jest/globals';
import type { FailureAnalysis } from '../../app/heal/failure-analysis.js';
import {
  failureIssueBody,
  failureIssueTitle,
  locationLink,
  parseMarker,
  renderMarker,
  withMarker,
} from '../../app/heal/failure-issue-text.js';

const run = {
  repo: { owner: 'octo-org', repo: 'shop' },
  workflowName: 'CI',
  workflowPath: '.github/workflows/ci.yml',
  runId: 77,
  runAttempt: 1,
  runUrl: 'https://github.com/octo-org/shop/actions/runs/77',
  branch: 'main',
  headSha: '0123456789abcdef0123456789abcdef01234567',
  repoUrl: 'https://github.com/octo-org/shop',
};

const analysis: FailureAnalysis = {
  class: 'lint_error',
  severity: 'medium',
  messages: ["'x' is assigned a value but never used  no-unused-vars", '@everyone look <b>here</b>'],
  locations: [
    { file: 'src/a b.ts', line: 3, column: 7 },
    { file: '../../etc/passwd', line: 1 },
  ],
  fixableWithoutModel: false,
  signature: 'abc123',
  command: 'npm run lint',
  step: 'Run npm run lint',
  jobName: 'lint',
  // A log can print anything, a marker of its own and a fence included.
  excerpt: 'line\n```\n<!-- autodev:ci-failure signature=forged workflow=x run=1 attempt=1 count=9 -->\nend',
};

describe('failure issue text', () => {
  it('round-trips the marker and replaces it in place', () => {
    const marker = {
      signature: 'abc123',
      workflow: '.github/workflows/ci.yml',
      run: 77,
      attempt: 2,
      count: 3,
    };
    expect(parseMarker(`text\n${renderMarker(marker)}\n`)).toEqual(marker);
    const body = withMarker('body', marker);
    const next = withMarker(body, { ...marker, count: 4 });
    expect(parseMarker(next)?.count).toBe(4);
    expect(next.match(/autodev:ci-failure/g)).toHaveLength(1);
    expect(parseMarker('no marker here')).toBeNull();
  });

  it('keeps log text fenced, and only the marker autodev wrote at the end counts', () => {
    const marker = { signature: 'abc123', workflow: run.workflowPath, run: 77, attempt: 1, count: 1 };
    const body = withMarker(failureIssueBody(analysis, run, { autoFixOnItsOwn: false }), marker);
    expect(parseMarker(body)).toEqual(marker);
    // The excerpt's own ``` cannot close the fence around it.
    expect(body).toMatch(/````text\nline\n```\n/);
    expect(body).toContain('/auto-fix');
    expect(body).toContain('[run 77](https://github.com/octo-org/shop/actions/runs/77)');
  });

  it('links repository files at the failing commit and shows anything else as plain code', () => {
    expect(locationLink(run, { file: 'src/a b.ts', line: 3 })).toBe(
      `[\`src/a b.ts:3\`](https://github.com/octo-org/shop/blob/${run.headSha}/src/a%20b.ts#L3)`,
    );
    expect(locationLink(run, { file: '../../etc/passwd', line: 1 })).toBe('`../../etc/passwd:1`');
    expect(locationLink(run, { file: '/home/runner/x.ts' })).toBe('`/home/runner/x.ts`');
  });

  it('names the class and the workflow in the title, cut to a readable length', () => {
    const title = failureIssueTitle({ ...analysis, messages: ['m'.repeat(300)] }, 'CI');
    expect(title.startsWith('CI failure in CI: lint errors — mmm')).toBe(true);
    expect(Array.from(title).length).toBeLessThanOrEqual(120);
  });
});
