/**
 * Recognisers for the output of the tools a JavaScript/TypeScript CI runs: tsc, eslint, prettier, jest
 * (and node:test / vitest summaries), node, npm (install, ci, audit) and the runner's own timeout lines.
 * Each takes the output lines of the failed step and says what it found; analyse-failure.ts decides
 * which finding names the failure.
 */
import { builtinModules } from 'node:module';
import type { FailureClass, FailureLocation, Severity } from './failure-analysis.js';
import { isOutsideRepo, relativisePaths, repoRelativePath } from './log-paths.js';

export interface Finding {
  class: FailureClass;
  severity: Severity;
  messages: string[];
  locations: FailureLocation[];
  fixableWithoutModel: boolean;
  /** Index of the first line the finding rests on, for the excerpt. */
  at: number;
}

export interface StepOutput {
  lines: string[];
  command?: string;
  exitCode?: number;
}

export type Detector = (step: StepOutput) => Finding | undefined;

const location = (file: string, line?: string, column?: string): FailureLocation => {
  const loc: FailureLocation = { file: repoRelativePath(file) };
  if (line !== undefined) loc.line = Number(line);
  if (column !== undefined) loc.column = Number(column);
  return loc;
};

const firstIndex = (lines: string[], test: RegExp): number => lines.findIndex((line) => test.test(line));

const BUILTINS = new Set(builtinModules);

/** A package name an `npm install` could supply: not relative, absolute, a URL or a Node builtin. */
export function isBarePackage(specifier: string): boolean {
  if (/^(?:\.{1,2}\/|\/|[A-Za-z]:[\\/]|node:|file:|data:|#)/.test(specifier) || specifier === '.')
    return false;
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];
  return !BUILTINS.has(name ?? '') && /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name ?? '');
}

// ---- runner: timeouts and cancellation ---------------------------------------------------------

const JOB_TIMEOUT = /has exceeded the maximum execution time of|has timed out after \d+ minutes?/;
const CANCELED = /^(?:Error: )?The operation was canceled\.$/;

export const detectTimeout: Detector = ({ lines, command, exitCode }) => {
  const limit = firstIndex(lines, JOB_TIMEOUT);
  const killed = exitCode === 124 && /(?:^|[\s;&|(])timeout\s/.test(command ?? '');
  const canceled = firstIndex(lines, CANCELED);
  if (limit < 0 && !killed && canceled < 0) return undefined;
  const messages = lines.filter((line) => JOB_TIMEOUT.test(line) || CANCELED.test(line));
  if (killed) messages.push(`The step was stopped by \`timeout\` (exit code 124): ${command}`);
  return {
    class: 'timeout',
    // A cancellation without a time limit is most often a fail-fast sibling or a newer push.
    severity: limit >= 0 || killed ? 'medium' : 'low',
    messages,
    locations: [],
    fixableWithoutModel: false,
    at: limit >= 0 ? limit : canceled >= 0 ? canceled : lines.length - 1,
  };
};

/** A job cancelled without a time limit in the log (a fail-fast sibling, a newer push, a person). */
export const isBareCancellation = (lines: string[]): boolean =>
  lines.some((line) => CANCELED.test(line)) && !lines.some((line) => JOB_TIMEOUT.test(line));

// ---- tsc ---------------------------------------------------------------------------------------

const TSC_PLAIN = /^(\S.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const TSC_PRETTY = /^(\S.*?):(\d+):(\d+) - error (TS\d+): (.*)$/;

interface TscError {
  code: number;
  text: string;
  location: FailureLocation;
  index: number;
}

function tscErrors(lines: string[]): TscError[] {
  const errors: TscError[] = [];
  lines.forEach((line, index) => {
    const m = TSC_PLAIN.exec(line) ?? TSC_PRETTY.exec(line);
    if (!m) return;
    const [, file = '', row, col, code = 'TS0', text = ''] = m;
    const loc = location(file, row, col);
    errors.push({
      code: Number(code.slice(2)),
      text: `${loc.file}(${row},${col}): error ${code}: ${text}`,
      location: loc,
      index,
    });
  });
  return errors;
}

/** TS1xxx codes below 1200 are the parser's (`';' expected`, `Unterminated string literal`, …). */
const isTscSyntax = (code: number): boolean => code >= 1000 && code < 1200 && code !== 1192;
const isTscImport = (code: number): boolean => [2305, 2307, 2614, 2792, 1192].includes(code);

function tscFinding(
  lines: string[],
  select: (code: number) => boolean,
  cls: FailureClass,
): Finding | undefined {
  const errors = tscErrors(lines).filter((e) => select(e.code));
  const first = errors[0];
  if (!first) return undefined;
  const missing = errors.map(
    (e) => /^Cannot find module '([^']+)'/.exec(e.text.split(': ').slice(2).join(': '))?.[1],
  );
  return {
    class: cls,
    severity: cls === 'type_error' ? 'medium' : 'high',
    messages: errors.map((e) => e.text),
    locations: errors.map((e) => e.location),
    fixableWithoutModel:
      cls === 'import_error' && missing.every((name) => name !== undefined && isBarePackage(name)),
    at: first.index,
  };
}

