/** The scripted backend: fixed workspace actions per attempt, and a record of what each attempt was given. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ScriptedBackend } from '../../app/agents/scripted-backend.js';
import { contextFor, GREET_JS, PACKAGE_JSON, SECRET, TEST_JS } from './agent-fixtures.js';
import { tempWorkspace } from './temp-workspace.js';
import type { TempWorkspace } from './temp-workspace.js';

let workspace: TempWorkspace;
afterEach(() => workspace?.remove());

describe('ScriptedBackend', () => {
  it('performs each attempt in order and records the feedback the retry was given', async () => {
    workspace = await tempWorkspace({
      'src/greet.js': GREET_JS,
      'test.js': TEST_JS,
      'package.json': PACKAGE_JSON,
    });
    const backend = new ScriptedBackend([
      { actions: [{ write: 'notes.md', content: 'first try\n' }] },
      {
        actions: [
          { edit: 'src/greet.js', search: "'Hello'", replace: '`Hello, ${name}!`' },
          { run: 'node', args: ['test.js'] },
        ],
        summary: 'fixed greet',
      },
    ]);

    const first = await backend.run(contextFor(workspace));
    const second = await backend.run(contextFor(workspace, { feedback: 'node test.js: FAIL Hello' }));

    expect(first).toEqual({
      status: 'finished',
      summary: 'wrote notes.md',
      tokens: 0,
      costUsd: 0,
      turns: 1,
      backend: 'scripted',
    });
    expect(second).toMatchObject({ status: 'finished', summary: 'fixed greet' });
    expect(await workspace.readFile('src/greet.js')).toContain('`Hello, ${name}!`');
    expect(workspace.commands).toEqual(['node test.js']);
    expect(backend.calls.map((c) => [c.attempt, c.feedback])).toEqual([
      [1, undefined],
      [2, 'node test.js: FAIL Hello'],
    ]);
  });

  it('stops at a refused action and reports it as an error, redacted', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const backend = new ScriptedBackend([
      {
        actions: [
          { write: 'ok.txt', content: SECRET },
          { write: '../escape.txt', content: 'x' },
          { write: 'never.txt', content: 'x' },
        ],
      },
    ]);

    const outcome = await backend.run(contextFor(workspace));

    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe(
      'wrote ok.txt\nwrote ../escape.txt refused (path-escape): ../escape.txt is outside the worktree; use a path inside it.',
    );
    expect(await workspace.listFiles()).toEqual(['a.txt', 'ok.txt']);
  });

  it('repeats the last attempt when retried more often than scripted', async () => {
    workspace = await tempWorkspace({ 'a.txt': 'a' });
    const backend = new ScriptedBackend([{ actions: [], status: 'gave-up', summary: 'no idea' }]);

    await backend.run(contextFor(workspace));
    const again = await backend.run(contextFor(workspace));

    expect(again).toMatchObject({ status: 'gave-up', summary: 'no idea' });
    expect(backend.calls).toHaveLength(2);
  });
});
