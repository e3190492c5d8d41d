/**
 * The text of failure issues: the issue opened for a failure of a workflow on the default branch, the
 * comment when it fails again, the note when the workflow passes again, and the hidden marker at the
 * end of the issue body that lets autodev find the issue of a failure signature later (and tells
 * `/auto-fix` on the issue which run to fix). Pure: data in, markdown out.
 *
 * Log text is written by whatever ran in CI, so it only ever appears in code fences or code spans.
 */
import { clean, codeSpan, escapeText, link } from '../progress/markdown-text.js';
import { fenceCode, stripHidden } from '../prompts/untrusted-text.js';
import type { RepoRef } from '../runs/run.js';
import type { FailureAnalysis, FailureClass, FailureLocation } from './failure-analysis.js';

/** What the marker records; `run`/`attempt` are the newest failing run, `count` how often it failed. */
export interface FailureMarker {
  signature: string;
  workflow: string;
  run: number;
  attempt: number;
  count: number;
}

/** The finished workflow run an issue or comment is about. */
export interface FailedRunFacts {
  repo: RepoRef;
  workflowName: string;
  workflowPath: string;
  runId: number;
  runAttempt: number;
  runUrl: string;
  branch: string;
  headSha: string;
  /** The web address of the repository, e.g. https://github.com/octo-org/hello-world */
  repoUrl: string;
}

const CLASS_LABELS: Record<FailureClass, string> = {
  syntax_error: 'syntax error',
  import_error: 'import error',
  test_failure: 'failing tests',
  lint_error: 'lint errors',
  type_error: 'type errors',
  security_vulnerability: 'security vulnerability',
  build_failure: 'build failure',
  runtime_error: 'runtime error',
  timeout: 'timeout',
};

const MARKER = /<!-- autodev:ci-failure ((?:[a-z]+=\S+ )*[a-z]+=\S+) -->/g;
const MAX_TITLE = 120;
const MAX_MESSAGE = 400;
const MAX_EXCERPT = 20_000;
const MAX_MESSAGES_SHOWN = 10;

export function classLabel(failureClass: FailureClass): string {
  return CLASS_LABELS[failureClass];
}

export function renderMarker(marker: FailureMarker): string {
  const fields = [
    `signature=${encodeURIComponent(marker.signature)}`,
    `workflow=${encodeURIComponent(marker.workflow)}`,
    `run=${marker.run}`,
    `attempt=${marker.attempt}`,
    `count=${marker.count}`,
  ];
  return `<!-- autodev:ci-failure ${fields.join(' ')} -->`;
}

/**
 * The marker of a failure issue body, or null. Only the last one counts: it ends the body autodev
 * wrote, while anything earlier could have come from a log excerpt.
 */