export const detectTscSyntax: Detector = ({ lines }) => tscFinding(lines, isTscSyntax, 'syntax_error');
export const detectTscImport: Detector = ({ lines }) => tscFinding(lines, isTscImport, 'import_error');
export const detectTscType: Detector = ({ lines }) =>
  tscFinding(lines, (code) => !isTscSyntax(code) && !isTscImport(code), 'type_error');

// ---- eslint and prettier -----------------------------------------------------------------------

const ESLINT_FILE =
  /^(?:[A-Za-z]:[\\/]|\/|\.{0,2}[\w@-])[^\s:]*\.[cm]?[jt]sx?$|^(?:[A-Za-z]:[\\/]|\/)\S+\.(?:vue|svelte|json|md)$/;
const ESLINT_PROBLEM = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)(?:\s{2,}([@\w/-]+))?\s*$/;
const ESLINT_SUMMARY = /^✖ \d+ problems? \((\d+) errors?, (\d+) warnings?\)$/;
const ESLINT_FIXABLE = /^\s*(\d+) errors? and (\d+) warnings? potentially fixable with the `--fix` option\.$/;

interface EslintProblem {
  message: string;
  location: FailureLocation;
  index: number;
  parsing: boolean;
}

function eslintErrors(lines: string[]): EslintProblem[] {
  const problems: EslintProblem[] = [];
  let file: string | undefined;
  lines.forEach((line, index) => {
    if (ESLINT_FILE.test(line.trim()) && !line.startsWith(' ')) {
      file = line.trim();
      return;
    }
    const m = ESLINT_PROBLEM.exec(line);
    if (!m || !file || m[3] !== 'error') return;
    const [, row, col, , text = '', rule] = m;
    const loc = location(file, row, col);
    problems.push({
      message: `${loc.file}:${row}:${col} ${text}${rule ? ` (${rule})` : ''}`,
      location: loc,
      index,
      parsing: text.startsWith('Parsing error:'),
    });
  });
  return problems;
}

export const detectEslintParsing: Detector = ({ lines }) => {
  const parsing = eslintErrors(lines).filter((p) => p.parsing);
  const first = parsing[0];
  if (!first) return undefined;
  return {
    class: 'syntax_error',
    severity: 'high',
    messages: parsing.map((p) => p.message),
    locations: parsing.map((p) => p.location),
    fixableWithoutModel: false,
    at: first.index,
  };
};

const PRETTIER_SUMMARY =
  /^\[warn\] Code style issues found in (?:the above file|\d+ files)\. (?:Run|Forgot to run) Prettier/;
const PRETTIER_SYNTAX = /^\[error\] (\S+?): SyntaxError: (.*?)(?: \((\d+):(\d+)\))?$/;

export const detectPrettierSyntax: Detector = ({ lines }) => {
  const at = firstIndex(lines, PRETTIER_SYNTAX);
  if (at < 0) return undefined;
  const hits = lines.map((line) => PRETTIER_SYNTAX.exec(line)).filter((m) => m !== null);
  return {
    class: 'syntax_error',
    severity: 'high',
    messages: hits.map((m) => `${repoRelativePath(m[1] ?? '')}: SyntaxError: ${m[2]}`),
    locations: hits.map((m) => location(m[1] ?? '', m[3], m[4])),
    fixableWithoutModel: false,
    at,
  };
};

