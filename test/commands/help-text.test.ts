import { describe, expect, it } from '@jest/globals';
import type { CommandError } from '../../app/commands/command.js';
import { COMMAND_NAMES, COMPLEXITIES, STRATEGIES } from '../../app/commands/command.js';
import { renderCommandError, renderHelp } from '../../app/commands/help-text.js';
import { COMMAND_KEYS, parseCommand } from '../../app/commands/parse-command.js';

const opts = { maxInstances: 4 };

function errorOf(text: string): CommandError {
  const result = parseCommand(text, opts);
  if (result === null || result.ok) throw new Error(`expected an error from ${text}`);
  return result.error;
}

/** The commands shown as `Example: `…`` lines in a help or error text. */
function examples(markdown: string): string[] {
  return [...markdown.matchAll(/(?:Example: |for example |Write just )`([^`]+)`/g)].map((m) => m[1] ?? '');
}

describe('renderHelp', () => {
  const help = renderHelp(opts);

  it('documents every command with its syntax', () => {
    for (const name of COMMAND_NAMES) expect(help).toContain(`\`/${name}`);
  });

  it('lists every key, strategy and complexity', () => {
    for (const key of Object.values(COMMAND_KEYS).flat()) expect(help).toContain(`${key}=`);
    for (const value of [...STRATEGIES, ...COMPLEXITIES]) expect(help).toContain(value);
  });

  it('gives one example per command, and every example parses to that command', () => {
    const shown = examples(help);
    expect(shown.map((text) => text.split(' ')[0])).toEqual(COMMAND_NAMES.map((name) => `/${name}`));
    for (const text of shown) expect(parseCommand(text, opts)).toMatchObject({ ok: true });
  });

  it('keeps the /parallel-dev example within a repo that allows one agent', () => {
    for (const text of examples(renderHelp({ maxInstances: 1 }))) {
      expect(parseCommand(text, { maxInstances: 1 })).toMatchObject({ ok: true });
    }
  });

  it("states this repo's instances limit", () => {
    expect(renderHelp({ maxInstances: 12 })).toContain('from 1 to 12');
  });
});

describe('renderCommandError', () => {
  it('answers an unknown command with the help text', () => {
    const reply = renderCommandError(errorOf('/frobnicate'), opts);
    expect(reply.startsWith('`/frobnicate` is not an autodev command.\n\n')).toBe(true);
    expect(reply).toContain(renderHelp(opts));
  });

  it('names the valid keys for an unknown key', () => {
    const reply = renderCommandError(errorOf('/parallel-dev colour=red'), opts);
    expect(reply).toContain('`colour`');
    expect(reply).toContain('`feature`, `strategy`, `instances`, `complexity`, `budget`');
  });

  it('names the expected values for an invalid value', () => {
    const reply = renderCommandError(errorOf('/parallel-dev strategy=yolo'), opts);
    expect(reply).toContain('`yolo`');
    expect(reply).toContain('one of waterfall, agile, feature-first, test-driven, risk-driven');
  });

  it('shows how to write a command that misses its argument', () => {
    const reply = renderCommandError(errorOf('/retry'), opts);
    expect(reply).toContain('`<task-id>`');
    expect(reply).toContain('/retry t3');
  });

  it('explains a syntax error and suggests the fix', () => {
    const reply = renderCommandError(errorOf('/parallel-dev agile'), opts);
    expect(reply).toContain('`strategy=agile`');
    expect(reply).toContain('/parallel-dev [feature=');
  });

  it('ends every reply about a known command with a parsing example', () => {
    const texts = ['/parallel-dev x=1', '/auto-fix attempts=0', '/retry', '/approve now', '/parallel-dev "x'];
    for (const text of texts) {
      const shown = examples(renderCommandError(errorOf(text), opts));
      expect(shown).toHaveLength(1);
      expect(parseCommand(shown[0] ?? '', opts)).toMatchObject({ ok: true });
    }
  });

  it('cannot be made to ping or break out of code by the echoed text', () => {
    const reply = renderCommandError(errorOf('/parallel-dev feature="x" strategy=`@org/team`'), opts);
    expect(reply).toContain('`` `@org/team` ``');
    expect(reply.replace(/``[^`]*``|`[^`]*`/g, '')).not.toContain('@org');
  });
});
