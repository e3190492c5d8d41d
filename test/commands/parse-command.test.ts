import { describe, expect, it } from '@jest/globals';
import type { CommandError } from '../../app/commands/command.js';
import { COMPLEXITIES, STRATEGIES } from '../../app/commands/command.js';
import { codeSpan, looksLikeCommand, parseCommand } from '../../app/commands/parse-command.js';

const opts = { maxInstances: 4 };

function command(text: string) {
  const result = parseCommand(text, opts);
  if (result === null || !result.ok) throw new Error(`expected a command from ${JSON.stringify(text)}`);
  return result.command;
}

function error(text: string, options = opts): CommandError {
  const result = parseCommand(text, options);
  if (result === null || result.ok) throw new Error(`expected an error from ${JSON.stringify(text)}`);
  return result.error;
}

describe('parseCommand: what counts as a command', () => {
  it.each([
    ['plain prose', 'Looks good to me'],
    ['empty body', ''],
    ['blank lines only', '\n  \r\n\t\n'],
    ['a path', '/usr/bin/foo'],
    ['a word followed by punctuation', '/approve.'],
    ['a slash with no word', '/ approve'],
    ['a word starting with a digit', '/3d'],
    ['a command later in the comment', 'Thanks!\n/approve'],
    ['a command in a backtick fence', '```\n/approve\n```'],
    ['a command in a tilde fence', '~~~sh\n/approve\n~~~'],
    ['a quoted command', '> /parallel-dev strategy=agile'],
    ['a 4-space indented command', '    /approve'],
    ['a tab-indented command', '\t/approve'],
    ['a URL', 'https://example.com/approve'],
  ])('%s is not a command', (_label, text) => {
    expect(parseCommand(text, opts)).toBeNull();
    expect(looksLikeCommand(text)).toBe(false);
  });

  it.each([
    ['leading blank lines', '\n\n   \n/approve', 'approve'],
    ['up to 3 spaces of indentation', '   /status', 'status'],
    ['CRLF line endings', '\r\n\r\n/cancel\r\nthanks', 'cancel'],
    ['upper case', '/APPROVE', 'approve'],
    ['mixed case with arguments', '/Parallel-Dev Strategy=Agile', 'parallel-dev'],
    ['a trailing tab', '/help\t', 'help'],
  ])('%s still reads as a command', (_label, text, name) => {
    expect(command(text).name).toBe(name);
    expect(looksLikeCommand(text)).toBe(true);
  });

  it('treats an unknown word as an unknown command, keeping how it was written', () => {
    expect(error('/Frobnicate now')).toEqual({ kind: 'unknown-command', command: 'Frobnicate' });
    expect(error('/usr')).toEqual({ kind: 'unknown-command', command: 'usr' });
  });
});