export const detectLint: Detector = ({ lines }) => {
  const eslint = eslintErrors(lines).filter((p) => !p.parsing);
  const summaryAt = firstIndex(lines, ESLINT_SUMMARY);
  const summary = ESLINT_SUMMARY.exec(lines[summaryAt] ?? '');
  const fixable = lines.map((line) => ESLINT_FIXABLE.exec(line)).find((m) => m !== null);
  const eslintFailed = eslint.length > 0 || Number(summary?.[1] ?? 0) > 0;

  const prettierAt = firstIndex(lines, PRETTIER_SUMMARY);
  const unformatted =
    prettierAt < 0 ? [] : lines.slice(0, prettierAt).filter((l) => /^\[warn\] (?!Code style)\S/.test(l));
  if (!eslintFailed && prettierAt < 0) return undefined;

  const eslintErrorCount = Number(summary?.[1] ?? eslint.length);
  const eslintFixable = !eslintFailed || (fixable !== undefined && Number(fixable[1]) >= eslintErrorCount);
  const prettierFiles = unformatted.map((l) => repoRelativePath(l.replace(/^\[warn\] /, '').trim()));
  return {
    class: 'lint_error',
    severity: 'low',
    messages: [
      ...eslint.map((p) => p.message),
      ...(summary ? [lines[summaryAt] ?? ''] : []),
      ...prettierFiles.map((file) => `${file}: not formatted (prettier --check)`),
    ],
    locations: [...eslint.map((p) => p.location), ...prettierFiles.map((file) => ({ file }))],
    fixableWithoutModel: eslintFixable,
    at: Math.min(
      ...[eslint[0]?.index, summaryAt, prettierAt].filter((i): i is number => i !== undefined && i >= 0),
    ),
  };
};

// ---- node and jest: JavaScript errors --------------------------------------------------------

const JS_ERROR = /^\s*(?:Uncaught )?((?:[A-Z]\w*)?Error)(?: \[(\w+)\])?: (.*)$/;
const STACK_FRAME = /^\s+at (?:.*? \()?(?:file:\/\/)?((?:[A-Za-z]:)?[^():\s]+):(\d+):(\d+)\)?$/;
const TAP_LOCATION = /^\s*location: '(?:file:\/\/)?((?:[A-Za-z]:)?[^':]+):(\d+):(\d+)'$/;
const NODE_SOURCE_HEADER = /^((?:file:\/\/)?(?:[A-Za-z]:)?[\\/][^:\s]+\.[cm]?[jt]sx?):(\d+)$/;

/** The first stack frame in user code from `from` on, else the `file:line` header node prints before it. */
function userCodeLocation(lines: string[], from: number): FailureLocation | undefined {
  for (let i = from; i < Math.min(lines.length, from + 40); i += 1) {
    const frame = STACK_FRAME.exec(lines[i] ?? '') ?? TAP_LOCATION.exec(lines[i] ?? '');
    if (!frame) continue;
    const loc = location(frame[1] ?? '', frame[2], frame[3]);
    if (!isOutsideRepo(loc.file)) return loc;
  }
  for (let i = Math.max(0, from - 6); i < from; i += 1) {
    const header = NODE_SOURCE_HEADER.exec(lines[i] ?? '');
    if (header) {
      const loc = location(header[1] ?? '', header[2]);
      if (!isOutsideRepo(loc.file)) return loc;
    }
  }
  return undefined;
}

