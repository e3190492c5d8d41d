/**
 * autoFix on a real project whose `npm run lint` (eslint, then prettier --check) fails: the real
 * analyser classifies the real output, prettier and eslint --fix run, and the lint is re-run after each;
 * no model is called.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { autoFix, type AutoFixAttempt } from '../../app/heal/auto-fix.js';
import { git } from '../agent-task/task-fixtures.js';
import { failAndAnalyse, packageJson, projects, PromptedScript, toolEnv } from './heal-fixtures.js';

const config = autodevConfigSchema.parse({});
const repos = projects();
const project = (files: Record<string, string>) => repos.make(files);

afterAll(() => repos.removeAll());

const LINT_FILES = {
  'package.json': packageJson({
    type: 'module',
    scripts: { lint: 'eslint src && prettier --check src' },
    devDependencies: { eslint: '^9.0.0', prettier: '^3.0.0' },
  }),
  'eslint.config.js': "export default [{ files: ['**/*.js'], rules: { 'prefer-const': 'error' } }];\n",
  '.prettierrc.json': '{ "singleQuote": true }\n',
  'src/sum.js': 'let offset = 0\nexport function sum(a,b){ return a+b+offset }\n',
};

describe('autoFix with the deterministic healers', () => {
  it('fixes a lint failure with prettier and eslint --fix, verified by the real lint, with no model call', async () => {
    const repo = await project(LINT_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm run lint', 'lint');
    expect(analysis.class).toBe('lint_error');
    const agent = new PromptedScript([{ actions: [] }]);
    const seen: AutoFixAttempt[] = [];

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'npm run lint',
      config,
      agent,
      env: toolEnv(),
      onAttempt: (attempt) => void seen.push(attempt),
    });

    expect(result).toMatchObject({ fixed: true, modelCalls: 0, fixedBy: { kind: 'healer', name: 'eslint' } });
    expect(result.reason).toMatch(/fixed by prettier \+ eslint on attempt 2/);
    expect(agent.prompts).toHaveLength(0);
    expect(seen.map((a) => [a.kind, a.name, a.changed, a.verification?.exitCode])).toEqual([
      ['healer', 'prettier', ['src/sum.js'], 1],
      ['healer', 'eslint', ['src/sum.js'], 0],
    ]);
    expect(result.attempts).toEqual(seen);
    // The commit is on the checkout's branch, and the lint really passes on it from a clean tree.
    expect(result.commits).toHaveLength(1);
    expect(await git(repo.clone, 'rev-parse', 'HEAD')).toBe(result.commits[0]);
    expect(await git(repo.clone, 'status', '--porcelain')).toBe('');
    expect(await git(repo.clone, 'log', '-1', '--format=%s')).toBe('fix(ci): apply eslint --fix');
    expect(await readFile(join(repo.clone, 'src/sum.js'), 'utf8')).toBe(
      'const offset = 0;\nexport function sum(a, b) {\n  return a + b + offset;\n}\n',
    );
  }, 60_000);
});
