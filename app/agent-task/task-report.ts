/**
 * The check run of a task, rendered from its TaskResult: a title, a summary with the gate table and
 * the spend, and the failing gates' output. Pure; the caller redacts. Everything said about a gate
 * comes from its GateResult, i.e. from a command that ran.
 */
import type { GateResult, TaskResult } from '../agents/task-result.js';
import { fenceCode } from '../prompts/untrusted-text.js';
import type { CheckRunOutput } from '../scm/scm.js';

// GitHub refuses check run summaries and texts longer than this.
export const CHECK_OUTPUT_CHARS = 65_535;

export function checkRunName(taskId: string): string {
  return `autodev task ${taskId}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

function gateRow(gate: GateResult): string {
  const verdict = gate.passed ? '✅ passed' : gate.exitCode < 0 ? '⛔ not run' : '❌ failed';
  const exit = gate.exitCode < 0 ? '—' : String(gate.exitCode);
  return `| ${gate.name} | \`${cell(gate.command)}\` | ${verdict} | ${exit} | ${formatDuration(gate.durationMs)} |`;
}

export function gateTable(gates: GateResult[]): string {
  if (gates.length === 0) {
    return 'No validation gate ran: none is configured (`gates` in .github/autodev.yml), or the task stopped before them.';
  }
  return [
    '| Gate | Command | Result | Exit code | Duration |',
    '| --- | --- | --- | --- | --- |',
    ...gates.map(gateRow),
  ].join('\n');
}

export function runningOutput(title: string): CheckRunOutput {
  return { title: 'Agent working', summary: `The agent is working on **${cell(title)}**.` };
}

export function checkRunOutput(title: string, result: TaskResult): CheckRunOutput {
  const ok = result.status === 'succeeded';
  const passed = result.gates.filter((gate) => gate.passed).length;
  const headline = ok
    ? result.gates.length > 0
      ? `${passed} of ${result.gates.length} gates passed`
      : 'Done; no gates configured'
    : 'Task failed';
  const where = result.commit
    ? `\`${result.branch}\` at \`${result.commit.slice(0, 12)}\``
    : `\`${result.branch}\` (not pushed)`;
  const summary = [
    `**${cell(title)}** (task \`${result.taskId}\` of run \`${result.runId}\`)`,
    '',
    ok ? `**Succeeded** on ${where}.` : `**Failed:** ${result.reason ?? 'no reason recorded'}`,
    '',
    gateTable(result.gates),
    '',
    `| Backend | Attempts | Tokens | Cost | Duration |`,
    '| --- | --- | --- | --- | --- |',
    `| ${cell(result.backend)} | ${result.attempts} | ${result.tokens.toLocaleString('en-US')} | $${result.costUsd.toFixed(4)} | ${formatDuration(result.durationMs)} |`,
    ...(result.summary ? ['', '**Agent summary**', '', fenceCode(result.summary)] : []),
  ].join('\n');
  const failing = result.gates.filter((gate) => !gate.passed);
  const text = failing
    .map(
      (gate) => `### \`${cell(gate.command)}\` (exit code ${gate.exitCode})\n\n${fenceCode(gate.outputTail)}`,
    )
    .join('\n\n');
  return {
    title: headline,
    summary: clamp(summary),
    ...(text ? { text: clamp(text) } : {}),
  };
}

function clamp(text: string): string {
  if (text.length <= CHECK_OUTPUT_CHARS) return text;
  const note = '\n\n… (cut to fit GitHub’s limit)';
  return text.slice(0, CHECK_OUTPUT_CHARS - note.length) + note;
}
