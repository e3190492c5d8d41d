/**
 * The pure decisions around healing: which package an import error names, which healers apply, the
 * command a snapshot update runs, which command verifies a fix, where a fix goes (never a push to a
 * fork), and the commit message.
 */
import { describe, expect, it } from '@jest/globals';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { failingCommand } from '../../app/heal/failing-command.js';
import type { FailureAnalysis } from '../../app/heal/failure-analysis.js';
import { fixCommitMessage } from '../../app/heal/fix-commit-message.js';
import { publishPlan, type FixTarget } from '../../app/heal/fix-target.js';
import { addArgs, applicableHealers, updateSnapshotCommand } from '../../app/heal/healers.js';
import { missingPackages, packageOfSpecifier } from '../../app/heal/missing-package.js';
import type { RepoFacts } from '../../app/heal/repo-facts.js';

function analysis(fields: Partial<FailureAnalysis>): FailureAnalysis {
  return {
    class: 'test_failure',
    severity: 'medium',
    messages: [],
    locations: [],
    fixableWithoutModel: false,
    signature: 'sig',
    jobName: 'test',
    excerpt: '',
    ...fields,
  };
}

const facts: RepoFacts = {
  packageManager: 'npm',
  lockfile: 'package-lock.json',
  hasPackageJson: true,
  usesPrettier: true,
  usesEslint: true,
  usesJest: true,
  declared: new Set(['react']),
  localBins: new Set(),
  rootEntries: new Set(['src', 'package.json']),
};

describe('packageOfSpecifier', () => {
  it.each([
    ['lodash', 'lodash'],
    ['lodash/fp', 'lodash'],
    ['@scope/pkg/sub/path.js', '@scope/pkg'],
    ['./local.js', null],
    ['../up', null],
    ['/abs/path.js', null],
    ['node:fs', null],
    ['fs/promises', null],
    ['path', null],
    ['@/components/button', null],
    ['~/lib', null],
    ['Not_A_Package', null],
  ])('%s → %s', (specifier, name) => {
    expect(packageOfSpecifier(specifier)).toBe(name);
  });
});

describe('missingPackages', () => {
  it('reads node, tsc, jest, webpack, vite and esbuild messages, skipping resolved ESM file paths', () => {
    expect(
      missingPackages([
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'left-pad' imported from src/pad.js",
        "src/a.ts(1,20): error TS2307: Cannot find module 'zod' or its corresponding type declarations.",
        "Cannot find module '@acme/ui/button' from 'src/app.test.js'",
        "Module not found: Error: Can't resolve 'chalk' in 'src'",
        'Failed to resolve import "dayjs/plugin/utc.js" from "src/time.ts"',
        'Could not resolve "zod"',
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find module 'src/gone.js' imported from src/pad.js",
        "Cannot find module './helper' from 'src/a.test.js'",
      ]),
    ).toEqual(['left-pad', 'zod', '@acme/ui', 'chalk', 'dayjs']);
  });
});

describe('applicableHealers', () => {
  const config = autodevConfigSchema.parse({}).autoFix;

  it('picks prettier then eslint for a lint error, and only what the config enables', () => {
    const lint = analysis({ class: 'lint_error', locations: [{ file: 'src/a.js', line: 1 }] });
    expect(applicableHealers(lint, facts, config).map((h) => h.name)).toEqual(['prettier', 'eslint']);
    expect(applicableHealers(lint, facts, { ...config, healers: ['eslint'] }).map((h) => h.name)).toEqual([
      'eslint',
    ]);
    expect(applicableHealers(lint, { ...facts, usesPrettier: false }, config).map((h) => h.name)).toEqual([
      'eslint',
    ]);
  });

  it('adds a dependency only when the package is undeclared and not a folder of the repository', () => {
    const missing = (message: string) => analysis({ class: 'import_error', messages: [message] });
    const names = (a: FailureAnalysis) => applicableHealers(a, facts, config).map((h) => h.name);
    expect(names(missing("Cannot find package 'left-pad' imported from src/a.js"))).toEqual([
      'missing-dependency',
    ]);
    expect(names(missing("Cannot find module 'react'"))).toEqual([]);
    expect(names(missing("Cannot find module 'src/util'"))).toEqual([]);
  });

  it('updates snapshots only when autoFix.updateSnapshots allows it', () => {
    const snapshot = analysis({ messages: ['› 1 snapshot failed from 1 test suite.'] });
    expect(applicableHealers(snapshot, facts, config)).toEqual([]);
    expect(
      applicableHealers(snapshot, facts, { ...config, updateSnapshots: true }).map((h) => h.name),
    ).toEqual(['snapshots']);
  });

  it('refreshes an npm lockfile that is out of sync, but not a yarn one', () => {
    const stale = analysis({
      class: 'build_failure',
      messages: [
        'npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync.',
      ],
    });
    expect(applicableHealers(stale, facts, config).map((h) => h.name)).toEqual(['lockfile']);
    expect(applicableHealers(stale, { ...facts, packageManager: 'yarn' }, config)).toEqual([]);
  });
});

