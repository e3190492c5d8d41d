/**
 * Planning with the real LLM planner inside the real app: the model is scripted (no LLM is reachable
 * here), everything else — prompt, validation, retries, graph checks, budget, keys, dispatch — is the
 * code that runs in production.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { BaseMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { AIMessage } from '@langchain/core/messages';
import { ModelRegistry } from '../../app/models/model-registry.js';
import { configuredPlanner } from '../../app/planning/configured-planner.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import { issueCommentCreated, type Target } from '../support/event-payloads.js';
import { commentAs, commentsOn, openIssueAs } from '../support/scenario.js';

const agents = readFileSync(new URL('../../.github/workflows/autodev-agents.yml', import.meta.url), 'utf8');
const scriptedConfig = 'models:\n  default: { provider: scripted, model: demo-planner }\n';
const repo = (name: string, config: string) => ({
  owner: 'octo-org',
  name,
  collaborators: { maintainer: 'write' as const },
  files: { '.github/autodev.yml': config, '.github/workflows/autodev-agents.yml': agents },
});
const seed: SimulatorSeed = {
  users: [{ login: 'maintainer' }],
  repositories: [
    repo('plans', scriptedConfig),
    repo('gated', `${scriptedConfig}requireApproval: true\n`),
    repo('tight', `${scriptedConfig}budget: { tokens: 50 }\n`),
    repo('priced', 'models:\n  default: { provider: openai, model: gpt-4o }\n'),
    repo('keyless', 'models:\n  planner: { provider: anthropic, model: claude-sonnet-4 }\n'),
  ],
};
const target = (name: string): Target => ({ owner: 'octo-org', repo: name, installationId: 1 });

/** Answers queued for the next planning call, and the prompts the model received. */
let answers: string[] = [];
const prompts: string[] = [];
const scripted = () => {
  const model = fakeModel();
  for (const answer of answers.splice(0)) {
    model.respond((messages: BaseMessage[]) => {
      prompts.push(messages.map((m) => String(m.content)).join('\n'));
      return new AIMessage({
        content: answer,
        usage_metadata: { input_tokens: 1000, output_tokens: 200, total_tokens: 1200 },
      });
    });
  }
  return model;
};
// openai is served by the scripted model too, so its list price applies and dollar budgets bite.
const registry = new ModelRegistry({ scripted, openai: scripted });

const task = (id: string, dependsOn: string[] = [], role = 'coder') => ({
  id,
  title: `Task ${id}`,
  role,
  description: `Do ${id}.`,
  files: [`src/${id}.ts`],
  dependsOn,
  acceptance: [`${id} works`],
  estimate: 30,
});
const prp = (tasks: object[]) =>
  JSON.stringify({
    goal: 'Users can sign in',
    why: 'Accounts need protecting',
    what: 'A login page and a session',
    context: '',
    acceptanceCriteria: ['a user can sign in', 'a wrong password is refused'],
    validationGates: [],
    strategy: 'feature-first',
    pattern: 'fork-join',
    tasks,
  });

let app: AppHarness;
beforeAll(async () => {
  app = await startAppHarness({ seed, planner: configuredPlanner({ registry, env: {} }) });
});
afterEach(() => {
  expect(app.github.violations).toEqual([]);
  answers = [];
});
afterAll(async () => app?.close());

async function ask(name: string, body: string, spec = 'Add a login page with a session cookie.') {
  const t = target(name);
  const issue = openIssueAs(app.github, t, 'maintainer', { title: 'Login', body: spec });
  const written = commentAs(app.github, t, issue.number, 'maintainer', body);
  await app.deliver(
    'issue_comment',
    issueCommentCreated(
      t,
      { number: issue.number, title: issue.title, body: spec },
      { id: written.id, body },
      { login: 'maintainer' },
    ),
  );
  const runs = await app.store.listRuns({ repo: { owner: t.owner, repo: t.repo } });
  const run = runs.find((r) => r.issueNumber === issue.number)!;
  const progress = commentsOn(app.github, t, issue.number).filter((c) => c.user === 'autodev[bot]');
  return {
    run,
    progress,
    issue: issue.number,
    dispatches: findRepository(app.github.state(), t.owner, t.repo)!.dispatches,
  };
}