export function parseMarker(body: string): FailureMarker | null {
  const matches = [...body.matchAll(MARKER)];
  const last = matches.at(-1);
  if (!last?.[1]) return null;
  const fields = new Map<string, string>();
  for (const pair of last[1].split(' ')) {
    const at = pair.indexOf('=');
    fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const decode = (key: string): string | null => {
    const value = fields.get(key);
    if (value === undefined) return null;
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  };
  const number = (key: string, fallback?: number): number | null => {
    const value = fields.get(key);
    if (value === undefined) return fallback ?? null;
    return /^\d+$/.test(value) ? Number(value) : null;
  };
  const signature = decode('signature');
  const workflow = decode('workflow');
  const run = number('run');
  const attempt = number('attempt', 1);
  const count = number('count', 1);
  if (!signature || workflow === null || run === null || attempt === null || count === null) return null;
  return { signature, workflow, run, attempt, count };
}

/** Replaces the marker autodev appended to a body (its last one), or appends one. */
export function withMarker(body: string, marker: FailureMarker): string {
  const matches = [...body.matchAll(MARKER)];
  const last = matches.at(-1);
  if (last?.index === undefined) return `${body.trimEnd()}\n\n${renderMarker(marker)}\n`;
  return body.slice(0, last.index) + renderMarker(marker) + body.slice(last.index + last[0].length);
}

export function failureIssueTitle(analysis: FailureAnalysis, workflowName: string): string {
  const first = analysis.messages[0];
  const head = `CI failure in ${clean(workflowName, 60)}: ${classLabel(analysis.class)}`;
  return first ? clean(`${head} — ${stripHidden(first)}`, MAX_TITLE) : head;
}

/** A link to the file (and line) at the failing commit, for a repository-relative path; else the path as code. */
export function locationLink(
  run: Pick<FailedRunFacts, 'repoUrl' | 'headSha'>,
  location: FailureLocation,
): string {
  const where = location.line !== undefined ? `${location.file}:${location.line}` : location.file;
  const relative =
    !location.file.startsWith('/') &&
    !location.file.split('/').includes('..') &&
    /^[\w@.+-][\w@./+ -]*$/.test(location.file);
  if (!relative) return codeSpan(where, 200);
  const path = location.file.split('/').map(encodeURIComponent).join('/');
  const anchor = location.line !== undefined ? `#L${location.line}` : '';
  return link(codeSpan(where, 200), `${run.repoUrl}/blob/${run.headSha}/${path}${anchor}`) ?? codeSpan(where);
}

function runLink(run: FailedRunFacts): string {
  return (
    link(`run ${run.runId}${run.runAttempt > 1 ? ` (attempt ${run.runAttempt})` : ''}`, run.runUrl) ??
    `run ${run.runId}`
  );
}

export function failureIssueBody(
  analysis: FailureAnalysis,
  run: FailedRunFacts,
  options: { autoFixOnItsOwn: boolean },
): string {
  const facts = [
    `| Class | ${codeSpan(analysis.class)} |`,
    `| Severity | ${analysis.severity} |`,
    `| Job | ${codeSpan(analysis.jobName)}${analysis.step ? ` — step ${codeSpan(analysis.step)}` : ''} |`,
    ...(analysis.command ? [`| Command | ${codeSpan(analysis.command, 200)} |`] : []),
    `| Fixable without a model | ${analysis.fixableWithoutModel ? 'yes' : 'no'} |`,
  ];
  const messages = analysis.messages
    .slice(0, MAX_MESSAGES_SHOWN)
    .map((m) => clean(stripHidden(m), MAX_MESSAGE));
  const more = analysis.messages.length - messages.length;
  const locations = analysis.locations.map((l) => `- ${locationLink(run, l)}`);
  const excerpt = stripHidden(analysis.excerpt);
  const cut = excerpt.length > MAX_EXCERPT ? `${excerpt.slice(0, MAX_EXCERPT)}\n…` : excerpt;
  return [
    `The workflow **${escapeText(run.workflowName, 80)}** failed on ${codeSpan(run.branch)} at ` +
      `${codeSpan(run.headSha.slice(0, 7))} (${runLink(run)}).`,
    '',
    '| | |',
    '|---|---|',
    ...facts,
    '',
    '### Errors',
    '',
    messages.length ? fenceCode(messages.join('\n'), 'text') : '_The log shows no error message._',
    ...(more > 0 ? ['', `…and ${more} more.`] : []),
    ...(locations.length ? ['', '### Where', '', ...locations] : []),
    '',
    '### Log excerpt',
    '',
    fenceCode(cut || '(empty)', 'text'),
    '',
    options.autoFixOnItsOwn
      ? 'autodev is trying a fix on its own (see the comments below).'
      : 'Comment `/auto-fix` here to let autodev try a fix; it opens a pull request with it.',
    '',
    'autodev comments here when the same failure happens again, and closes this issue when the workflow passes again.',
  ].join('\n');
}

export function recurrenceComment(run: FailedRunFacts, count: number, reopened: boolean): string {
  const times = `${count} ${count === 1 ? 'time' : 'times'}`;
  const lead = reopened
    ? `The same failure is back: **${escapeText(run.workflowName, 80)}** failed again`
    : `Failed again: **${escapeText(run.workflowName, 80)}**`;
  return `${lead} on ${codeSpan(run.branch)} at ${codeSpan(run.headSha.slice(0, 7))} (${runLink(run)}). Seen ${times} so far.`;
}

export function recoveryComment(run: FailedRunFacts): string {
  return (
    `✅ **${escapeText(run.workflowName, 80)}** passed on ${codeSpan(run.branch)} at ` +
    `${codeSpan(run.headSha.slice(0, 7))} (${runLink(run)}), so this failure is gone; closing. ` +
    'If it comes back, autodev reopens this issue.'
  );
}