describe('package manager and snapshot commands', () => {
  it('never runs install scripts, and adds lockfile-only when nothing is installed', () => {
    expect(addArgs('npm', ['left-pad'], false)).toEqual([
      'install',
      '--save',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      'left-pad',
    ]);
    expect(addArgs('pnpm', ['a'], true)).toEqual(['add', 'a', '--ignore-scripts']);
  });

  it.each([
    ['npm test', ['npm', 'test', '--', '-u']],
    ['npm run test:unit -- --ci', ['npm', 'run', 'test:unit', '--', '--ci', '-u']],
    ['npx jest --ci', ['npx', 'jest', '--ci', '-u']],
    ['yarn test', ['yarn', 'test', '-u']],
  ])('%s updates snapshots as %j', (command, words) => {
    expect(updateSnapshotCommand(command)).toEqual(words);
  });
});

describe('failingCommand', () => {
  const gates = { lint: 'npm run lint', test: 'npm test' };

  it("re-runs the step's own command when it is one simple command line", () => {
    expect(failingCommand({ class: 'lint_error', command: 'npx eslint .' }, gates)).toEqual({
      ok: true,
      command: 'npx eslint .',
      from: 'log',
    });
  });

  it('falls back to the gate for the class when the step needs a shell', () => {
    expect(failingCommand({ class: 'lint_error', command: 'npm ci\nnpm run lint' }, gates)).toEqual({
      ok: true,
      command: 'npm run lint',
      from: 'gate',
    });
  });

  it('says which gate to set when neither works', () => {
    const result = failingCommand({ class: 'type_error', command: 'tsc && echo ok', step: 'Typecheck' }, {});
    expect(result).toEqual({
      ok: false,
      reason:
        'autodev cannot tell which command to re-run to verify a fix: the step "Typecheck" ran `tsc && echo ok`, which needs a shell, and no gate fits a type error. Set gates.typecheck in .github/autodev.yml (e.g. "npm run lint").',
    });
  });
});

describe('publishPlan', () => {
  const pr = (fork: boolean): FixTarget => ({
    kind: 'pull-request',
    number: 12,
    headRef: 'main',
    headSha: 'a'.repeat(40),
    headRepo: fork ? 'mona/app' : 'octo/app',
    baseRef: 'main',
    fork,
  });

  it("pushes onto a same-repository pull request's branch", () => {
    expect(publishPlan(pr(false))).toEqual({ kind: 'push', branch: 'main' });
  });

  it('opens a fix pull request from an autodev branch for a fork, never pushing to its branch', () => {
    expect(publishPlan(pr(true))).toEqual({
      kind: 'pull-request',
      branch: 'autodev/auto-fix/pr-12',
      base: 'main',
    });
  });

  it('opens a fix pull request into a failing branch rather than pushing to it', () => {
    expect(publishPlan({ kind: 'branch', branch: 'main', headSha: 'b'.repeat(40), fork: false })).toEqual({
      kind: 'pull-request',
      branch: 'autodev/auto-fix/main-bbbbbbb',
      base: 'main',
    });
  });
});

describe('fixCommitMessage', () => {
  it('names the fix in a fix(ci) subject and ties the commit to the failure', () => {
    expect(
      fixCommitMessage({
        analysis: {
          class: 'type_error',
          messages: ['src/a.ts(2,3): error TS2322: nope'],
          signature: 's1',
          jobName: 'ci',
        },
        failingCommand: 'npm run typecheck',
        steps: [{ kind: 'agent', name: 'scripted', summary: 'Returned a number.' }],
        refs: 34,
      }),
    ).toBe(
      'fix(ci): type error: src/a.ts(2,3): error TS2322: nope\n\n' +
        '`npm run typecheck` failed in the job "ci" and passes after:\n\n' +
        '- agent scripted: Returned a number.\n\n' +
        'Refs #34\nautodev-auto-fix: s1\n',
    );
  });
});
