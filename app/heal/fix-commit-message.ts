/**
 * The commit an `/auto-fix` lands as: a Conventional Commits `fix(ci): …` subject naming what fixed
 * the failure, the failing command before and after, and a trailer with the failure's signature so a
 * later run can tell which failure a commit answered. Pure; the caller redacts.
 */
import type { FailureAnalysis } from './failure-analysis.js';
import type { HealerName } from './healer-names.js';

const SUBJECT_CHARS = 100;

const HEALER_SUBJECTS: Record<HealerName, string> = {
  prettier: 'format with prettier',
  eslint: 'apply eslint --fix',
  'missing-dependency': 'add the missing dependency',
  lockfile: 'refresh the lockfile',
  snapshots: 'update test snapshots',
};

export interface FixStep {
  kind: 'healer' | 'agent';
  /** Healer name or agent backend. */
  name: string;
  /** What it did, one line (a healer's summary, the agent's own summary). */
  summary: string;
}

export interface FixCommitInput {
  analysis: Pick<FailureAnalysis, 'class' | 'messages' | 'signature' | 'jobName'>;
  failingCommand: string;
  /** Every step whose changes the commit holds, in order. */
  steps: FixStep[];
  /** Issue or pull request the fix answers. */
  refs?: number;
}

export function fixCommitMessage(input: FixCommitInput): string {
  const last = input.steps.at(-1);
  const what =
    last?.kind === 'healer' && last.name in HEALER_SUBJECTS
      ? HEALER_SUBJECTS[last.name as HealerName]
      : `${input.analysis.class.replace(/_/g, ' ')}: ${oneLine(input.analysis.messages[0] ?? 'failing check')}`;
  let subject = `fix(ci): ${what}`;
  if (subject.length > SUBJECT_CHARS) subject = `${subject.slice(0, SUBJECT_CHARS - 1)}…`;
  const steps = input.steps.map((step) => `- ${step.kind} ${step.name}: ${oneLine(step.summary) || 'done'}`);
  const body = [
    `\`${input.failingCommand}\` failed in the job "${oneLine(input.analysis.jobName)}" and passes after:`,
    steps.join('\n'),
    [
      ...(input.refs === undefined ? [] : [`Refs #${input.refs}`]),
      `autodev-auto-fix: ${input.analysis.signature}`,
    ].join('\n'),
  ];
  return `${subject}\n\n${body.join('\n\n')}\n`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