describe('parseCommand: /parallel-dev', () => {
  it('reads every key', () => {
    expect(
      command(
        '/parallel-dev feature="Add login page" strategy=agile instances=3 complexity=moderate budget=5',
      ),
    ).toEqual({
      name: 'parallel-dev',
      feature: 'Add login page',
      strategy: 'agile',
      instances: 3,
      complexity: 'moderate',
      budget: 5,
    });
  });

  it('takes no arguments at all, leaving every field absent', () => {
    expect(command('/parallel-dev')).toStrictEqual({ name: 'parallel-dev' });
  });

  it('accepts keys and enumerated values in any case', () => {
    expect(command('/parallel-dev STRATEGY=Test-Driven Complexity=ATOMIC')).toEqual({
      name: 'parallel-dev',
      strategy: 'test-driven',
      complexity: 'atomic',
    });
  });

  it.each(STRATEGIES)('accepts strategy=%s', (strategy) => {
    expect(command(`/parallel-dev strategy=${strategy}`)).toEqual({ name: 'parallel-dev', strategy });
  });

  it.each(COMPLEXITIES)('accepts complexity=%s', (complexity) => {
    expect(command(`/parallel-dev complexity=${complexity}`)).toEqual({ name: 'parallel-dev', complexity });
  });

  it.each([
    ['5', 5],
    ['2.50', 2.5],
    ['$12', 12],
    ['.75', 0.75],
    ['1e2', 100],
  ])('reads budget=%s as %d dollars', (raw, dollars) => {
    expect(command(`/parallel-dev budget=${raw}`)).toEqual({ name: 'parallel-dev', budget: dollars });
  });

  it('accepts instances up to maxInstances and no further', () => {
    expect(command('/parallel-dev instances=4')).toEqual({ name: 'parallel-dev', instances: 4 });
    expect(error('/parallel-dev instances=5')).toEqual({
      kind: 'invalid-value',
      command: 'parallel-dev',
      key: 'instances',
      value: '5',
      expected: 'a whole number from 1 to 4',
    });
  });

  it.each([
    ['strategy', 'yolo', 'one of waterfall, agile, feature-first, test-driven, risk-driven'],
    ['complexity', 'huge', 'one of atomic, simple, moderate, complex, enterprise'],
    ['instances', '0', 'a whole number from 1 to 4'],
    ['instances', '2.5', 'a whole number from 1 to 4'],
    ['instances', '-1', 'a whole number from 1 to 4'],
    ['instances', '99999999999999999999999', 'a whole number from 1 to 4'],
    ['budget', '0', 'a positive number of dollars, e.g. 5 or 2.50'],
    ['budget', '-5', 'a positive number of dollars, e.g. 5 or 2.50'],
    ['budget', 'lots', 'a positive number of dollars, e.g. 5 or 2.50'],
    ['budget', '9'.repeat(400), 'a positive number of dollars, e.g. 5 or 2.50'],
    ['feature', '"   "', 'a non-empty description'],
    ['strategy', '', 'one of waterfall, agile, feature-first, test-driven, risk-driven'],
  ])('rejects %s=%s', (key, raw, expected) => {
    const err = error(`/parallel-dev ${key}=${raw}`);
    expect(err).toMatchObject({ kind: 'invalid-value', command: 'parallel-dev', key, expected });
  });

  it('says "the whole number 1" when only one agent is allowed', () => {
    expect(error('/parallel-dev instances=2', { maxInstances: 1 })).toMatchObject({
      expected: 'the whole number 1',
    });
  });

  it('names the valid keys for an unknown key', () => {
    expect(error('/parallel-dev Colour=red')).toEqual({
      kind: 'unknown-key',
      command: 'parallel-dev',
      key: 'Colour',
      validKeys: ['feature', 'strategy', 'instances', 'complexity', 'budget'],
    });
  });
});

describe('parseCommand: quoting', () => {
  it.each([
    ['double quotes', `/parallel-dev feature="Add a login page"`, 'Add a login page'],
    ['single quotes', `/parallel-dev feature='Add a login page'`, 'Add a login page'],
    ['an escaped double quote', String.raw`/parallel-dev feature="Say \"hi\""`, 'Say "hi"'],
    ['an escaped single quote', String.raw`/parallel-dev feature='it\'s done'`, "it's done"],
    ['the other quote kind inside', `/parallel-dev feature="it's done"`, "it's done"],
    ['an escaped backslash', String.raw`/parallel-dev feature="C:\\dir\\"`, 'C:\\dir\\'],
    ['a literal backslash', String.raw`/parallel-dev feature="a\nb"`, 'a\\nb'],
    ['an apostrophe in an unquoted value', `/parallel-dev feature=it's`, "it's"],
    ['an equals sign in an unquoted value', `/parallel-dev feature=a=b`, 'a=b'],
    [
      'a quoted value across lines',
      '/parallel-dev feature="Add login\r\nwith OAuth" strategy=agile',
      'Add login\nwith OAuth',
    ],
  ])('handles %s', (_label, text, feature) => {
    expect(command(text)).toMatchObject({ name: 'parallel-dev', feature });
  });

  it('reads arguments from the first line only; later lines are ordinary text', () => {
    expect(command('/parallel-dev strategy=agile\ninstances=99 is what I would like')).toEqual({
      name: 'parallel-dev',
      strategy: 'agile',
    });
  });

  it('reports an unterminated quote as a syntax error', () => {
    expect(error('/parallel-dev feature="Add login strategy=agile')).toMatchObject({
      kind: 'syntax',
      command: 'parallel-dev',
      message: expect.stringContaining('never closed'),
    });
    expect(error(`/parallel-dev 'loose`)).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('never closed'),
    });
  });

  it('requires a space after a closing quote', () => {
    expect(error('/parallel-dev feature="a"strategy=agile')).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('followed by a space'),
    });
  });
});

