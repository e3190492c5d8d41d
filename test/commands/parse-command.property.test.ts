import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Command } from '../../app/commands/command.js';
import { COMMAND_NAMES, COMPLEXITIES, REMEMBER_KINDS, STRATEGIES } from '../../app/commands/command.js';
import { formatCommand } from '../../app/commands/help-text.js';
import { looksLikeCommand, parseCommand } from '../../app/commands/parse-command.js';

const opts = { maxInstances: 8 };
const runs = { numRuns: 5000 };

// Pieces that exercise the tokenizer's edges: quotes, escapes, '=', every kind of line break.
const soupPiece = fc.oneof(
  fc.constantFrom('=', '"', "'", '\\', '\\"', "\\'", ' ', '\t', '\n', '\r\n', '\r', '`', '```', '>', '/'),
  fc.constantFrom('feature', 'strategy', 'instances', 'complexity', 'budget', 'attempts', 'FEATURE'),
  fc.constantFrom(...STRATEGIES, ...COMPLEXITIES, '0', '1', '3', '1e5', '$2.50', '-1', ''),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const soup = fc.array(soupPiece, { maxLength: 30 }).map((pieces) => pieces.join(''));
const commandWord = fc.oneof(
  fc.constantFrom(...COMMAND_NAMES),
  fc.constantFrom('PARALLEL-DEV', 'Retry', 'usr', 'x-'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
);
const prefix = fc.constantFrom('', ' ', '   ', '    ', '\t', '\n', '\r\n \r\n', '> ', '```\n', '\uFEFF');
const commandLike = fc
  .tuple(prefix, commandWord, fc.constantFrom(' ', '\t', '', '/', '\n'), soup)
  .map(([before, word, gap, args]) => `${before}/${word}${gap}${args}`);

function neverThrows(text: string): void {
  const result = parseCommand(text, opts);
  // The cheap pre-filter must agree with the parser, or a command would be dropped before parsing.
  expect(looksLikeCommand(text)).toBe(result !== null);
  if (result !== null && result.ok) expect(COMMAND_NAMES).toContain(result.command.name);
}

describe('parseCommand never throws', () => {
  it('on arbitrary unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), neverThrows), runs);
  });

  it('on strings that start with a command word and random arguments', () => {
    fc.assert(fc.property(commandLike, neverThrows), runs);
  });

  it('on key=value soups with quotes after /parallel-dev and /auto-fix', () => {
    const keyed = fc
      .tuple(fc.constantFrom('/parallel-dev ', '/auto-fix ', '/retry ', '/approve '), soup)
      .map(([head, args]) => head + args);
    fc.assert(fc.property(keyed, neverThrows), runs);
  });

  it('on nonsense limits for instances', () => {
    const limit = fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN));
    fc.assert(
      fc.property(limit, commandLike, (maxInstances, text) => {
        parseCommand(text, { maxInstances });
      }),
      { numRuns: 1000 },
    );
  });

  it('stays fast on a huge comment', () => {
    const huge = `/parallel-dev budget=${'1'.repeat(200_000)}x feature="${'a '.repeat(100_000)}`;
    const started = Date.now();
    expect(parseCommand(huge, opts)).toMatchObject({ ok: false });
    expect(looksLikeCommand(`${' \n'.repeat(100_000)}/${'a'.repeat(100_000)}/`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

// Values parseCommand itself can produce: it turns CRLF into LF and trims /plan feedback.
// Random strings rarely hit the characters quoting must handle, so half the values are built from them.
const tricky = fc
  .array(fc.constantFrom('\\', '"', "'", ' ', '\n', '=', '\t', 'a', '`', '\u2028'), { maxLength: 12 })
  .map((chars) => chars.join(''));
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), tricky).filter((s) => !s.includes('\r'));
const feature = text.filter((s) => /\S/.test(s));

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc
    .record(
      {
        feature,
        strategy: fc.constantFrom(...STRATEGIES),
        instances: fc.integer({ min: 1, max: opts.maxInstances }),
        complexity: fc.constantFrom(...COMPLEXITIES),
        budget: fc.double({ min: 0, minExcluded: true, noNaN: true, noDefaultInfinity: true }),
      },
      { requiredKeys: [] },
    )
    .map((args): Command => ({ name: 'parallel-dev', ...args })),
  fc
    .record({ attempts: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: [] })
    .map((args): Command => ({ name: 'auto-fix', ...args })),
  text.filter((s) => s === s.trim()).map((feedback): Command => ({ name: 'plan', feedback })),
  fc
    .stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/)
    .map((taskId): Command => ({ name: 'retry', taskId })),
  fc.constantFrom<Command>({ name: 'approve' }, { name: 'status' }, { name: 'cancel' }, { name: 'help' }),
  fc
    .record({ kind: fc.constantFrom(...REMEMBER_KINDS), text: feature.filter((s) => s === s.trim()) })
    .map((args): Command => ({ name: 'remember', ...args })),
);

describe('formatCommand round-trips through parseCommand', () => {
  it('gives back every valid command', () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        expect(parseCommand(formatCommand(command), opts)).toStrictEqual({ ok: true, command });
      }),
      runs,
    );
  });

  it('quotes only values that need it', () => {
    expect(formatCommand({ name: 'parallel-dev', feature: 'login', instances: 2 })).toBe(
      '/parallel-dev feature=login instances=2',
    );
    expect(formatCommand({ name: 'parallel-dev', feature: 'Say "hi" \\o/' })).toBe(
      '/parallel-dev feature="Say \\"hi\\" \\\\o/"',
    );
  });
});
