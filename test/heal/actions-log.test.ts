/**
 * The Actions job log parser: timestamps, ANSI colours, CRLF, step groups with their command header,
 * nested groups, markers, `gh run view --log` prefixes and plain logs; plus the path and message
 * normalisation the analyser's locations and signatures rest on.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { failedSteps, parseActionsLog, stripAnsi } from '../../app/heal/actions-log.js';
import { normaliseMessage, relativisePaths, repoRelativePath } from '../../app/heal/log-paths.js';

const stamp = (lines: string[]): string =>
  lines.map((line, i) => `2026-11-23T10:00:0${i % 10}.${String(1234567 + i)}Z ${line}`).join('\n');

describe('parseActionsLog', () => {
  it('splits a job into steps by their Run groups, the command from the step header', () => {
    const parsed = parseActionsLog(
      stamp([
        "Current runner version: '2.329.0'",
        '##[group]Run actions/checkout@v4',
        'with:',
        '  fetch-depth: 1',
        '##[endgroup]',
        'Syncing repository: acme/shop',
        '##[group]Run npm ci',
        '\u001b[36;1mnpm ci\u001b[0m',
        '\u001b[36;1mnpm run build --if-present\u001b[0m',
        'shell: /usr/bin/bash -e {0}',
        'env:',
        '  NODE_ENV: test',
        '##[endgroup]',
        'added 3 packages in 1s',
        '##[error]Process completed with exit code 1.',
        'Post job cleanup.',
        'Cleaning up orphan processes',
      ]),
    );
    expect(parsed.actionsFormat).toBe(true);
    expect(parsed.steps.map((s) => s.name)).toEqual([
      'Set up job',
      'Run actions/checkout@v4',
      'Run npm ci',
      'Post job cleanup',
    ]);
    const [, checkout, npm] = parsed.steps;
    expect(checkout?.command).toBeUndefined();
    expect(checkout?.lines).toEqual(['Syncing repository: acme/shop']);
    expect(npm?.command).toBe('npm ci\nnpm run build --if-present');
    expect(npm?.lines).toEqual(['added 3 packages in 1s', 'Process completed with exit code 1.']);
    expect(npm?.exitCode).toBe(1);
    expect(failedSteps(parsed).map((s) => s.name)).toEqual(['Run npm ci']);
  });

  it('keeps groups inside a step (an action’s own ##[group]) in that step', () => {
    const parsed = parseActionsLog(
      stamp([
        '##[group]Run actions/setup-node@v4',
        'with:',
        '  node-version: 20',
        '##[endgroup]',
        '##[group]Environment details',
        'node: v20.19.5',
        '##[endgroup]',
        '##[group]Run node --version',
        'node --version',
        'shell: /usr/bin/bash -e {0}',
        '##[endgroup]',
        'v20.19.5',
      ]),
    );
    expect(parsed.steps.map((s) => s.name)).toEqual(['Run actions/setup-node@v4', 'Run node --version']);
    expect(parsed.steps[0]?.lines).toEqual(['Environment details', 'node: v20.19.5']);
  });

  it('records error, warning and notice markers with their step; drops debug lines', () => {
    const parsed = parseActionsLog(
      stamp([
        '##[group]Run npm test',
        'npm test',
        'shell: /usr/bin/bash -e {0}',
        '##[endgroup]',
        '##[debug]Evaluating condition for step',
        '##[warning]Node.js 16 actions are deprecated.',
        '##[notice]Tests took long',
        'FAIL src/a.test.js',
        '##[error]Process completed with exit code 1.',
      ]),
    );
    expect(parsed.markers).toEqual([
      { kind: 'warning', message: 'Node.js 16 actions are deprecated.', step: 0, line: 0 },
      { kind: 'notice', message: 'Tests took long', step: 0, line: 1 },
      { kind: 'error', message: 'Process completed with exit code 1.', step: 0, line: 3 },
    ]);
    expect(parsed.steps[0]?.lines.join('\n')).not.toContain('Evaluating condition');
  });

  it('strips timestamps, ANSI colours, CR and a leading byte-order mark', () => {
    const log = `\uFEFF${stamp(['##[group]Run jest', 'jest', 'shell: /usr/bin/bash -e {0}', '##[endgroup]', '\u001b[1m\u001b[31mFAIL\u001b[39m\u001b[22m a.test.js'])}`;
    const parsed = parseActionsLog(log.replace(/\n/g, '\r\n'));
    expect(parsed.steps[0]?.lines).toEqual(['FAIL a.test.js']);
    expect(stripAnsi('\u001b]8;;https://x\u0007link\u001b]8;;\u0007 \u001b[36;1mcmd\u001b[0m')).toBe(
      'link cmd',
    );
  });

  it('reads `gh run view --log` output, taking step names from its second column', () => {
    const parsed = parseActionsLog(
      [
        'lint\tSet up job\t2026-11-23T10:00:00.1000000Z Current runner version: 2.329.0',
        'lint\tLint\t2026-11-23T10:00:01.1000000Z ##[group]Run npm run lint',
        'lint\tLint\t2026-11-23T10:00:01.1000000Z npm run lint',
        'lint\tLint\t2026-11-23T10:00:01.1000000Z shell: /usr/bin/bash -e {0}',
        'lint\tLint\t2026-11-23T10:00:01.1000000Z ##[endgroup]',
        'lint\tLint\t2026-11-23T10:00:02.1000000Z ✖ 1 problem (1 error, 0 warnings)',
        'lint\tLint\t2026-11-23T10:00:02.1000000Z ##[error]Process completed with exit code 1.',
      ].join('\n'),
    );
    expect(parsed.steps.map((s) => [s.name, s.command])).toEqual([
      ['Set up job', undefined],
      ['Lint', 'npm run lint'],
    ]);
    expect(failedSteps(parsed)[0]?.lines[0]).toBe('✖ 1 problem (1 error, 0 warnings)');
  });

  it('takes a plain log with no markers as one failed step', () => {
    const parsed = parseActionsLog('src/a.ts(1,7): error TS2322: no\nFound 1 error.\n');
    expect(parsed.actionsFormat).toBe(false);
    expect(failedSteps(parsed)).toEqual([
      { name: '', lines: ['src/a.ts(1,7): error TS2322: no', 'Found 1 error.'] },
    ]);
  });

  it('parses a corpus log of a lint job whose later steps were skipped', () => {
    const log = readFileSync(
      path.resolve(import.meta.dirname, '../fixtures/ci-logs/lint-job-later-steps-skipped.log'),
      'utf8',
    );
    const parsed = parseActionsLog(log);
    expect(parsed.steps.map((s) => s.name)).toEqual([
      'Set up job',
      'Run actions/checkout@v4',
      'Run actions/setup-node@v4',
      'Run npm ci',
      'Run npm run lint',
      'Post job cleanup',
      'Post job cleanup',
    ]);
    expect(failedSteps(parsed).map((s) => [s.name, s.exitCode])).toEqual([['Run npm run lint', 1]]);
    expect(log).toContain('##[debug]');
    expect(parsed.steps.flatMap((s) => s.lines).join('\n')).not.toContain('Evaluating condition');
  });
});

describe('repository-relative paths and normalised messages', () => {
  it.each([
    ['/home/runner/work/shop/shop/src/a.ts', 'src/a.ts'],
    ['/tmp/corpus-x/case/home/runner/work/shop/shop/src/a.ts', 'src/a.ts'],
    ['/__w/shop/shop/src/a.ts', 'src/a.ts'],
    ['/opt/actions-runner/_work/shop/shop/lib/b.js', 'lib/b.js'],
    ['D:\\a\\shop\\shop\\src\\a.ts', 'src/a.ts'],
    ['file:///home/runner/work/shop/shop/src/m.mjs', 'src/m.mjs'],
    ['/tmp/ci-Ab12Cd/test/x.test.js', 'test/x.test.js'],
    ['/var/folders/zz/abc123/T/ci-Q1/src/a.js', 'src/a.js'],
    ['./src/a.ts', 'src/a.ts'],
    ['src/a.ts', 'src/a.ts'],
  ])('%s → %s', (input, expected) => {
    expect(repoRelativePath(input)).toBe(expected);
  });

  it('rewrites paths inside a message but leaves URLs and relative paths alone', () => {
    expect(
      relativisePaths(
        "Cannot find module '/home/runner/work/shop/shop/src/x.js' imported from /tmp/ci-9/src/m.mjs",
      ),
    ).toBe("Cannot find module 'src/x.js' imported from src/m.mjs");
    expect(relativisePaths('see https://github.com/advisories/GHSA-1 and src/a/b.ts')).toBe(
      'see https://github.com/advisories/GHSA-1 and src/a/b.ts',
    );
  });

  it('normalises what changes from run to run and keeps what names the failure', () => {
    expect(
      normaliseMessage(
        '  at run (/home/runner/work/shop/shop/src/a.js:12:5) after 1.2 s at 2026-11-23T10:00:00.123Z',
      ),
    ).toBe('at run (src/a.js) after <duration> at <time>');
    expect(normaliseMessage('src/a.ts(3,7): error TS2322: Type')).toBe('src/a.ts: error TS2322: Type');
    expect(normaliseMessage('(node:4242) Warning in runs/123456789 after 45m0s')).toBe(
      '(node) Warning in <run> after <duration>',
    );
  });
});
