/** The integrate action's input checks, its job summary (golden file) and the reason a step fails. */
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTaskIds, readIntegrateInputs } from '../../../actions/integrate/src/integrate-inputs.js';
import { integrationProblem, renderSummary } from '../../../actions/integrate/src/render-summary.js';
import type { IntegrationResult } from '../../../app/integrate/integrate-wave.js';

const result: IntegrationResult = {
  runId: 'rsum',
  branch: 'autodev/rsum/integration',
  head: '0123456789abcdef0123456789abcdef01234567',
  merges: [
    { taskId: 'api', status: 'merged', commit: 'aaaaaaaaaaaaaaaaaaaa', files: ['src/api.js'] },
    {
      taskId: 'ui',
      status: 'resolved',
      commit: 'bbbbbbbbbbbbbbbbbbbb',
      files: ['src/list.js'],
      note: 'the integrator resolved the conflicts in src/list.js: kept both | items',
    },
    {
      taskId: 'docs',
      status: 'conflicted',
      files: ['README.md'],
      note: 'conflicts in README.md not resolved',
    },
    { taskId: 'ghost', status: 'missing', note: 'origin has no branch autodev/rsum/ghost' },
  ],
  gates: [
    { name: 'lint', command: 'npm run lint', exitCode: 0, durationMs: 1200, outputTail: '', passed: true },
    { name: 'test', command: 'npm test', exitCode: 1, durationMs: 3400, outputTail: 'fail 1', passed: false },
  ],
  passed: false,
};

describe('integrate action inputs', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('reads the wave as a number and the tasks as a JSON array', () => {
    expect(
      readIntegrateInputs(inputs({ 'run-id': ' r1 ', wave: '2', 'plan-file': 'p.json', tasks: '["a","b"]' })),
    ).toEqual({ runId: 'r1', wave: 2, planFile: 'p.json', taskIds: ['a', 'b'], token: '', backend: '' });
    expect(parseTaskIds('  ')).toEqual([]);
  });

  it('says what to change when an input is wrong', () => {
    expect(() => readIntegrateInputs(inputs({ wave: 'two' }))).toThrow(
      'wave must be a whole number from 1, not "two"',
    );
    expect(() => parseTaskIds('a,b')).toThrow(
      'tasks must be a JSON array of task ids, like ["api","docs"], not "a,b"',
    );
    expect(() => parseTaskIds('[1]')).toThrow('tasks must be a JSON array of task ids');
  });
});

describe('integrate action report', () => {
  it('renders the job summary', async () => {
    const golden = await readFile(
      join(process.cwd(), 'test/actions/integrate/__golden__/summary.md'),
      'utf8',
    );
    expect(renderSummary(3, result)).toBe(golden);
  });

  it('fails the step for a conflict left or a failing gate, and only then', () => {
    expect(integrationProblem(result)).toBe(
      'not merged because of conflicts: docs (README.md); gates failed on the integrated tree: test (`npm test`)',
    );
    const clean = {
      ...result,
      merges: result.merges.filter((m) => m.status !== 'conflicted'),
      gates: [],
      passed: true,
    };
    expect(integrationProblem(clean)).toBeUndefined();
  });
});
