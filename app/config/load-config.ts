/**
 * Turns the text of `.github/autodev.yml` into an AutodevConfig, or into problems a person can fix
 * without reading autodev's source: each names the key, its line, what is wrong and what to write.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import { autodevConfigSchema, defaultConfig } from './config-schema.js';
import type { AutodevConfig } from './config-schema.js';
import {
  codeSpan as code,
  configProblem as problem,
  describeConfigIssue,
  FILE,
  formatPath,
  isRecord,
  plainText as plain,
} from './describe-config-issue.js';
import type { ConfigProblem, Segment } from './describe-config-issue.js';

export type { ConfigProblem } from './describe-config-issue.js';

export type ConfigResult =
  { ok: true; config: AutodevConfig; warnings: string[] } | { ok: false; problems: ConfigProblem[] };

// A real config is a few dozen lines; the cap keeps a hostile or mistaken file from costing seconds.
const MAX_CONFIG_CHARS = 64 * 1024;
// Beyond this a comment stops being readable; the person fixes the first ones and tries again.
const MAX_PROBLEMS = 50;

export function parseConfig(text: string | null): ConfigResult {
  if (text === null || text.trim() === '') return { ok: true, config: defaultConfig(), warnings: [] };
  if (text.length > MAX_CONFIG_CHARS) {
    const size = `${Math.ceil(text.length / 1024)} KB`;
    const fix = 'Keep only settings in this file; a complete config is a few dozen lines.';
    return fail([problem(FILE, `The file is ${size}; autodev reads files up to 64 KB.`, fix)]);
  }
  const counter = new LineCounter();
  // yaml's own duplicate-key check is quadratic in the number of keys; indexLines() does it in one pass.
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) return fail(syntaxProblems(doc.errors, counter));
  try {
    const { lineOf, duplicates } = indexLines(doc, counter);
    if (duplicates.length > 0) return fail(duplicates);
    const data: unknown = doc.toJS({ maxAliasCount: 50 });
    if (data === null || data === undefined) return { ok: true, config: defaultConfig(), warnings: [] };
    if (!isRecord(data)) {
      const found = Array.isArray(data) ? 'a list' : `the single value ${code(data)}`;
      const fix = 'Write one `key: value` per line at the top level, e.g. `maxParallelAgents: 4`.';
      return fail([
        problem(FILE, `The file holds ${found}, but autodev expects a mapping of settings.`, fix),
      ]);
    }
    const warnings = doc.warnings.map((w) => `Line ${counter.linePos(w.pos[0]).line}: ${plain(w.message)}.`);
    const parsed = autodevConfigSchema.safeParse(data);
    if (parsed.success) return { ok: true, config: parsed.data, warnings };
    const problems = parsed.error.issues.flatMap((issue) => describeConfigIssue(issue, data, lineOf));
    // zod reports in schema order; the file's order is the one a person reads top to bottom.
    return fail(problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)));
  } catch (error) {
    // toJS throws on alias bombs and on nesting deep enough to exhaust the stack.
    const message = error instanceof Error ? error.message : String(error);
    const fix = 'Write the settings out plainly, without YAML anchors/aliases or deep nesting.';
    return fail([problem(FILE, `autodev could not read the file: ${plain(message)}.`, fix)]);
  }
}

function fail(all: ConfigProblem[]): ConfigResult {
  if (all.length <= MAX_PROBLEMS) return { ok: false, problems: all };
  const more = all.length - MAX_PROBLEMS;
  const tail = problem(FILE, `${more} more problems are not listed.`, 'Fix the ones above and try again.');
  return { ok: false, problems: [...all.slice(0, MAX_PROBLEMS), tail] };
}

const SYNTAX_FIXES: Record<string, string> = {
  TAB_AS_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  MULTIPLE_DOCS: 'Keep one YAML document: remove the `---` separator and merge the settings.',
  BAD_INDENT: 'Line up keys of the same level in the same column, and close every `[` and `{`.',
  BLOCK_AS_IMPLICIT_KEY: 'Put quotes around a value that contains `: `, e.g. `label: "a: b"`.',
};

function syntaxProblems(errors: readonly YAMLError[], counter: LineCounter): ConfigProblem[] {
  const seen = new Set<string>();
  const result: ConfigProblem[] = [];
  for (const error of errors) {
    const line = counter.linePos(error.pos[0]).line;
    if (seen.has(`${line}:${error.code}`)) continue;
    seen.add(`${line}:${error.code}`);
    const fix = SYNTAX_FIXES[error.code] ?? 'Check the indentation and quoting on this line.';
    result.push(problem(FILE, `YAML syntax error: ${plain(error.message)}.`, fix, line));
  }
  return result;
}

/**
 * One pass over the document: the line of every key and list item (for pointing at problems), and
 * the keys given twice. Done here because yaml's own duplicate check is quadratic in the key count.
 */
