/**
 * autoFix on a real project whose `npm run typecheck` fails with a type error no healer fixes: a
 * scripted agent gets the auto-fix prompt with the log fenced as untrusted data, writes the fix, and
 * real tsc verifies it before it is committed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { autoFix } from '../../app/heal/auto-fix.js';
import { git } from '../agent-task/task-fixtures.js';
import { failAndAnalyse, packageJson, projects, PromptedScript, toolEnv } from './heal-fixtures.js';

const config = autodevConfigSchema.parse({});
const repos = projects();
const project = (files: Record<string, string>) => repos.make(files);

afterAll(() => repos.removeAll());

const TYPED_FILES = {
  'package.json': packageJson({ scripts: { typecheck: 'tsc --noEmit -p .' } }),
  'tsconfig.json': `${JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      lib: ['es2022'],
      types: [],
      skipLibCheck: true,
    },
    include: ['src'],
  })}\n`,
  'src/total.ts': 'export function total(prices: number[]): number {\n  return prices.join("+");\n}\n',
};
const TYPED_FIX =
  'export function total(prices: number[]): number {\n  return prices.reduce((a, b) => a + b, 0);\n}\n';

describe('autoFix with an agent', () => {
  it('hands a type error to the agent with the log fenced in the auto-fix prompt, and verifies with real tsc', async () => {
    const repo = await project(TYPED_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm run typecheck', 'typecheck');
    expect(analysis.class).toBe('type_error');
    const agent = new PromptedScript([{ actions: [{ write: 'src/total.ts', content: TYPED_FIX }] }]);

    const result = await autoFix({
      dir: repo.clone,
      branch: 'feature/totals',
      analysis,
      failingCommand: 'npm run typecheck',
      config,
      agent,
      target: 'pull request #34',
      issueNumber: 34,
      env: toolEnv(),
    });

    expect(result).toMatchObject({
      fixed: true,
      modelCalls: 1,
      fixedBy: { kind: 'agent', name: 'scripted' },
    });
    expect(result.attempts.map((a) => [a.kind, a.verification?.exitCode])).toEqual([['agent', 0]]);
    const [prompt] = agent.prompts;
    // The auto-fix template, not the coder's, with the tsc error inside an untrusted-data fence.
    expect(prompt).toContain('You are the auto-fix agent of autodev');
    expect(prompt).toContain('Failing command: `npm run typecheck`');
    expect(prompt).toContain('Target: pull request #34');
    expect(prompt).toMatch(
      /<untrusted-data-\w+ source="the log of the failed CI job 'typecheck'">[\s\S]*TS2322[\s\S]*<\/untrusted-data-\w+>/,
    );
    expect(await git(repo.clone, 'log', '-1', '--format=%B')).toMatch(
      /^fix\(ci\): type error: [\s\S]*Refs #34\nautodev-auto-fix: /,
    );
  }, 60_000);
});
