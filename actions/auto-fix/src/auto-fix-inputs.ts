/** The auto-fix action's inputs, read once and checked, with messages that say what to change. */
import { join } from 'node:path';
import { JOB_OUTCOMES, type JobOutcome } from '../../../app/heal/auto-fix-report.js';

export type AutoFixMode = 'heal' | 'publish' | 'report';

interface CommonInputs {
  token: string;
  patchFile: string;
  resultFile: string;
}

/** heal and publish: the pull request or branch to fix. */
export interface FixInputs extends CommonInputs {
  mode: 'heal' | 'publish';
  target: { pullRequest: number } | { branch: string };
  runId?: number;
  attempts?: number;
  path: string;
  backend: string;
}

/** report: how the heal and publish jobs ended, for the report on the state branch. */
export interface ReportInputs extends CommonInputs {
  mode: 'report';
  workflowRunId: number;
  heal: { outcome: JobOutcome; error: string };
  publish: { outcome: JobOutcome; result: string; error: string };
}

export type AutoFixInputs = FixInputs | ReportInputs;

type GetInput = (name: string, options?: { required?: boolean }) => string;

export function readAutoFixInputs(getInput: GetInput, temp: string): AutoFixInputs {
  const mode = getInput('mode').trim() || 'heal';
  const common = {
    token: getInput('github-token', { required: true }),
    patchFile: getInput('patch-file').trim() || join(temp, 'autodev-fix.patch'),
    resultFile: getInput('result-file').trim() || join(temp, 'autodev-auto-fix.json'),
  };
  if (mode === 'report') return readReportInputs(getInput, common);
  if (mode !== 'heal' && mode !== 'publish') {
    throw new Error(`mode must be heal, publish or report, not "${mode}"`);
  }
  const pull = getInput('pull-request').trim();
  const branch = getInput('branch').trim();
  if ((pull === '') === (branch === '')) {
    throw new Error('give exactly one of pull-request (a number) and branch (a branch of this repository)');
  }
  const runId = getInput('run-id').trim();
  const attempts = getInput('attempts').trim();
  return {
    mode,
    ...common,
    target: pull ? { pullRequest: whole('pull-request', pull, 1, Number.MAX_SAFE_INTEGER) } : { branch },
    ...(runId ? { runId: whole('run-id', runId, 1, Number.MAX_SAFE_INTEGER) } : {}),
    ...(attempts ? { attempts: whole('attempts', attempts, 1, 10) } : {}),
    path: getInput('path').trim() || '.',
    backend: getInput('backend').trim(),
  };
}

function readReportInputs(getInput: GetInput, common: CommonInputs): ReportInputs {
  const runId = getInput('workflow-run-id').trim();
  if (!runId) throw new Error('workflow-run-id must be the auto-fix workflow run, ${{ github.run_id }}');
  return {
    mode: 'report',
    ...common,
    workflowRunId: whole('workflow-run-id', runId, 1, Number.MAX_SAFE_INTEGER),
    heal: { outcome: outcome(getInput, 'heal-outcome'), error: getInput('heal-error').trim() },
    publish: {
      outcome: outcome(getInput, 'publish-outcome'),
      result: getInput('publish-result').trim(),
      error: getInput('publish-error').trim(),
    },
  };
}

/** How a job ended: `needs.<job>.result`. */
function outcome(getInput: GetInput, name: string): JobOutcome {
  const value = getInput(name).trim();
  const known = JOB_OUTCOMES.find((o) => o === value);
  if (!known) {
    const job = name.replace(/-outcome$/, '');
    throw new Error(
      `${name} must be how the ${job} job ended, \${{ needs.${job}.result }} (${JOB_OUTCOMES.join(', ')}), not "${value}"`,
    );
  }
  return known;
}

function whole(name: string, text: string, min: number, max: number): number {
  const value = Number(text.replace(/^#/, ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}
