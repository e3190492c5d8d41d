/**
 * Turns a comment body into a typed slash command.
 *
 * Grammar, in the order a reader meets it:
 * - Only the first non-empty line can hold a command. It must be `/word` (word = `[a-z][a-z0-9-]*`, any
 *   case) followed by whitespace or the end of the line, and must not be indented code (4+ columns).
 *   Fences and quotes start with ``` / ~~~ / `>`, so they never match.
 * - key=value commands (`/parallel-dev`, `/auto-fix`) read their arguments from the first line. A value
 *   may be wrapped in "double" or 'single' quotes to hold spaces; inside quotes a backslash escapes the
 *   quote character or another backslash and is literal before anything else. A quoted value may run on
 *   over line breaks, so a long `feature="…"` can be wrapped; the arguments end at the first line break
 *   outside quotes, and anything after it is ordinary comment text.
 * - `/plan` takes everything after the word, first line and following lines, trimmed.
 * - `/retry` takes exactly one task id on the first line; the other commands take nothing.
 */
import type {
  Command,
  CommandError,
  CommandName,
  Complexity,
  ParallelDevCommand,
  ParseOptions,
  ParseResult,
  Strategy,
} from './command.js';
import { COMMAND_NAMES, COMPLEXITIES, REMEMBER_KINDS, STRATEGIES } from './command.js';

export const MAX_FIX_ATTEMPTS = 10;

/** Valid keys per key=value command, in the order help and errors list them. */
export const COMMAND_KEYS = {
  'parallel-dev': ['feature', 'strategy', 'instances', 'complexity', 'budget'],
  'auto-fix': ['attempts'],
} as const satisfies Partial<Record<CommandName, readonly string[]>>;

type KeyedCommandName = keyof typeof COMMAND_KEYS;

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Anchored and unambiguous (each digit run can be matched one way only), so no catastrophic
// backtracking however long the token is. Exponents are accepted so String(number) always parses back.
const DOLLARS = /^\$?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const WHOLE_NUMBER = /^\d+$/;
const WORD_START = /^[a-z]$/i;
const WORD_CHAR = /^[a-z0-9-]$/i;

interface Head {
  /** The command word as written, without the slash. */
  word: string;
  /** Index in the text just after the word. */
  end: number;
}

/**
 * Cheap check that `text` starts with a slash command, without parsing its arguments. It looks only at
 * the first non-empty line and agrees exactly with `parseCommand(text, …) !== null`.
 */
export function looksLikeCommand(text: string): boolean {
  return typeof text === 'string' && findHead(text) !== null;
}

export function parseCommand(text: string, options: ParseOptions): ParseResult | null {
  if (typeof text !== 'string') return null;
  const body = text.replace(/\r\n?/g, '\n');
  const head = findHead(body);
  if (head === null) return null;

  const name = COMMAND_NAMES.find((n) => n === head.word.toLowerCase());
  if (name === undefined) return fail({ kind: 'unknown-command', command: head.word });

  const rest = body.slice(head.end);
  const newline = rest.indexOf('\n');
  const firstLineRest = (newline === -1 ? rest : rest.slice(0, newline)).trim();

  switch (name) {
    case 'parallel-dev':
    case 'auto-fix':
      return parseKeyed(name, rest, instanceLimit(options));
    case 'plan':
      return ok({ name, feedback: rest.trim() });
    case 'retry':
      return parseRetry(firstLineRest);
    case 'remember':
      return parseRemember(rest.trim());
    case 'approve':
    case 'status':
    case 'cancel':
    case 'help':
      if (firstLineRest !== '') {
        return syntax(name, `\`/${name}\` takes no arguments; remove ${codeSpan(firstLineRest)}`);
      }
      return ok({ name });
  }
}

/**
 * Finds the command word on the first non-empty line. It stops at the first visible character of the
 * comment, so a long comment that is not a command costs only its leading whitespace.
 */
function findHead(text: string): Head | null {
  let lineStart = 0;
  let i = 0;
  while (i < text.length && isSpace(text[i])) {
    if (text[i] === '\n' || text[i] === '\r') lineStart = i + 1;
    i++;
  }
  if (text[i] !== '/' || indentColumns(text.slice(lineStart, i)) >= 4) return null;
  const wordStart = i + 1;
  if (!WORD_START.test(text[wordStart] ?? '')) return null;
  let end = wordStart + 1;
  while (end < text.length && WORD_CHAR.test(text[end] ?? '')) end++;
  // `/usr/bin/foo` and `/approve.` are prose, not commands.
  if (end < text.length && !isSpace(text[end])) return null;
  return { word: text.slice(wordStart, end), end };
}

/** Markdown treats 4 columns of indentation (a tab reaches the next multiple of 4) as a code block. */
function indentColumns(indent: string): number {
  let column = 0;
  for (const ch of indent) column = ch === '\t' ? column + 4 - (column % 4) : column + 1;
  return column;
}

