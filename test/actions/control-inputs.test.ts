/** The control action's pure parts: runner environment, delivery, log level, summary, planner switch. */
import { LlmPlanner } from '../../app/planning/llm-planner.js';
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogLevel } from '../../actions/control/src/actions-log.js';
import { renderSummary } from '../../actions/control/src/render-summary.js';
import { deliveryFromEvent, readRunnerEnv } from '../../actions/control/src/workflow-event.js';
import { plannerFromSpec } from '../../app/runtime/actions-runtime.js';
import { outlinePlanner } from '../../app/planner/scripted-planner.js';
import { aRun, runIn } from '../runs/run-fixtures.js';

const runnerEnv = {
  GITHUB_EVENT_NAME: 'issues',
  GITHUB_EVENT_PATH: '/tmp/event.json',
  GITHUB_REPOSITORY: 'acme/widgets',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '2',
};

describe('readRunnerEnv', () => {
  it('reads what the runner sets, with GitHub.com defaults', () => {
    expect(readRunnerEnv(runnerEnv)).toEqual({
      eventName: 'issues',
      eventPath: '/tmp/event.json',
      repository: { owner: 'acme', repo: 'widgets' },
      runId: '77',
      runAttempt: '2',
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      behindProxy: false,
    });
    expect(readRunnerEnv({ ...runnerEnv, https_proxy: 'http://proxy:3128' }).behindProxy).toBe(true);
  });

  it('says which variable is missing or malformed', () => {
    expect(() => readRunnerEnv({ ...runnerEnv, GITHUB_EVENT_PATH: '' })).toThrow(
      'GITHUB_EVENT_PATH is not set: this action runs only as a step of a GitHub Actions job',
    );
    expect(() => readRunnerEnv({ ...runnerEnv, GITHUB_REPOSITORY: 'widgets' })).toThrow('owner/name');
  });
});

describe('deliveryFromEvent', () => {
  it('is one delivery per workflow run attempt, for the payload repository', () => {
    const payload = { action: 'opened', repository: { name: 'gadgets', owner: { login: 'acme' } } };
    expect(deliveryFromEvent(readRunnerEnv(runnerEnv), payload)).toEqual({
      id: '77-2',
      event: 'issues',
      action: 'opened',
      repo: 'acme/gadgets',
      payload,
    });
    expect(deliveryFromEvent(readRunnerEnv(runnerEnv), {}).repo).toBe('acme/widgets');
  });
});

describe('parseLogLevel', () => {
  it('defaults to info and refuses what it does not know', () => {
    expect(parseLogLevel('')).toBe('info');
    expect(parseLogLevel(' DEBUG ')).toBe('debug');
    expect(() => parseLogLevel('verbose')).toThrow('log-level must be one of debug, info, warn, error');
  });
});

describe('renderSummary', () => {
  const input = { id: '77-2', event: 'issue_comment', action: 'created', repo: 'acme/widgets', payload: {} };

  it('names the run, its state, why, and links the progress comment', () => {
    const run = { ...runIn('failed'), commentId: 99 };
    expect(renderSummary(input, { kind: 'handled', run }, 'https://github.com')).toBe(
      [
        '### autodev',
        '',
        '- Event: `issue_comment.created` on acme/widgets',
        '- Outcome: handled',
        `- Run: \`${run.id}\` is **failed** ([progress](https://github.com/acme/widgets/issues/7#issuecomment-99))`,
        '- Why: agent crashed',
        '',
      ].join('\n'),
    );
  });

  it('says when the event asked for nothing', () => {
    expect(renderSummary(input, { kind: 'ignored', run: null }, 'https://github.com')).toContain(
      'nothing in this event asks autodev for anything',
    );
  });
});

describe('plannerFromSpec', () => {
  it('is the LLM planner by default, and the outline planner when asked for', async () => {
    expect(await plannerFromSpec(undefined)).toBeInstanceOf(LlmPlanner);
    expect(await plannerFromSpec('  ')).toBeInstanceOf(LlmPlanner);
    expect(await plannerFromSpec('outline')).toBe(outlinePlanner);
  });

  it('answers with the plan in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-plan-'));
    const plan = { goal: 'g', tasks: [{ id: 'a', title: 'A', role: 'coder', dependsOn: [] }] };
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    const planner = await plannerFromSpec(`scripted:${join(dir, 'plan.json')}`);
    expect(await planner.plan({ run: aRun(), config: {} as never })).toEqual(plan);
  });

  it('says what is wrong with the variable or the file', async () => {
    await expect(plannerFromSpec('openai')).rejects.toThrow(
      'AUTODEV_PLANNER must be outline or scripted:<path',
    );
    await expect(plannerFromSpec('scripted:/nope.json')).rejects.toThrow(
      'cannot read a plan from /nope.json',
    );
    const dir = await mkdtemp(join(tmpdir(), 'autodev-plan-'));
    await writeFile(join(dir, 'bad.json'), '{"tasks": 3}');
    await expect(plannerFromSpec(`scripted:${join(dir, 'bad.json')}`)).rejects.toThrow('is not a plan');
  });
});