function indexLines(doc: Document, counter: LineCounter) {
  const lines = new Map<string, number>();
  const duplicates: ConfigProblem[] = [];
  const walk = (node: unknown, path: Segment[]): void => {
    // Configs are three levels deep; stopping early keeps hostile nesting from exhausting the stack.
    if (path.length > 8) return;
    const visit = (anchor: unknown, value: unknown, at: Segment[]) => {
      if (!isNode(anchor) || !anchor.range) return;
      const line = counter.linePos(anchor.range[0]).line;
      const first = lines.get(JSON.stringify(at));
      if (first === undefined) lines.set(JSON.stringify(at), line);
      else {
        const text = `${code(at.at(-1))} is set twice (lines ${first} and ${line}).`;
        duplicates.push(problem(formatPath(at), text, 'Keep one of the two entries.', line));
      }
      walk(value, at);
    };
    if (isSeq(node)) node.items.forEach((item, i) => visit(item, item, [...path, i]));
    if (isMap(node)) for (const pair of node.items) visit(pair.key, pair.value, [...path, keyText(pair.key)]);
  };
  walk(doc.contents, []);
  /** Line of the deepest key (or list item) along `path` that is in the file. */
  const lineOf = (path: readonly Segment[]) => {
    for (let end = path.length; end > 0; end--) {
      const line = lines.get(JSON.stringify(path.slice(0, end)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
  return { lineOf, duplicates };
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * One comment for the issue or PR: why autodev stopped, each problem with its fix, and how to get
 * the same checks in an editor. Link-free because the bot cannot know where its own repo is hosted.
 */
export function renderConfigError(problems: ConfigProblem[], file = '.github/autodev.yml'): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = [
    '### ⚠️ autodev did not run: the configuration is invalid',
    '',
    `autodev found ${count} in ${code(file)}. Fix ${problems.length === 1 ? 'it' : 'them'} and trigger autodev again.`,
    '',
  ];
  // parseConfig already caps its list (plus one "more problems" entry); this guards other callers.
  problems.slice(0, MAX_PROBLEMS + 1).forEach((p, i) => {
    const where = p.path === FILE ? 'the file' : code(p.path);
    lines.push(`${i + 1}. **${where}**${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.problem}`);
    lines.push(`   **Fix:** ${p.fix}`);
  });
  if (problems.length > MAX_PROBLEMS + 1) lines.push(`…and ${problems.length - MAX_PROBLEMS - 1} more.`);
  const schema = code('app/config/autodev.schema.json');
  lines.push(
    '',
    `Catch these while editing: autodev publishes a JSON Schema for this file, ${schema} in the autodev ` +
      "repository. Editors with the YAML language server (e.g. VS Code's YAML extension) check the file " +
      'as you type when its first line points at that schema:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=<raw URL of app/config/autodev.schema.json in the autodev repository>',
    '```',
  );
  return `${lines.join('\n')}\n`;
}