/** The `instances=` upper bound, made safe even if a caller passes a nonsense limit. */
export function instanceLimit(options: ParseOptions): number {
  const max = Math.floor(Number(options?.maxInstances));
  return Number.isFinite(max) && max >= 1 ? max : 1;
}

function parseRetry(args: string): ParseResult {
  if (args === '') return fail({ kind: 'missing-argument', command: 'retry', argument: 'task-id' });
  if (/\s/.test(args)) return syntax('retry', `\`/retry\` takes one task id, but got ${codeSpan(args)}`);
  if (!TASK_ID.test(args)) {
    return fail({
      kind: 'invalid-value',
      command: 'retry',
      key: 'task-id',
      value: args,
      expected: TASK_ID_PHRASE,
    });
  }
  return ok({ name: 'retry', taskId: args });
}

const TASK_ID_PHRASE = 'a task id from the progress comment (letters, digits, `.`, `_` and `-`), e.g. `t3`';

// ---------------------------------------------------------------------------------------------------
// key=value commands

type Token = { kind: 'pair'; key: string; value: string } | { kind: 'bare'; word: string };
type Tokens = { ok: true; tokens: Token[] } | { ok: false; message: string };
type Checked = { ok: true; value: string | number } | { ok: false; expected: string };

function parseKeyed(name: KeyedCommandName, rest: string, maxInstances: number): ParseResult {
  const tokenized = tokenize(rest);
  if (!tokenized.ok) return syntax(name, tokenized.message);

  const validKeys: readonly string[] = COMMAND_KEYS[name];
  const values = new Map<string, string | number>();
  for (const token of tokenized.tokens) {
    if (token.kind === 'bare') return syntax(name, bareWordMessage(name, token.word, maxInstances));
    const key = token.key.toLowerCase();
    if (!validKeys.includes(key))
      return fail({ kind: 'unknown-key', command: name, key: token.key, validKeys });
    if (values.has(key)) return syntax(name, `${codeSpan(key)} is given twice; keep one`);
    const checked = checkValue(key, token.value, maxInstances);
    if (!checked.ok) {
      return fail({
        kind: 'invalid-value',
        command: name,
        key,
        value: token.value,
        expected: checked.expected,
      });
    }
    values.set(key, checked.value);
  }
  return ok(name === 'parallel-dev' ? buildParallelDev(values) : buildAutoFix(values));
}

function buildParallelDev(values: Map<string, string | number>): ParallelDevCommand {
  const command: ParallelDevCommand = { name: 'parallel-dev' };
  const feature = values.get('feature');
  const strategy = values.get('strategy');
  const instances = values.get('instances');
  const complexity = values.get('complexity');
  const budget = values.get('budget');
  // checkValue already proved each value's type; the typeof tests only narrow for the compiler.
  if (typeof feature === 'string') command.feature = feature;
  if (typeof strategy === 'string') command.strategy = strategy as Strategy;
  if (typeof instances === 'number') command.instances = instances;
  if (typeof complexity === 'string') command.complexity = complexity as Complexity;
  if (typeof budget === 'number') command.budget = budget;
  return command;
}

function buildAutoFix(values: Map<string, string | number>): Command {
  const attempts = values.get('attempts');
  return typeof attempts === 'number' ? { name: 'auto-fix', attempts } : { name: 'auto-fix' };
}

function checkValue(key: string, raw: string, maxInstances: number): Checked {
  switch (key) {
    case 'feature':
      return /\S/.test(raw) ? { ok: true, value: raw } : { ok: false, expected: 'a non-empty description' };
    case 'strategy':
      return oneOf(STRATEGIES, raw);
    case 'complexity':
      return oneOf(COMPLEXITIES, raw);
    case 'instances':
      return wholeNumber(raw, maxInstances);
    case 'attempts':
      return wholeNumber(raw, MAX_FIX_ATTEMPTS);
    case 'budget': {
      const dollars = DOLLARS.test(raw) ? Number(raw.replace('$', '')) : NaN;
      return Number.isFinite(dollars) && dollars > 0
        ? { ok: true, value: dollars }
        : { ok: false, expected: 'a positive number of dollars, e.g. 5 or 2.50' };
    }
    default:
      return { ok: false, expected: 'nothing (unknown key)' };
  }
}

function oneOf(allowed: readonly string[], raw: string): Checked {
  const value = raw.toLowerCase();
  return allowed.includes(value)
    ? { ok: true, value }
    : { ok: false, expected: `one of ${allowed.join(', ')}` };
}

function wholeNumber(raw: string, max: number): Checked {
  const n = WHOLE_NUMBER.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= max) return { ok: true, value: n };
  return { ok: false, expected: max === 1 ? 'the whole number 1' : `a whole number from 1 to ${max}` };
}