describe('the LLM planner in the app', () => {
  it('a spec becomes a PRP whose checklist is the plan, and wave 1 is dispatched', async () => {
    answers = [prp([task('api'), task('page'), task('e2e', ['api', 'page'], 'tester')])];
    const { run, progress, dispatches } = await ask('plans', '/parallel-dev');
    expect(run.state).toBe('running');
    expect(run.tasks.map((t) => t.id)).toEqual(['api', 'page', 'e2e']);
    // feature-first: the page (frontend) waits for the API (backend).
    expect(run.tasks.find((t) => t.id === 'page')!.dependsOn).toContain('api');
    for (const id of ['api', 'page', 'e2e']) expect(progress[0]!.body).toContain(`Task ${id}`);
    expect(progress[0]!.body).toContain('a wrong password is refused');
    expect(run.tokens).toBe(1200);
    expect(JSON.parse(String(dispatches.at(-1)!.inputs['tasks']))).toEqual(['api']);
    // The spec reached the model fenced as data, not as instructions.
    expect(prompts.at(-1)).toMatch(/<untrusted-data-[0-9a-f]+[^>]*>[\s\S]*Add a login page/);
  });

  it('an invalid answer is retried with its errors, and a cyclic plan fails naming the cycle', async () => {
    const before = findRepository(app.github.state(), 'octo-org', 'plans')!.dispatches.length;
    answers = [
      'I think we should start with the API.',
      prp([task('a', ['b']), task('b', ['a'])]),
      prp([task('a', ['b']), task('b', ['a'])]),
    ];
    const { run, progress, dispatches } = await ask('plans', '/parallel-dev');
    expect(run.state).toBe('failed');
    expect(run.reason).toMatch(/a → b → a|b → a → b/);
    expect(progress[0]!.body).toMatch(/a → b → a|b → a → b/);
    expect(prompts.at(-1)).toMatch(/cycle/);
    expect(dispatches).toHaveLength(before);
    expect(run.tokens).toBe(3600);
  });

  it('a missing API key ends the run with a comment naming the variable, and nothing is dispatched', async () => {
    const { run, progress, dispatches } = await ask('keyless', '/parallel-dev');
    expect(run.state).toBe('failed');
    expect(run.reason).toContain('Set ANTHROPIC_API_KEY');
    expect(progress[0]!.body).toContain('ANTHROPIC\\_API\\_KEY');
    expect(dispatches).toEqual([]);
  });

  it('an exhausted budget makes no call and says how to raise it', async () => {
    answers = [prp([task('a')])];
    const calls = prompts.length;
    const { run, progress, dispatches } = await ask('priced', '/parallel-dev budget=0.001');
    expect(run.state).toBe('failed');
    expect(prompts.length).toBe(calls);
    expect(run.reason).toMatch(/budget/i);
    expect(run.reason).toContain('budget=');
    expect(progress[0]!.body).toContain('budget=');
    expect(dispatches).toEqual([]);

    const tokens = await ask('tight', '/parallel-dev');
    expect(tokens.run.state).toBe('failed');
    expect(tokens.run.reason).toContain('budget.tokens');
    expect(tokens.dispatches).toEqual([]);
  });

  it('/plan re-plans with the feedback and the previous plan; /approve starts it', async () => {
    answers = [prp([task('api'), task('page')])];
    const first = await ask('gated', '/parallel-dev');
    expect(first.run.state).toBe('awaiting-approval');
    const t = target('gated');
    answers = [prp([task('api'), task('page'), task('docs', ['api'], 'docs')])];
    const feedback = commentAs(app.github, t, first.issue, 'maintainer', '/plan add a docs task');
    await app.deliver(
      'issue_comment',
      issueCommentCreated(
        t,
        { number: first.issue, title: 'Login', body: 'x' },
        { id: feedback.id, body: '/plan add a docs task' },
        { login: 'maintainer' },
      ),
    );
    expect(prompts.at(-1)).toContain('add a docs task');
    expect(prompts.at(-1)).toContain('Task page');
    let run = await app.store.getRun(first.run.id);
    expect(run!.state).toBe('awaiting-approval');
    expect(run!.tasks.map((x) => x.id)).toEqual(['api', 'page', 'docs']);
    expect(first.dispatches).toEqual([]);

    const approve = commentAs(app.github, t, first.issue, 'maintainer', '/approve');
    await app.deliver(
      'issue_comment',
      issueCommentCreated(
        t,
        { number: first.issue, title: 'Login', body: 'x' },
        { id: approve.id, body: '/approve' },
        { login: 'maintainer' },
      ),
    );
    run = await app.store.getRun(first.run.id);
    expect(run!.state).toBe('running');
    expect(first.dispatches).toHaveLength(1);
  });
});