describe('parseCommand: syntax errors', () => {
  it('suggests the key for a bare value', () => {
    expect(error('/parallel-dev agile')).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('`strategy=agile`'),
    });
    expect(error('/parallel-dev "Add login"')).toMatchObject({
      message: expect.stringContaining('`feature="Add login"`'),
    });
    expect(error('/auto-fix 3')).toMatchObject({ message: expect.stringContaining('`attempts=3`') });
  });

  it('rejects a repeated key, even in another case', () => {
    expect(error('/parallel-dev strategy=agile Strategy=waterfall')).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('given twice'),
    });
  });

  it('rejects a key-less =value', () => {
    expect(error('/parallel-dev =agile')).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('no key before'),
    });
  });

  it.each(['approve', 'status', 'cancel', 'help'])('rejects arguments to /%s', (name) => {
    expect(error(`/${name} now`)).toEqual({
      kind: 'syntax',
      command: name,
      message: `\`/${name}\` takes no arguments; remove \`now\``,
    });
  });

  it.each(['approve', 'status', 'cancel', 'help'])('/%s ignores text on later lines', (name) => {
    expect(command(`/${name}\nLooks good, ship it.`)).toEqual({ name });
  });
});

describe('parseCommand: /auto-fix, /plan, /retry', () => {
  it('reads /auto-fix with and without attempts', () => {
    expect(command('/auto-fix')).toStrictEqual({ name: 'auto-fix' });
    expect(command('/auto-fix attempts=10')).toEqual({ name: 'auto-fix', attempts: 10 });
    expect(error('/auto-fix attempts=11')).toMatchObject({
      kind: 'invalid-value',
      key: 'attempts',
      expected: 'a whole number from 1 to 10',
    });
    expect(error('/auto-fix tries=2')).toMatchObject({ kind: 'unknown-key', validKeys: ['attempts'] });
  });

  it('takes the rest of the comment as /plan feedback, trimmed', () => {
    expect(command('/plan')).toEqual({ name: 'plan', feedback: '' });
    expect(command('/plan   \n\n')).toEqual({ name: 'plan', feedback: '' });
    expect(command('/plan Split the API work\r\n\r\n- smaller tasks\r\n')).toEqual({
      name: 'plan',
      feedback: 'Split the API work\n\n- smaller tasks',
    });
    expect(command('/plan\nUse "quotes" freely')).toEqual({ name: 'plan', feedback: 'Use "quotes" freely' });
  });

  it('reads /retry with one task id', () => {
    expect(command('/retry api-schema.v2_1')).toEqual({ name: 'retry', taskId: 'api-schema.v2_1' });
    expect(command('/retry t3\nplease')).toEqual({ name: 'retry', taskId: 't3' });
  });

  it('reports /retry without a task id as a missing argument', () => {
    expect(error('/retry')).toEqual({ kind: 'missing-argument', command: 'retry', argument: 'task-id' });
    expect(error('/retry   \nt3')).toEqual({
      kind: 'missing-argument',
      command: 'retry',
      argument: 'task-id',
    });
  });

  it('rejects a malformed or second task id', () => {
    expect(error('/retry -t3')).toMatchObject({ kind: 'invalid-value', key: 'task-id', value: '-t3' });
    expect(error('/retry t3 t4')).toMatchObject({ kind: 'syntax', command: 'retry' });
  });
});

describe('codeSpan', () => {
  it('cannot be closed by backticks in the text', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('flattens line breaks and shortens long text', () => {
    expect(codeSpan('a\n\nb')).toBe('`a b`');
    const long = codeSpan('x'.repeat(500));
    expect(long.length).toBeLessThan(70);
    expect(long).toContain('…');
  });
});

describe('/remember', () => {
  it('stores a convention by default, the text running over several lines', () => {
    expect(parseCommand('/remember Use tabs.\nNever spaces.', opts)).toEqual({
      ok: true,
      command: { name: 'remember', kind: 'convention', text: 'Use tabs.\nNever spaces.' },
    });
  });

  it('takes a kind first', () => {
    expect(parseCommand('/remember kind=Decision We ship on Fridays', opts)).toEqual({
      ok: true,
      command: { name: 'remember', kind: 'decision', text: 'We ship on Fridays' },
    });
  });

  it('names the kinds it accepts, and asks for the text when there is none', () => {
    expect(parseCommand('/remember kind=success it worked', opts)).toEqual({
      ok: false,
      error: {
        kind: 'invalid-value',
        command: 'remember',
        key: 'kind',
        value: 'success',
        expected: 'one of convention, decision, architecture, pattern, dependency, learning',
      },
    });
    for (const text of ['/remember', '/remember   ', '/remember kind=decision']) {
      expect(parseCommand(text, opts)).toEqual({
        ok: false,
        error: { kind: 'missing-argument', command: 'remember', argument: 'the text to remember' },
      });
    }
  });
});
