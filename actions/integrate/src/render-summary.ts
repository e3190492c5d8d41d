/**
 * The job summary of an integration and the one-line reason the step fails. Pure; the caller redacts.
 * Every gate verdict comes from its GateResult, i.e. from a command that ran.
 */
import type { IntegrationResult, TaskMergeResult } from '../../../app/integrate/integrate-wave.js';
import { gateTable } from '../../../app/agent-task/task-report.js';
import { fenceCode } from '../../../app/prompts/untrusted-text.js';

const ICONS: Record<TaskMergeResult['status'], string> = {
  merged: '✅ merged',
  resolved: '🔀 resolved',
  conflicted: '❌ conflicted',
  missing: '⚠️ missing',
};

/** A note is one table cell: an integrator's long summary is cut, the result JSON keeps it whole. */
const NOTE_CHARS = 300;

function cell(text: string, max = Infinity): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/\|/g, '\\|');
}

function mergeRow(merge: TaskMergeResult): string {
  const commit = merge.commit ? `\`${merge.commit.slice(0, 12)}\`` : '—';
  const files = merge.files?.length ? merge.files.map((path) => `\`${cell(path)}\``).join(', ') : '—';
  return `| \`${merge.taskId}\` | ${ICONS[merge.status]} | ${commit} | ${files} | ${cell(merge.note ?? '', NOTE_CHARS)} |`;
}

export function renderSummary(wave: number, result: IntegrationResult): string {
  const problem = integrationProblem(result);
  return [
    `### ${problem ? '❌' : '✅'} autodev integration of wave ${wave}`,
    '',
    `\`${result.branch}\` at \`${result.head.slice(0, 12)}\`${problem ? `: ${cell(problem)}` : ''}`,
    '',
    '| Task | Result | Merge commit | Files | Note |',
    '| --- | --- | --- | --- | --- |',
    ...result.merges.map(mergeRow),
    '',
    '**Gates on the integrated tree**',
    '',
    gateTable(result.gates),
    '',
    ...result.gates
      .filter((gate) => !gate.passed)
      .flatMap((gate) => [
        `**\`${cell(gate.command)}\`** (exit code ${gate.exitCode})`,
        '',
        fenceCode(gate.outputTail),
        '',
      ]),
  ].join('\n');
}

/** Why the step fails (a conflict left unresolved, a failing gate), or undefined when it does not. */
export function integrationProblem(result: IntegrationResult): string | undefined {
  const problems: string[] = [];
  const conflicted = result.merges.filter((merge) => merge.status === 'conflicted');
  if (conflicted.length > 0) {
    const list = conflicted.map((merge) =>
      merge.files?.length ? `${merge.taskId} (${merge.files.join(', ')})` : merge.taskId,
    );
    problems.push(`not merged because of conflicts: ${list.join(', ')}`);
  }
  if (!result.passed) {
    const failed = result.gates
      .filter((gate) => !gate.passed)
      .map((gate) => `${gate.name} (\`${gate.command}\`)`);
    problems.push(`gates failed on the integrated tree: ${failed.join(', ')}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
