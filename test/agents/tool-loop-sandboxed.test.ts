/**
 * The built-in loop over the real sandboxed Workspace (a git repository in a temp folder): the tools
 * and the repo map work against the production implementation, and its refusals reach the model.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { fakeModel } from '@langchain/core/testing';
import { buildRepoMap, readConventions } from '../../app/agents/agent-context.js';
import { ToolLoopBackend } from '../../app/agents/tool-loop-backend.js';
import { DEFAULT_PRICES } from '../../app/models/price-table.js';
import { RunBudget } from '../../app/models/run-budget.js';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import type { Workspace } from '../../app/workspace/workspace.js';
import { makeRepo, makeTempDir, removeDir } from '../workspace/git-fixture.js';
import { callTool, contextFor, GREET_JS, PACKAGE_JSON, prompts, SECRET, TEST_JS } from './agent-fixtures.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeDir(dir);
  dir = undefined;
});

async function sandboxedRepo(): Promise<Workspace> {
  dir = await makeRepo(await makeTempDir('agent-loop'), {
    'src/greet.js': GREET_JS,
    'test.js': TEST_JS,
    'package.json': PACKAGE_JSON,
    'AGENTS.md': 'Run `node test.js` before finishing.\n',
    '.github/workflows/ci.yml': 'on: push\n',
  });
  return createWorkspace(
    { path: dir, branch: 'autodev/run1/greet-name' },
    { allowedCommands: ['node'], protectedPaths: [], allowWorkflowEdits: false, secrets: [SECRET] },
  );
}

describe('ToolLoopBackend over the sandboxed workspace', () => {
  it('edits, runs the gate and finishes; refusals come back as tool answers', async () => {
    const workspace = await sandboxedRepo();
    const model = fakeModel()
      .respond(callTool('search', { pattern: "return 'Hello'" }))
      .respond(callTool('write_file', { path: '.github/workflows/ci.yml', content: 'on: never\n' }))
      .respond(callTool('read_file', { path: '../outside.txt' }))
      .respond(
        callTool('edit_file', { path: 'src/greet.js', search: "'Hello'", replace: '`Hello, ${name}!`' }),
      )
      .respond(callTool('run_command', { program: 'node', args: ['test.js'] }))
      .respond(callTool('finish', { summary: 'done; node test.js: PASS' }));
    const context = contextFor(workspace, {
      repoMap: await buildRepoMap(workspace),
      conventions: await readConventions(workspace),
    });

    const outcome = await new ToolLoopBackend({
      model,
      choice: { provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 100 },
      budget: new RunBudget({ tokens: 1_000_000, dollars: 10 }),
      prices: DEFAULT_PRICES,
      prompts,
    }).run(context);

    expect(outcome).toMatchObject({ status: 'finished', summary: 'done; node test.js: PASS', turns: 6 });
    expect(context.repoMap).toContain('src/greet.js: greet');
    expect(context.conventions).toBe('# AGENTS.md\n\nRun `node test.js` before finishing.');
    const answers = (model.calls.at(-1)?.messages ?? [])
      .filter((m) => m.getType() === 'tool')
      .map((m) => m.text);
    expect(answers[0]).toBe("src/greet.js:2:   return 'Hello';");
    expect(answers[1]).toMatch(/^Refused \(forbidden-path\): /);
    expect(answers[2]).toMatch(/^Refused \(path-escape\): /);
    expect(answers[3]).toBe('Edited src/greet.js.');
    expect(answers[4]).toMatch(/exit code 0\nPASS/);
    expect(await workspace.readFile('src/greet.js')).toContain('`Hello, ${name}!`');
    expect(await workspace.readFile('.github/workflows/ci.yml')).toBe('on: push\n');
  });
});
