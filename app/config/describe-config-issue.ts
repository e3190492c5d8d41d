/**
 * Turns one zod issue about `.github/autodev.yml` into problems a person can act on: the valid keys
 * and a "did you mean", the expected type with an example to paste, the allowed values, the range.
 * Examples and key lists come from the schema itself, so they cannot drift from what is accepted.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { autodevConfigSchema } from './config-schema.js';

export interface ConfigProblem {
  /** Dotted key path such as `models.coder.provider`, or `(file)` for the file as a whole. */
  path: string;
  line?: number;
  problem: string;
  fix: string;
}

export type Segment = string | number;
export type LineLookup = (path: readonly Segment[]) => number | undefined;

export const FILE = '(file)';
const SCHEMA_NOTE = 'The JSON Schema app/config/autodev.schema.json lists every key.';

export function configProblem(path: string, text: string, fix: string, line?: number): ConfigProblem {
  return line === undefined ? { path, problem: text, fix } : { path, line, problem: text, fix };
}

export function describeConfigIssue(
  issue: z.core.$ZodIssue,
  data: unknown,
  lineOf: LineLookup,
): ConfigProblem[] {
  const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
  const at = (text: string, fix: string, where = path) =>
    configProblem(formatPath(where), text, fix, lineOf(where));
  const value = valueAt(data, path);
  const name = codeSpan(formatPath(path));
  if (value === undefined && issue.code !== 'unrecognized_keys') {
    return [at(`${name} is missing.`, `Add it, e.g. ${example(path)}.`)];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        at(`${codeSpan(key)} is not a setting autodev knows.`, unknownKeyFix(path, key), [...path, key]),
      );
    case 'invalid_type': {
      // `gates:` with every entry commented out is null; removing the line is the likely fix.
      if (value === null)
        return [
          at(`${name} has no value.`, `Remove the line to use the default, or write ${example(path)}.`),
        ];
      // zod checks "is it a number" before "is it whole", so an integer key reports `number`.
      const schema = unwrap(schemaAt(path));
      const whole = issue.expected === 'number' && schema instanceof z.ZodNumber && schema.isInt;
      const expected = EXPECTED[whole ? 'int' : issue.expected] ?? issue.expected;
      let fix = `Write ${expected}, e.g. ${example(path)}.`;
      if (issue.expected === 'boolean' && typeof value === 'string')
        fix += ' YAML 1.2 reads `yes`/`no`/`on`/`off` as text.';
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        fix += ' Remove the quotes.';
      return [at(`${name} must be ${expected}, but it is ${describe(value)}.`, fix)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      const guess = closest(String(value), options);
      const hint = guess ? `Did you mean ${codeSpan(guess)}? ` : '';
      return [
        at(
          `${codeSpan(value)} is not a valid value for ${name}.`,
          `${hint}Use one of ${options.map((item) => codeSpan(item)).join(', ')}.`,
        ),
      ];
    }
    case 'too_small':
    case 'too_big': {
      const text =
        issue.origin === 'string' ? 'too ' + (issue.code === 'too_small' ? 'short' : 'long') : 'out of range';
      return [at(`${name} is ${describe(value)}, which is ${text}.`, rangeFix(issue, path))];
    }
    case 'invalid_format': {
      const format = issue.format === 'url' ? 'URL' : issue.format;
      return [
        at(
          `${codeSpan(value)} is not a valid ${format} for ${name}.`,
          `Write a full ${format}, e.g. ${example(path)}.`,
        ),
      ];
    }
    default:
      return [at(`${name}: ${plainText(issue.message)}.`, SCHEMA_NOTE)];
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: '`true` or `false`',
  object: 'a mapping (indented `key: value` lines)',
  array: 'a list',
};

function rangeFix(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, path: Segment[]): string {
  const schema = unwrap(schemaAt(path));
  if (issue.origin === 'string' && schema instanceof z.ZodString) {
    const { minLength: min, maxLength: max } = schema;
    return `Use text of ${min ?? 0}${max === null ? ' or more' : ` to ${max}`} characters, e.g. ${example(path)}.`;
  }
  if (!(schema instanceof z.ZodNumber)) return `${plainText(issue.message)}. ${SCHEMA_NOTE}`;
  // Integer schemas report the safe-integer limits as bounds; nobody wrote those, so leave them out.
  const min = (schema.minValue ?? -Infinity) > Number.MIN_SAFE_INTEGER ? schema.minValue : null;
  const max = (schema.maxValue ?? Infinity) < Number.MAX_SAFE_INTEGER ? schema.maxValue : null;
  const exclusive = issue.code === 'too_small' && issue.inclusive === false;
  const low = min === null ? '' : `${exclusive ? 'greater than' : 'at least'} ${min}`;
  const high = max === null ? '' : `at most ${max}`;
  const range =
    low && high && !exclusive ? `from ${min} to ${max}` : [low, high].filter(Boolean).join(' and ');
  return `Use ${schema.isInt ? 'a whole number' : 'a number'} ${range}, e.g. ${example(path)}.`;
}

function unknownKeyFix(parent: Segment[], key: string): string {
  const object = unwrap(schemaAt(parent));
  const valid = object instanceof z.ZodObject ? Object.keys(object.shape) : [];
  const where = parent.length > 0 ? ` under ${codeSpan(formatPath(parent))}` : ' at the top level';
  const list = `Valid keys${where}: ${valid.map((item) => codeSpan(item)).join(', ')}.`;
  const guess = closest(key, valid);
  if (guess) return `Did you mean ${codeSpan(guess)}? ${list}`;
  // A right key at the wrong level, e.g. `tokens:` written at the top instead of under `budget:`.
  const moved = KEY_PATHS.find(
    (p) => normalize(p.at(-1) ?? '') === normalize(key) && formatPath(p.slice(0, -1)) !== formatPath(parent),
  );
  if (!moved) return list;
  const home = moved.length > 1 ? `under ${codeSpan(formatPath(moved.slice(0, -1)))}` : 'at the top level';
  return `Did you mean ${codeSpan(formatPath(moved))}? It goes ${home}. ${list}`;
}

function keyPaths(schema: z.ZodType = autodevConfigSchema, prefix: string[] = []): string[][] {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>).flatMap(([name, child]) => [
    [...prefix, name],
    ...keyPaths(child, [...prefix, name]),
  ]);
}

