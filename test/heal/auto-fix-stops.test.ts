/**
 * When autoFix stops without a fix, and why: the attempt cap, no healer and no agent allowed, a failure
 * that does not reproduce, a command the sandbox will not run. A real project whose `npm test`
 * (node --test) fails; nothing is committed in any of these.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { autoFix } from '../../app/heal/auto-fix.js';
import { git, GREETER_FILES, WRONG_FIX } from '../agent-task/task-fixtures.js';
import { failAndAnalyse, projects, PromptedScript, toolEnv } from './heal-fixtures.js';

const config = autodevConfigSchema.parse({});
const repos = projects();
const project = (files: Record<string, string>) => repos.make(files);

afterAll(() => repos.removeAll());

describe('autoFix stopping', () => {
  it('stops at the attempt cap with the reason, committing nothing', async () => {
    const repo = await project(GREETER_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm test');
    expect(analysis.class).toBe('test_failure');
    const agent = new PromptedScript([{ actions: [{ write: 'src/greet.js', content: WRONG_FIX }] }]);
    const head = await git(repo.clone, 'rev-parse', 'HEAD');

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'npm test',
      config: autodevConfigSchema.parse({ autoFix: { attempts: 5 } }),
      attempts: 2,
      agent,
      env: toolEnv(),
    });

    expect(result.fixed).toBe(false);
    expect(result.attempts.map((a) => [a.attempt, a.of, a.kind, a.verification?.exitCode])).toEqual([
      [1, 2, 'agent', 1],
      [2, 2, 'agent', 1],
    ]);
    expect(result.reason).toMatch(
      /^stopped after 2 attempts \(the cap; set autoFix\.attempts or `\/auto-fix attempts=N`\): `npm test` still fails with exit code 1: /,
    );
    expect(result.commits).toEqual([]);
    expect(result.modelCalls).toBe(2);
    expect(await git(repo.clone, 'rev-parse', 'HEAD')).toBe(head);
    // The second try was told what the first one left failing.
    expect(agent.prompts[1]).toContain('the failing command after attempt 1');
  }, 30_000);

  it('says why it stopped when no healer applies and no agent may run', async () => {
    const repo = await project(GREETER_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm test');

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'npm test',
      config,
      noAgentReason: 'an agent never runs on a fork’s code, which holds no secrets here',
      env: toolEnv(),
    });

    expect(result).toMatchObject({ fixed: false, attempts: [], modelCalls: 0, commits: [] });
    expect(result.reason).toBe(
      'No deterministic healer applies to this test failure, and an agent never runs on a fork’s code, which holds no secrets here; `npm test` still fails (exit 1).',
    );
  }, 30_000);

  it('changes nothing when the failure does not reproduce in the checkout', async () => {
    const repo = await project(GREETER_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm test');
    const agent = new PromptedScript([{ actions: [] }]);

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'node --version',
      config,
      agent,
      env: toolEnv(),
    });

    expect(result).toMatchObject({ fixed: false, attempts: [], baseline: { exitCode: 0 } });
    expect(result.reason).toMatch(
      /^`node --version` passes in a fresh checkout of the failed commit, so the failure did not reproduce/,
    );
    expect(agent.prompts).toEqual([]);
  }, 30_000);

  it('refuses to re-run a command the sandbox does not allow, before changing anything', async () => {
    const repo = await project(GREETER_FILES);
    const analysis = failAndAnalyse(repo.clone, 'npm test');

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'make check',
      config,
      env: toolEnv(),
    });

    expect(result.fixed).toBe(false);
    expect(result.reason).toMatch(
      /^autodev cannot re-run the failing command: `make` is not in allowedCommands/,
    );
  }, 30_000);
});
