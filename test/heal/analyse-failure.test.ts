/**
 * The failure analyser against the real-log corpus (test/fixtures/ci-logs, made by make-ci-log-corpus.ts
 * from real tsc, jest, eslint, prettier, node and npm runs), and against output made fresh in the test
 * itself so the corpus cannot silently go stale.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyseFailure, analyseJobLog } from '../../app/heal/analyse-failure.js';
import { FAILURE_CLASSES, type FailureLocation } from '../../app/heal/failure-analysis.js';
import { formatActionsLog, runStep } from './actions-log-writer.js';

interface ManifestCase {
  file: string;
  job: string;
  command: string;
  class: string;
  fixable: boolean;
  location?: FailureLocation;
  sameFailureAs?: string;
}

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/ci-logs');
const manifest = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as {
  cases: Record<string, ManifestCase>;
};
const cases = Object.entries(manifest.cases);
const ESC = String.fromCharCode(27);
const logOf = (name: string): string =>
  readFileSync(path.join(CORPUS, manifest.cases[name]?.file ?? ''), 'utf8');
const analysed = new Map(
  cases.map(([name, c]) => [name, analyseJobLog({ jobName: c.job, log: logOf(name) })] as const),
);
const analysisOf = (name: string) => {
  const analysis = analysed.get(name);
  if (!analysis) throw new Error(`no corpus case ${name}`);
  return analysis;
};

describe('the real-log corpus', () => {
  const correct = cases.filter(([name, c]) => {
    const a = analysisOf(name);
    return a.class === c.class && a.fixableWithoutModel === c.fixable;
  });

  it(`classifies all ${cases.length} corpus logs correctly (${correct.length}/${cases.length})`, () => {
    const wrong = cases
      .filter(([name]) => !correct.some(([ok]) => ok === name))
      .map(([name, c]) => `${name}: expected ${c.class}, got ${analysisOf(name).class}`);
    expect(wrong).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map(([, c]) => c.class))).toEqual(new Set(FAILURE_CLASSES));
  });

  it.each(cases)('%s: class, fixability, location and failing command', (name, c) => {
    const a = analysisOf(name);
    expect({ class: a.class, fixable: a.fixableWithoutModel }).toEqual({
      class: c.class,
      fixable: c.fixable,
    });
    if (c.location) expect(a.locations).toContainEqual(c.location);
    expect(a.command).toBe(c.command);
    expect(a.step).toBe(`Run ${c.command}`);
    expect(a.jobName).toBe(c.job);
  });

  it('gives clean messages, repository-relative locations and a short excerpt for every log', () => {
    const problems: string[] = [];
    for (const [name] of cases) {
      const a = analysisOf(name);
      if (a.messages.length === 0) problems.push(`${name}: no message`);
      for (const message of a.messages) {
        if (message.includes(ESC) || /##\[|^\d{4}-\d{2}-\d{2}T|\/tmp\//.test(message))
          problems.push(`${name}: message ${message}`);
      }
      for (const loc of a.locations) {
        if (/^\/|tmp|runner|node_modules/.test(loc.file)) problems.push(`${name}: location ${loc.file}`);
      }
      if (
        a.excerpt.split('\n').length > 60 ||
        a.excerpt.includes(ESC) ||
        /^\d{4}-\d{2}-\d{2}T/m.test(a.excerpt)
      ) {
        problems.push(`${name}: excerpt`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the same failure captured at another time and path the same signature', () => {
    const pairs = cases.filter(([, c]) => c.sameFailureAs !== undefined);
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    for (const [again, c] of pairs) {
      const first = c.sameFailureAs ?? '';
      expect(logOf(again)).not.toEqual(logOf(first));
      expect({ again, signature: analysisOf(again).signature }).toEqual({
        again,
        signature: analysisOf(first).signature,
      });
    }
  });

  it('gives different failures different signatures', () => {
    const originals = cases.filter(([, c]) => c.sameFailureAs === undefined).map(([name]) => name);
    const bySignature = new Map<string, string[]>();
    for (const name of originals) {
      const signature = analysisOf(name).signature;
      bySignature.set(signature, [...(bySignature.get(signature) ?? []), name]);
    }
    expect([...bySignature.values()].filter((names) => names.length > 1)).toEqual([]);
    for (const name of originals) expect(analysisOf(name).signature).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rates severity by what failed: npm audit severities, a bare cancellation lowest', () => {
    expect(analysisOf('npm-audit-critical').severity).toBe('critical');
    expect(analysisOf('npm-audit-high').severity).toBe('high');
    expect(analysisOf('job-timeout').severity).toBe('medium');
    expect(analysisOf('cancelled').severity).toBe('low');
    expect(analysisOf('eslint-fixable').severity).toBe('low');
  });

  it('names the advisories of an npm audit failure', () => {
    expect(analysisOf('npm-audit-high').messages.join('\n')).toContain('Command Injection in lodash');
    expect(analysisOf('npm-audit-critical').messages.join('\n')).toContain('Prototype Pollution in minimist');
  });

  it('keeps the runtime error message and the time limit text', () => {
    expect(analysisOf('node-type-error').messages[0]).toBe(
      "TypeError: Cannot read properties of undefined (reading 'name')",
    );
    expect(analysisOf('job-timeout').messages).toContain(
      'The job running on runner GitHub Actions 7 has exceeded the maximum execution time of 1 minutes.',
    );
  });
});

describe('analyseFailure over the failed jobs of a run', () => {
  it('names the run by the job that failed, not the sibling that was cancelled', () => {
    const run = analyseFailure([
      { jobName: 'e2e', log: logOf('cancelled') },
      { jobName: 'test', log: logOf('jest-assertion') },
    ]);
    expect(run.class).toBe('test_failure');
    expect(run.jobName).toBe('test');
  });

  it('prefers the most telling failure when several jobs failed', () => {
    const run = analyseFailure([
      { jobName: 'build', log: logOf('npm-missing-script') },
      { jobName: 'typecheck', log: logOf('tsc-type-error') },
    ]);
    expect(run.class).toBe('type_error');
  });

  it('asks for at least one log', () => {
    expect(() => analyseFailure([])).toThrow(/at least one failed job/);
  });

  it('reads the same log with CRLF line ends, as `gh run view --log` prints it, and without markers', () => {
    const log = logOf('tsc-type-error');
    const expected = analysisOf('tsc-type-error');
    const crlf = analyseJobLog({ jobName: 'typecheck', log: log.replace(/\n/g, '\r\n') });
    expect(crlf).toEqual(expected);

    const gh = log
      .split('\n')
      .map((line) => (line ? `typecheck\tTypecheck\t${line}` : line))
      .join('\n');
    const fromGh = analyseJobLog({ jobName: 'typecheck', log: gh });
    expect({ ...fromGh, step: undefined }).toEqual({ ...expected, step: undefined });
    expect(fromGh.step).toBe('Typecheck');

    const plain = log
      .split('\n')
      .map((line) => line.replace(/^\S+Z /, ''))
      .filter((line) => !line.startsWith('##['))
      .join('\n');
    const fromPlain = analyseJobLog({ jobName: 'typecheck', log: plain });
    expect(fromPlain.class).toBe('type_error');
    expect(fromPlain.locations).toContainEqual({ file: 'src/cart.ts', line: 7, column: 14 });
    expect(fromPlain.signature).toBe(expected.signature);
  });
});

describe('fresh output, made in the test', () => {
  it('classifies what tsc and node print right now on a broken project', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'analyse-live-'));
    try {
      const dir = path.join(root, 'work/shop/shop');
      await mkdir(path.join(dir, 'src'), { recursive: true });
      await writeFile(
        path.join(dir, 'tsconfig.json'),
        // lib es5 without the DOM keeps tsc at a fraction of a second of CPU.
        JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, types: [], lib: ['es5'], skipLibCheck: true },
          include: ['src'],
        }),
      );
      await writeFile(path.join(dir, 'src/total.ts'), "export const total: number = 'twelve';\n");
      await writeFile(
        path.join(dir, 'src/run.js'),
        "const order = undefined;\nconsole.log('start');\nconsole.log(order.id);\n",
      );
      const clock = Date.now();
      const tsc = await runStep('tsc -p tsconfig.json', dir);
      const node = await runStep('node src/run.js', dir);
      const tscLog = formatActionsLog([{ kind: 'run', run: tsc }], clock);
      const nodeLog = formatActionsLog([{ kind: 'run', run: node }], clock);

      const typeError = analyseJobLog({ jobName: 'typecheck', log: tscLog });
      expect(typeError).toMatchObject({
        class: 'type_error',
        command: 'tsc -p tsconfig.json',
        fixableWithoutModel: false,
      });
      expect(typeError.locations).toEqual([{ file: 'src/total.ts', line: 1, column: 14 }]);

      const runtime = analyseJobLog({ jobName: 'smoke', log: nodeLog });
      expect(runtime).toMatchObject({ class: 'runtime_error', command: 'node src/run.js' });
      expect(runtime.messages[0]).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'id'\)/);
      expect(runtime.locations).toEqual([{ file: 'src/run.js', line: 3, column: 19 }]);
      const onRunner = nodeLog.replaceAll(dir, '/home/runner/work/shop/shop');
      expect(onRunner).not.toEqual(nodeLog);
      expect(analyseJobLog({ jobName: 'smoke', log: onRunner }).signature).toBe(runtime.signature);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 15000);
});