const KEY_PATHS = keyPaths();

function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}

/** Nearest candidate by edit distance (with transpositions), ignoring case, `-` and `_`. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const target = normalize(word);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalize(candidate));
    const limit = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Optimal-string-alignment distance: a swapped pair of letters counts as one edit. */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Uint32Array((a.length + 1) * width);
  const at = (i: number, j: number) => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** `key: value` for the nearest named key on `path`, in the flow style a person can paste. */
function example(path: Segment[]): string {
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === 'number') end--;
  const key = path[end - 1];
  const schema = schemaAt(path.slice(0, end));
  if (key === undefined || !schema) return codeSpan('maxParallelAgents: 4');
  const value = stringify(sampleValue(schema), { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return codeSpan(`${key}: ${value}`, 200);
}

function sampleValue(schema: z.ZodType, hint = schema.description): unknown {
  if (schema instanceof z.ZodDefault) {
    const value: unknown = schema.def.defaultValue;
    const empty = (Array.isArray(value) || isRecord(value)) && Object.keys(value).length === 0;
    if (!empty) return Array.isArray(value) ? value.slice(0, 3) : value;
  }
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const entries = Object.entries(inner.shape as Record<string, z.ZodType>);
    const required = entries.filter(([, child]) => !(child instanceof z.ZodOptional));
    const chosen = required.length > 0 ? required : entries.slice(0, 1);
    return Object.fromEntries(chosen.map(([name, child]) => [name, sampleValue(child)]));
  }
  if (inner instanceof z.ZodArray) return [sampleValue(inner.element as z.ZodType, hint)];
  if (inner instanceof z.ZodEnum) return inner.options[0];
  if (inner instanceof z.ZodBoolean) return true;
  if (inner instanceof z.ZodNumber) return Math.max(1, inner.minValue ?? 1);
  if (inner instanceof z.ZodURL) return 'https://llm.example.com/v1';
  // Descriptions carry the example a person would write ("e.g. gpt-4o-mini"); reuse it.
  const sample = /e\.g\. (?:"([^"]+)"|([\w./[\]-]*\w))/.exec(hint ?? inner?.description ?? '');
  return sample?.[1] ?? sample?.[2] ?? 'text';
}

/** Strips wrappers that add a default or optionality; they do not change what a key accepts. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional)
    current = current.unwrap() as z.ZodType;
  return current;
}

function field(object: z.ZodObject, key: string): z.ZodType | undefined {
  const shape = object.shape as Record<string, z.ZodType>;
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

function schemaAt(path: readonly Segment[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = autodevConfigSchema;
  for (const segment of path) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject && typeof segment === 'string') schema = field(inner, segment);
    else if (inner instanceof z.ZodArray && typeof segment === 'number') schema = inner.element as z.ZodType;
    else return undefined;
  }
  return schema;
}

function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (!(isRecord(value) || Array.isArray(value)) || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<Segment, unknown>)[segment];
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function formatPath(path: readonly Segment[]): string {
  const text = path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  return text || FILE;
}

function describe(value: unknown): string {
  if (value === null || value === '') return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return `${typeof value === 'string' ? 'the text' : ''} ${codeSpan(value)}`.trim();
}

/**
 * A code span whatever the content: nothing inside renders as HTML, a link or an @mention, so a key
 * or value from the file is shown safely. The fence is longer than any backtick run in the text.
 */
export function codeSpan(value: unknown, max = 60): string {
  let text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text === '') return '`""`';
  text = text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ');
  const chars = Array.from(text);
  if (chars.length > max) text = `${chars.slice(0, max - 1).join('')}…`;
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Library messages can quote the file; keep them from rendering as markup or pinging anyone. */
export function plainText(text: string): string {
  return text
    .slice(0, 300)
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_[\]<>&]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/@/g, '@\u200b')
    .replace(/\.$/, '');
}
