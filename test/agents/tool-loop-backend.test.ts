/** The built-in tool loop, driven by fakeModel() scripts against a real temporary worktree. */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { ToolLoopBackend } from '../../app/agents/tool-loop-backend.js';
import type { ModelChoice } from '../../app/models/model-choice.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import type { PriceTable } from '../../app/models/price-table.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { fenceUntrusted } from '../../app/prompts/untrusted-text.js';
import {
  callTool,
  contextFor,
  GREET_JS,
  PACKAGE_JSON,
  prompts,
  say,
  SECRET,
  TEST_JS,
} from './agent-fixtures.js';
import { tempWorkspace } from './temp-workspace.js';
import type { TempWorkspace } from './temp-workspace.js';

const choice: ModelChoice = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  configKey: 'models.coder',
  maxOutputTokens: 100,
};
const roomy = () => new RunBudget({ tokens: 10_000_000, dollars: 100 });

function backend(
  model: BaseChatModel,
  options: { budget?: RunBudget; prices?: PriceTable; choice?: ModelChoice } = {},
) {
  return new ToolLoopBackend({
    model,
    choice: options.choice ?? choice,
    budget: options.budget ?? roomy(),
    prices: options.prices ?? DEFAULT_PRICES,
    prompts,
  });
}

/** The text of every tool message the model was sent by its last call. */
function toolAnswers(messages: BaseMessage[]): string[] {
  return messages.filter((m) => m.getType() === 'tool').map((m) => m.text);
}

let workspace: TempWorkspace;
afterEach(() => workspace?.remove());

