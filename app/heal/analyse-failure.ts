/**
 * The failure analyser: from the logs of the failed jobs of a CI run, which of the nine failure classes
 * it is, how severe, the error messages, the file:line locations, whether a deterministic healer can fix
 * it without a model, and a signature that stays the same when the same failure happens again (so the
 * failure issue is found again instead of opened twice). Pure: takes log text, returns data.
 */
import { createHash } from 'node:crypto';
import { failedSteps, parseActionsLog, type LogStep } from './actions-log.js';
import type { FailureAnalysis, FailureLocation, JobLog } from './failure-analysis.js';
import { DETECTORS, type Finding } from './failure-detectors.js';
import { normaliseMessage } from './log-paths.js';

const MAX_MESSAGES = 20;
const MAX_LOCATIONS = 20;
const SIGNATURE_MESSAGES = 5;
const EXCERPT_BEFORE = 10;
const EXCERPT_LINES = 60;
const EXIT_LINE = /^Process completed with exit code \d+\.$/;

interface Ranked {
  analysis: FailureAnalysis;
  /** Position of the detector that named the failure; lower is more telling. */
  rank: number;
  /** Cancelled without a time limit: says least about the run when other jobs failed. */
  bareCancel: boolean;
}

/** Classes whose detector order decides; a finding from an earlier detector wins. */
function bestFinding(steps: LogStep[]): { finding: Finding; step: LogStep; rank: number } | undefined {
  let best: { finding: Finding; step: LogStep; rank: number } | undefined;
  for (const step of steps) {
    const input = { lines: step.lines, command: step.command, exitCode: step.exitCode };
    for (let rank = 0; rank < DETECTORS.length && rank < (best?.rank ?? Infinity); rank += 1) {
      const finding = DETECTORS[rank]?.(input);
      if (finding) {
        best = { finding, step, rank };
        break;
      }
    }
  }
  return best;
}

const dedupe = (items: string[]): string[] => [
  ...new Set(items.map((m) => m.trim()).filter((m) => m !== '')),
];

function dedupeLocations(locations: FailureLocation[]): FailureLocation[] {
  const seen = new Map<string, FailureLocation>();
  for (const loc of locations) seen.set(`${loc.file}:${loc.line ?? ''}:${loc.column ?? ''}`, loc);
  return [...seen.values()].slice(0, MAX_LOCATIONS);
}

/** sha-256 of the class and the normalised messages, sorted so parallel test output order does not matter. */
export function failureSignature(cls: string, messages: string[]): string {
  const normalised = [...new Set(messages.map(normaliseMessage))].sort().slice(0, SIGNATURE_MESSAGES);
  return createHash('sha256')
    .update([cls, ...normalised].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

function excerpt(step: LogStep, at: number): string {
  const start = Math.max(0, at - EXCERPT_BEFORE);
  return step.lines.slice(start, start + EXCERPT_LINES).join('\n');
}

function analyseRanked(log: JobLog): Ranked {
  const parsed = parseActionsLog(log.log);
  const failed = failedSteps(parsed);
  // A log without error markers (truncated, or not from a runner) is read whole.
  const steps = failed.length > 0 ? failed : parsed.steps.filter((s) => s.name !== 'Post job cleanup');
  const best = bestFinding(steps);
  const step = best?.step ?? steps[0] ?? { name: '', lines: [] };
  const markerMessages = parsed.markers
    .filter((m) => m.kind === 'error' && parsed.steps[m.step] === step && !EXIT_LINE.test(m.message))
    .map((m) => m.message);
  const finding: Finding = best?.finding ?? {
    class: 'build_failure',
    severity: 'high',
    messages:
      markerMessages.length > 0 ? markerMessages : ['The job failed without an error message in its log.'],
    locations: [],
    fixableWithoutModel: false,
    at: Math.max(0, step.lines.length - 1),
  };
  const messages = dedupe([...finding.messages, ...markerMessages]).slice(0, MAX_MESSAGES);
  const analysis: FailureAnalysis = {
    class: finding.class,
    severity: finding.severity,
    messages,
    locations: dedupeLocations(finding.locations),
    fixableWithoutModel: finding.fixableWithoutModel,
    signature: failureSignature(finding.class, finding.messages.length > 0 ? finding.messages : messages),
    jobName: log.jobName,
    excerpt: excerpt(step, finding.at),
  };
  if (step.command !== undefined) analysis.command = step.command;
  if (step.name !== '') analysis.step = step.name;
  return {
    analysis,
    rank: best?.rank ?? DETECTORS.length,
    bareCancel: finding.class === 'timeout' && finding.severity === 'low',
  };
}

/** Classifies the log of one failed job. */
export function analyseJobLog(log: JobLog): FailureAnalysis {
  return analyseRanked(log).analysis;
}

/**
 * Classifies a failed run from the logs of its failed jobs: the job whose failure says most (by the
 * detectors' precedence, a job merely cancelled last) names the run's failure.
 */
export function analyseFailure(logs: JobLog[]): FailureAnalysis {
  if (logs.length === 0) {
    throw new Error(
      'analyseFailure needs the log of at least one failed job; pass the failed jobs of the run.',
    );
  }
  const ranked = logs.map(analyseRanked);
  const sorted = ranked
    .map((r, order) => ({ r, order }))
    .sort(
      (a, b) => Number(a.r.bareCancel) - Number(b.r.bareCancel) || a.r.rank - b.r.rank || a.order - b.order,
    );
  const first = sorted[0];
  if (!first) throw new Error('analyseFailure found no job to analyse.');
  return first.r.analysis;
}
