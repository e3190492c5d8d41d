/**
 * What the agent is told after an attempt whose gates failed, and what a maintainer is told when the
 * last attempt still failed. Pure. Gate output is written by code the agent changed, so for the model
 * it is untrusted data: it goes through `fenceUntrusted` as one block (the prompt input
 * `previous_attempt` must be a single fence).
 */
import type { GateResult } from '../agents/task-result.js';
import { fenceUntrusted } from '../prompts/untrusted-text.js';

export function gateFeedback(gates: GateResult[], attempt: number): string {
  const failed = gates.filter((gate) => !gate.passed);
  const text = failed
    .map((gate) => `$ ${gate.command}\n(exit code ${gate.exitCode})\n${gate.outputTail.trimEnd()}`)
    .join('\n\n');
  return fenceUntrusted(text, `the validation gates after attempt ${attempt}`);
}

/** The previous attempt ended in an error inside the backend rather than in failing gates. */
export function errorFeedback(summary: string, attempt: number): string {
  return fenceUntrusted(summary || 'no detail given', `the error that ended attempt ${attempt}`);
}

/** The last lines of a gate's output, on one line: enough to recognise the failure in a sentence. */
export function excerpt(output: string, maxChars = 300): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^… \(\d+ earlier characters cut\)$/.test(line));
  const text = lines.slice(-3).join(' ⏎ ');
  return text.length <= maxChars ? text : `…${text.slice(-(maxChars - 1))}`;
}

export function failingGatesReason(gates: GateResult[], attempts: number): string {
  const failed = gates.filter((gate) => !gate.passed);
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (failed.length === 0) return `the gates did not pass after ${tries}`;
  const names = failed.map((gate) => `\`${gate.command}\``).join(', ');
  const first = failed[0]!;
  const detail = excerpt(first.outputTail);
  const verb = failed.length === 1 ? 'gate' : 'gates';
  const where = failed.length === 1 ? '' : `\`${first.command}\`: `;
  return `${verb} ${names} still failing after ${tries}: ${where}${detail || `exit code ${first.exitCode}`}`;
}

export function refusedGatesReason(refused: GateResult[]): string {
  const names = refused.map((gate) => `\`${gate.command}\``).join(', ');
  const detail = refused[0]?.outputTail.replace(/^not run: /, '') ?? '';
  return (
    `gate ${names} could not run (${detail}); add its program to \`allowedCommands\` in ` +
    '.github/autodev.yml or change `gates`'
  );
}