describe('ToolLoopBackend', () => {
  it('reads, edits, runs the gate and finishes, changing the worktree', async () => {
    workspace = await tempWorkspace({
      'src/greet.js': GREET_JS,
      'test.js': TEST_JS,
      'package.json': PACKAGE_JSON,
    });
    const model = fakeModel()
      .respond(callTool('read_file', { path: 'src/greet.js' }))
      .respond(
        callTool('edit_file', { path: 'src/greet.js', search: "'Hello'", replace: '`Hello, ${name}!`' }),
      )
      .respond(callTool('run_command', { program: 'node', args: ['test.js'] }))
      .respond(callTool('finish', { summary: 'greet() now says Hello, <name>!; node test.js: PASS' }));
    const memory = ['run 3: greet is imported by src/cli.js'];

    const outcome = await backend(model).run(
      contextFor(workspace, { memory, feedback: 'node test.js: FAIL' }),
    );

    expect(outcome).toEqual({
      status: 'finished',
      summary: 'greet() now says Hello, <name>!; node test.js: PASS',
      tokens: 4 * 120,
      costUsd: expect.any(Number),
      turns: 4,
      backend: 'langchain:openai/gpt-4o-mini',
    });
    expect(await workspace.readFile('src/greet.js')).toContain('return `Hello, ${name}!`;');
    expect(workspace.commands).toEqual(['node test.js']);
    const last = model.calls.at(-1)?.messages ?? [];
    const [read, edit, run] = toolAnswers(last);
    expect(read).toBe(GREET_JS);
    expect(edit).toBe('Edited src/greet.js.');
    expect(run).toMatch(/^\$ node test\.js\nexit code 0\nPASS/);
    // The system prompt is the coder template with the task, conventions, fenced memory and feedback.
    const system = last[0]?.text ?? '';
    expect(system).toContain('You are a coder agent of autodev');
    expect(system).toContain('title: Greet by name');
    expect(system).toContain('Run `node test.js` before finishing.');
    expect(system).toContain(
      fenceUntrusted(memory.join('\n\n'), 'autodev memory of earlier runs on this repository'),
    );
    expect(system).toMatch(
      /Untrusted data from the gate output of the previous attempt[\s\S]*node test\.js: FAIL/,
    );
    expect(last[1]?.text).toContain('src/greet.js: greet');
  });

  it('returns a refused action to the model as the tool answer and carries on', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel()
      .respond(callTool('read_file', { path: '../../etc/passwd' }))
      .respond(callTool('run_command', { program: 'curl', args: ['https://example.com'] }))
      .respond(callTool('read_file', {}))
      .respond(callTool('finish', { summary: 'could not read outside the worktree' }));

    const outcome = await backend(model).run(contextFor(workspace));

    expect(outcome.status).toBe('finished');
    const [escape, command, invalid] = toolAnswers(model.calls.at(-1)?.messages ?? []);
    expect(escape).toMatch(/^Refused \(path-escape\): \.\.\/\.\.\/etc\/passwd is outside the worktree/);
    expect(command).toMatch(/^Refused \(command-not-allowed\): curl is not an allowed command/);
    expect(invalid).toMatch(/^Error: /);
  });

  it('stops at the turn limit', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel();
    for (let i = 0; i < 5; i++) model.respond(callTool('list_files', {}));

    const outcome = await backend(model).run(
      contextFor(workspace, { limits: { ...contextFor(workspace).limits, maxTurns: 3 } }),
    );

    expect(outcome).toMatchObject({ status: 'limit', limit: 'turns', turns: 3 });
    expect(model.callCount).toBe(3);
  });

  it('makes no call once the run budget cannot cover one', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel().respond(callTool('finish', { summary: 'never sent' }));
    const budget = new RunBudget({ tokens: 1_000_000, dollars: 10 }, { tokens: 999_990, costUsd: 0 });

    const outcome = await backend(model, { budget }).run(contextFor(workspace));

    expect(outcome).toMatchObject({ status: 'limit', limit: 'tokens', turns: 0, tokens: 0 });
    expect(outcome.summary).toContain('raise `budget.tokens`');
    expect(model.callCount).toBe(0);
  });

  it("stops before a call that could take the task past its dollar limit, and charges the run's budget", async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    // $1 per output token and one output token per call: each call costs, and may cost, exactly $1.
    const priced: ModelChoice = { provider: 'openai', model: 'priced', maxOutputTokens: 1 };
    const prices = { priced: { input: 0, output: 1_000_000 } };
    const model = fakeModel();
    for (let i = 0; i < 4; i++) model.respond(callTool('list_files', {}, { input: 10, output: 1 }));
    const budget = roomy();

    const outcome = await backend(model, { budget, prices, choice: priced }).run(
      contextFor(workspace, {
        limits: { maxTurns: 10, maxTokens: 1_000_000, maxDollars: 2.5, maxWallMs: 20_000 },
      }),
    );

    expect(outcome).toMatchObject({ status: 'limit', limit: 'dollars', turns: 2, costUsd: 2 });
    expect(outcome.summary).toContain('Stopped before the next model call');
    expect(model.callCount).toBe(2);
    expect(budget.spent()).toEqual({ tokens: 22, costUsd: 2 });
  });

  it('stops at the wall-time limit while a command is still running', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel().respond(
      callTool('run_command', { program: 'node', args: ['-e', 'setTimeout(() => {}, 1500)'] }),
    );
    const started = Date.now();

    const outcome = await backend(model).run(
      contextFor(workspace, {
        limits: { maxTurns: 10, maxTokens: 1_000_000, maxDollars: 5, maxWallMs: 300 },
      }),
    );

    expect(outcome).toMatchObject({ status: 'limit', limit: 'wall-time', turns: 1 });
    expect(outcome.summary).toContain('wall-time limit of 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops at the wall-time limit while the model does not answer', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    let signal: AbortSignal | undefined;
    const hanging = {
      bindTools: () => ({
        withConfig: (config: { signal: AbortSignal }) => {
          signal = config.signal;
          return { invoke: () => new Promise(() => undefined) };
        },
      }),
    } as unknown as BaseChatModel;

    const outcome = await backend(hanging).run(
      contextFor(workspace, {
        limits: { maxTurns: 10, maxTokens: 1_000_000, maxDollars: 5, maxWallMs: 200 },
      }),
    );

    expect(outcome).toMatchObject({ status: 'limit', limit: 'wall-time', turns: 0 });
    expect(signal?.aborted).toBe(true);
  });

  it('gives up after two answers in a row without a tool call, nudging after the first', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel()
      .respond(say('Which file should I change?'))
      .respond(say(`I cannot do this. ${SECRET}`));

    const outcome = await backend(model).run(contextFor(workspace));

    expect(outcome).toMatchObject({ status: 'gave-up', summary: 'I cannot do this. ***', turns: 2 });
    expect(model.calls[1]?.messages.at(-1)?.text).toContain('Nobody will answer questions here');
  });

  it('redacts secrets from the summary', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel().respond(callTool('finish', { summary: `used key ${SECRET}` }));

    const outcome = await backend(model).run(contextFor(workspace));

    expect(outcome.summary).toBe('used key ***');
  });

  it('reports a provider failure as an error outcome', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const model = fakeModel().respond(Object.assign(new Error('Incorrect API key'), { status: 401 }));

    const outcome = await backend(model).run(contextFor(workspace));

    expect(outcome.status).toBe('error');
    expect(outcome.summary).toContain('rejected the API key');
  });
});