const CANNOT_FIND = /Cannot find (?:module|package) '([^']+)'(?: imported from (\S+)| from '([^']+)')?/;
const NO_EXPORT = /The requested module '([^']+)' does not provide an export named '([^']+)'/;

export const detectJsImport: Detector = ({ lines }) => {
  const indexes = lines
    .map((line, index) =>
      (CANNOT_FIND.test(line) || NO_EXPORT.test(line)) && !TSC_PLAIN.test(line) && !TSC_PRETTY.test(line)
        ? index
        : -1,
    )
    .filter((index) => index >= 0);
  const first = indexes[0];
  if (first === undefined) return undefined;
  const specifiers: string[] = [];
  const locations: FailureLocation[] = [];
  const messages: string[] = [];
  for (const index of indexes) {
    const line = (lines[index] ?? '').trim();
    const missing = CANNOT_FIND.exec(line);
    messages.push(relativisePaths(line.replace(/^\s*●\s*/, '')));
    if (missing) {
      specifiers.push(missing[1] ?? '');
      const importer = missing[2] ?? missing[3] ?? requireStackFirst(lines, index);
      if (importer) locations.push(location(importer));
    } else {
      specifiers.push('.');
      const loc = userCodeLocation(lines, index);
      if (loc) locations.push(loc);
    }
  }
  return {
    class: 'import_error',
    severity: 'high',
    messages,
    locations,
    fixableWithoutModel: specifiers.every(isBarePackage),
    at: first,
  };
};

/** Node's `Require stack:` list names the file that required the missing module first. */
function requireStackFirst(lines: string[], from: number): string | undefined {
  for (let i = from; i < Math.min(lines.length, from + 8); i += 1) {
    if (/^\s*Require stack:/.test(lines[i] ?? '')) return /^\s*- (.+)$/.exec(lines[i + 1] ?? '')?.[1];
  }
  return undefined;
}

const JEST_UNEXPECTED_TOKEN = /^\s*Jest encountered an unexpected token/;
const BABEL_SYNTAX = /^\s*SyntaxError: (\S+?): (.*?) \((\d+):(\d+)\)$/;
const JSON_SYNTAX = /in JSON at position|is not valid JSON|JSON\.parse/;

export const detectJsSyntax: Detector = ({ lines }) => {
  const at = lines.findIndex(
    (line) =>
      (/^\s*SyntaxError: /.test(line) && !JSON_SYNTAX.test(line) && !NO_EXPORT.test(line)) ||
      JEST_UNEXPECTED_TOKEN.test(line),
  );
  if (at < 0) return undefined;
  const line = lines[at] ?? '';
  const babel = BABEL_SYNTAX.exec(line);
  const syntaxLine = lines.slice(at).find((l) => /^\s*SyntaxError: /.test(l)) ?? line;
  const locations: FailureLocation[] = [];
  if (babel) locations.push(location(babel[1] ?? '', babel[3], babel[4]));
  else {
    const loc = userCodeLocation(lines, at);
    if (loc) locations.push(loc);
  }
  return {
    class: 'syntax_error',
    severity: 'high',
    messages: [relativisePaths(syntaxLine.trim())],
    locations,
    fixableWithoutModel: false,
    at,
  };
};

// ---- test runners ------------------------------------------------------------------------------

const JEST_SUMMARY = /^Tests:\s+(\d+) failed/;
const JEST_SUITES = /^Test Suites:\s+(\d+) failed/;
const JEST_TEST = /^\s*● (?!Test suite failed to run)(.+›.+|.+)$/;
const NODE_TEST_FAIL = /^# fail ([1-9]\d*)$/;
const VITEST_FAIL = /^\s*Test(?:s| Files)\s+(\d+) failed/;
const MOCHA_FAIL = /^\s*(\d+) failing$/;
const TAP_NOT_OK = /^\s*not ok \d+ - (.+)$/;
const TAP_META = /^\s*(?:---|\.\.\.|duration_ms:|location:|failureType:|error: \|-)/;

export const detectTestFailure: Detector = ({ lines }) => {
  const summaryAt = lines.findIndex(
    (l) =>
      JEST_SUMMARY.test(l) ||
      JEST_SUITES.test(l) ||
      NODE_TEST_FAIL.test(l) ||
      VITEST_FAIL.test(l) ||
      MOCHA_FAIL.test(l),
  );
  if (summaryAt < 0) return undefined;
  const messages: string[] = [];
  const locations: FailureLocation[] = [];
  let first = summaryAt;
  lines.forEach((line, index) => {
    const test = JEST_TEST.exec(line) ?? TAP_NOT_OK.exec(line);
    if (!test || index >= summaryAt) return;
    first = Math.min(first, index);
    const detail = lines
      .slice(index + 1, index + 12)
      .find((l) => l.trim() !== '' && !TAP_META.test(l))
      ?.trim();
    messages.push(`${test[1]?.trim()}${detail ? `: ${detail}` : ''}`);
    const loc = userCodeLocation(lines, index + 1);
    if (loc) locations.push(loc);
  });
  for (const line of lines) {
    const failedSuite = /^FAIL (\S+)/.exec(line);
    if (failedSuite && !locations.some((l) => l.file === repoRelativePath(failedSuite[1] ?? ''))) {
      if (messages.length === 0) locations.push(location(failedSuite[1] ?? ''));
    }
  }
  messages.push((lines[summaryAt] ?? '').trim());
  return {
    class: 'test_failure',
    severity: 'medium',
    messages,
    locations,
    fixableWithoutModel: false,
    at: first,
  };
};

export const detectRuntime: Detector = ({ lines }) => {
  const at = lines.findIndex(
    (line, index) => JS_ERROR.test(line) && STACK_FRAME.test(lines[index + 1] ?? ''),
  );
  if (at < 0) return undefined;
  const loc = userCodeLocation(lines, at);
  return {
    class: 'runtime_error',
    severity: 'high',
    messages: [relativisePaths((lines[at] ?? '').trim())],
    locations: loc ? [loc] : [],
    fixableWithoutModel: false,
    at,
  };
};

// ---- npm: audit, install, ci, lifecycle scripts ------------------------------------------------

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
const AUDIT_SEVERITY = /^Severity: (low|moderate|high|critical)$/;
const AUDIT_JSON_SEVERITY = /"severity": "(low|moderate|high|critical)"/;
const AUDIT_SUMMARY = /^(?:found )?\d+ (?:(?:low|moderate|high|critical) severity )?vulnerabilit(?:y|ies)/;

const toSeverity = (npm: string): Severity => (npm === 'moderate' ? 'medium' : (npm as Severity));

export const detectAudit: Detector = ({ lines, command }) => {
  const report = firstIndex(lines, /^# npm audit report$/);
  const json = /\baudit\b/.test(command ?? '') ? firstIndex(lines, /^\s*"vulnerabilities": \{/) : -1;
  if (report < 0 && json < 0) return undefined;
  const messages: string[] = [];
  let worst = 0;
  lines.forEach((line, index) => {
    const sev = AUDIT_SEVERITY.exec(line) ?? (json >= 0 ? AUDIT_JSON_SEVERITY.exec(line) : null);
    if (!sev) return;
    worst = Math.max(worst, SEVERITIES.indexOf(toSeverity(sev[1] ?? 'low')));
    if (AUDIT_SEVERITY.test(line)) {
      const pkg = (lines[index - 1] ?? '').trim();
      const title = (lines[index + 1] ?? '').trim();
      messages.push(`${pkg}: ${title} (${sev[1]})`);
    }
  });
  if (json >= 0) {
    for (const line of lines) {
      const name = /^\s*"name": "([^"]+)",$/.exec(line);
      const title = /^\s*"title": "([^"]+)",$/.exec(line);
      if (title) messages.push(title[1] ?? '');
      else if (name && messages.length === 0) messages.push(name[1] ?? '');
    }
  }
  const summary = lines.find((l) => AUDIT_SUMMARY.test(l.trim()));
  if (summary) messages.push(summary.trim());
  return {
    class: 'security_vulnerability',
    severity: SEVERITIES[worst] ?? 'high',
    messages: [...new Set(messages)],
    locations: [],
    fixableWithoutModel: false,
    at: report >= 0 ? report : json,
  };
};