/** A bare word is usually a value without its key (`/parallel-dev agile`), so name the keys it fits. */
function bareWordMessage(name: KeyedCommandName, word: string, maxInstances: number): string {
  const fits = COMMAND_KEYS[name].filter(
    (key) => key !== 'feature' && checkValue(key, word, maxInstances).ok,
  );
  const keys = fits.length > 0 ? fits : COMMAND_KEYS[name].filter((key) => key === 'feature');
  const base = `${codeSpan(word)} is not in key=value form`;
  if (keys.length === 0) return base;
  const quoted = /\s/.test(word) ? `"${word.replace(/["\\]/g, '\\$&')}"` : word;
  return `${base}; did you mean ${keys.map((key) => codeSpan(`${key}=${quoted}`)).join(' or ')}?`;
}

/** Splits the argument text into tokens, stopping at the first line break outside quotes. */
function tokenize(text: string): Tokens {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && text[i] !== '\n' && isSpace(text[i])) i++;
    if (i >= text.length || text[i] === '\n') return { ok: true, tokens };

    if (isQuote(text[i])) {
      const quoted = readQuoted(text, i);
      if (!quoted.ok) return { ok: false, message: 'a quote is opened but never closed' };
      tokens.push({ kind: 'bare', word: quoted.value });
      i = quoted.next;
      continue;
    }

    const start = i;
    while (i < text.length && !isSpace(text[i]) && text[i] !== '=') i++;
    const key = text.slice(start, i);
    if (text[i] !== '=') {
      tokens.push({ kind: 'bare', word: key });
      continue;
    }
    if (key === '') return { ok: false, message: 'a value has no key before its `=`' };
    i++;

    if (isQuote(text[i])) {
      const quote = text[i];
      const quoted = readQuoted(text, i);
      if (!quoted.ok) {
        return {
          ok: false,
          message: `the ${quote} that opens the value of ${codeSpan(key)} is never closed`,
        };
      }
      if (quoted.next < text.length && !isSpace(text[quoted.next])) {
        return { ok: false, message: `the quoted value of ${codeSpan(key)} must be followed by a space` };
      }
      tokens.push({ kind: 'pair', key, value: quoted.value });
      i = quoted.next;
    } else {
      const valueStart = i;
      while (i < text.length && !isSpace(text[i])) i++;
      tokens.push({ kind: 'pair', key, value: text.slice(valueStart, i) });
    }
  }
}

type Quoted = { ok: true; value: string; next: number } | { ok: false };

function readQuoted(text: string, open: number): Quoted {
  const quote = text[open];
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '\\' && (next === quote || next === '\\')) {
      value += next;
      i += 2;
    } else if (ch === quote) {
      return { ok: true, value, next: i + 1 };
    } else {
      value += ch;
      i++;
    }
  }
  return { ok: false };
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

function isQuote(ch: string | undefined): boolean {
  return ch === '"' || ch === "'";
}

/**
 * Inline code for echoing user text inside a markdown message: a fence longer than any backtick run
 * in the text, so the text cannot close it, and inside code `@team` and `#1` do not ping or link.
 * Long text is shortened and line breaks flattened so one reply line stays one line.
 */
export function codeSpan(text: string): string {
  let shown = text.replace(/\s+/g, ' ');
  if (shown.length > CODE_SPAN_MAX) {
    shown = shown.slice(0, CODE_SPAN_MAX - 1);
    if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1);
    shown += '…';
  }
  if (shown === '') return '`""`';
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') || shown.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

const CODE_SPAN_MAX = 60;

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

function fail(error: CommandError): ParseResult {
  return { ok: false, error };
}

function syntax(command: CommandName, message: string): ParseResult {
  return fail({ kind: 'syntax', command, message });
}

/** `/remember [kind=decision] <text…>`: the text may run over several lines; the kind defaults to convention. */
function parseRemember(rest: string): ParseResult {
  const match = /^kind=(\S*)\s*/i.exec(rest);
  const kindText = match?.[1]?.toLowerCase();
  const text = (match ? rest.slice(match[0].length) : rest).trim();
  if (kindText !== undefined) {
    const kind = REMEMBER_KINDS.find((k) => k === kindText);
    if (kind === undefined) {
      return fail({
        kind: 'invalid-value',
        command: 'remember',
        key: 'kind',
        value: match?.[1] ?? '',
        expected: `one of ${REMEMBER_KINDS.join(', ')}`,
      });
    }
    if (!text)
      return fail({ kind: 'missing-argument', command: 'remember', argument: 'the text to remember' });
    return ok({ name: 'remember', kind, text });
  }
  if (!text) return fail({ kind: 'missing-argument', command: 'remember', argument: 'the text to remember' });
  return ok({ name: 'remember', kind: 'convention', text });
}
