/**
 * Reads a GitHub Actions job log as the "download job logs" API serves it: every line prefixed with an
 * ISO timestamp, each step opened by `##[group]Run <command>` whose header (the script, `shell:`, `with:`,
 * `env:`) ends at `##[endgroup]`, output after it, and `##[error]` / `##[warning]` / `##[debug]` markers.
 * Also takes `gh run view --log` output (job and step name before each line, tab-separated) and plain
 * logs without any marker. Timestamps, ANSI colours and CR are removed; the result is the list of steps
 * with their output lines and markers.
 */

export type MarkerKind = 'error' | 'warning' | 'notice';

export interface LogMarker {
  kind: MarkerKind;
  message: string;
  /** Index of the step in `ParsedActionsLog.steps`. */
  step: number;
  /** Index of the line in that step's `lines`. */
  line: number;
}

export interface LogStep {
  /** The group title (`Run npm test`, `Run actions/checkout@v4`), the step name `gh` gave, or `Set up job`. */
  name: string;
  /** The script of a `run:` step, as the step header shows it; absent for `uses:` steps and plain logs. */
  command?: string;
  /** Output lines after the step header, markers stripped of their prefix, debug lines left out. */
  lines: string[];
  /** Exit code from the runner's `Process completed with exit code N.` line. */
  exitCode?: number;
}

export interface ParsedActionsLog {
  steps: LogStep[];
  markers: LogMarker[];
  /** False for a plain log: no timestamps and no `##[` markers at all. */
  actionsFormat: boolean;
}

const TIMESTAMP = /^\uFEFF?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;
const GH_CLI_PREFIX = /^([^\t]*)\t([^\t]*)\t(?=\uFEFF?\d{4}-\d{2}-\d{2}T)/;
// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const MARKER = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\](.*)$/;
const EXIT_CODE = /^Process completed with exit code (\d+)\.$/;

/** Removes ANSI escape sequences (colours, cursor moves, hyperlinks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

interface RawLine {
  text: string;
  /** Step name from `gh run view --log`, when present. */
  ghStep?: string;
}

function splitLines(log: string): { lines: RawLine[]; actionsFormat: boolean } {
  let actionsFormat = false;
  const lines = log
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((raw): RawLine => {
      let text = raw;
      let ghStep: string | undefined;
      const gh = GH_CLI_PREFIX.exec(text);
      if (gh) {
        ghStep = gh[2];
        text = text.slice(gh[0].length);
      }
      const stamp = TIMESTAMP.exec(text);
      if (stamp) {
        actionsFormat = true;
        text = text.slice(stamp[0].length);
      }
      text = stripAnsi(text).replace(/^\uFEFF/, '');
      if (text.startsWith('##[')) actionsFormat = true;
      return ghStep === undefined ? { text } : { text, ghStep };
    });
  while (lines.length > 0 && lines[lines.length - 1]?.text === '') lines.pop();
  return { lines, actionsFormat };
}

/** A step header group holds the script lines, then `shell:` and `env:`/`with:` blocks. */
function commandFromHeader(header: string[]): string | undefined {
  const shellAt = header.findIndex((line) => /^shell: /.test(line));
  if (shellAt < 0) return undefined;
  const script = header.slice(0, shellAt).join('\n').trim();
  return script || undefined;
}

const isActionRef = (title: string): boolean =>
  /^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(title) || title.startsWith('docker://');

/** Parses a job log into steps and markers; never throws (anything unrecognised is output). */
export function parseActionsLog(log: string): ParsedActionsLog {
  const { lines, actionsFormat } = splitLines(log);
  const steps: LogStep[] = [];
  const markers: LogMarker[] = [];
  let current: LogStep | undefined;
  let header: string[] | undefined;
  let nestedGroups = 0;

  const open = (name: string): LogStep => {
    const step: LogStep = { name, lines: [] };
    steps.push(step);
    return step;
  };

  for (const { text, ghStep } of lines) {
    const marker = MARKER.exec(text);
    const kind = marker?.[1];
    const body = marker?.[2] ?? text;

    if (kind === 'group' && body.startsWith('Run ') && nestedGroups === 0) {
      current = open(ghStep ?? body);
      header = [];
      continue;
    }
    if (header) {
      if (kind === 'endgroup') {
        const title = current?.name.replace(/^Run /, '') ?? '';
        const command =
          commandFromHeader(header) ?? (isActionRef(title) || header.length > 0 ? undefined : title);
        if (current && command !== undefined) current.command = command;
        header = undefined;
      } else {
        header.push(body);
      }
      continue;
    }
    if (!current || (ghStep !== undefined && ghStep !== current.name)) {
      current = open(ghStep ?? (actionsFormat ? 'Set up job' : ''));
    }
    if (text === 'Post job cleanup.' && nestedGroups === 0) current = open('Post job cleanup');

    if (kind === 'group') {
      nestedGroups += 1;
      current.lines.push(body);
    } else if (kind === 'endgroup') {
      nestedGroups = Math.max(0, nestedGroups - 1);
    } else if (kind === 'debug') {
      continue;
    } else if (kind === 'error' || kind === 'warning' || kind === 'notice') {
      const exit = EXIT_CODE.exec(body);
      if (exit && kind === 'error') current.exitCode = Number(exit[1]);
      markers.push({ kind, message: body, step: steps.indexOf(current), line: current.lines.length });
      current.lines.push(body);
    } else {
      current.lines.push(body);
    }
  }
  return { steps, markers, actionsFormat };
}

/** The steps that carry an `##[error]` marker, in log order; for a plain log, its one step. */
export function failedSteps(parsed: ParsedActionsLog): LogStep[] {
  const failed = new Set(parsed.markers.filter((m) => m.kind === 'error').map((m) => m.step));
  if (failed.size === 0) return parsed.actionsFormat ? [] : parsed.steps.slice(0, 1);
  return parsed.steps.filter((_, index) => failed.has(index));
}