const NPM_ERROR = /^npm (?:error|ERR!) /;
const LOCKFILE_OUT_OF_SYNC = /can only install packages when your package\.json and package-lock\.json/;
const NPM_NOISE =
  /A complete log of this run can be found in|^npm (?:error|ERR!) *$|^npm (?:error|ERR!) (?:code|errno|syscall|path) /;

export const detectBuild: Detector = ({ lines, exitCode }) => {
  const npm = lines.map((line, index) => ({ line, index })).filter(({ line }) => NPM_ERROR.test(line));
  const generic = lines
    .map((line, index) => ({ line, index }))
    .filter(
      ({ line }) =>
        /^(?:error|Error|ERROR|✘ \[ERROR\]|Build failed)\b/.test(line.trim()) &&
        !/^Process completed/.test(line),
    );
  const picked = npm.length > 0 ? npm : generic;
  if (picked.length === 0 && exitCode === undefined) return undefined;
  const messages = picked
    .filter(({ line }) => !NPM_NOISE.test(line))
    .map(({ line }) => relativisePaths(line.replace(NPM_ERROR, '').trim()))
    .filter((line) => line !== '');
  if (messages.length === 0) {
    const tail = lines
      .filter((l) => l.trim() !== '' && !/^Process completed with exit code/.test(l))
      .slice(-3);
    messages.push(...tail.map((l) => relativisePaths(l.trim())));
  }
  return {
    class: 'build_failure',
    severity: 'high',
    messages,
    locations: [],
    fixableWithoutModel: lines.some((line) => LOCKFILE_OUT_OF_SYNC.test(line)),
    at: picked[0]?.index ?? Math.max(0, lines.length - 1),
  };
};

/** Detectors in precedence order: the first that finds something names the failure. */
export const DETECTORS: readonly Detector[] = [
  detectTimeout,
  detectAudit,
  detectTscSyntax,
  detectEslintParsing,
  detectPrettierSyntax,
  detectJsImport,
  detectJsSyntax,
  detectTscImport,
  detectTscType,
  detectLint,
  detectTestFailure,
  detectRuntime,
  detectBuild,
];
