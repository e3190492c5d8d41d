/**
 * Markdown for what an `/auto-fix` did: one line per attempt (healer or agent, the re-run's exit code)
 * and the reason it stopped, for the job summary and the body of a fix pull request. Pure; the caller
 * redacts. Output tails go in a collapsed block so the page stays short.
 */
import { fenceCode } from '../prompts/untrusted-text.js';
import type { AutoFixAttempt } from './auto-fix.js';
import type { AutoFixJobResult } from './auto-fix-job.js';
import { describeTarget } from './fix-target.js';

export function renderAttempt(attempt: AutoFixAttempt): string {
  const what = attempt.kind === 'healer' ? `healer \`${attempt.name}\`` : `agent \`${attempt.name}\``;
  const rerun = attempt.verification
    ? `\`${attempt.verification.command}\` exited ${attempt.verification.exitCode}${attempt.verification.timedOut ? ' (timed out)' : ''}`
    : 'changed nothing, so nothing was re-run';
  const mark = attempt.verification?.passed ? '✅' : '❌';
  return `${mark} attempt ${attempt.attempt}/${attempt.of}: ${what} — ${oneLine(attempt.tried)}; ${rerun}`;
}

export function renderFixReport(result: AutoFixJobResult): string {
  const { fix } = result;
  const lines = [
    `**${fix.fixed ? 'Fixed' : 'Not fixed'}** — ${describeTarget(result.target)}, workflow run ${result.runId}, ` +
      `${result.analysis.class.replace(/_/g, ' ')} in the job "${result.analysis.jobName}".`,
    '',
    `Failing command: \`${result.failingCommand}\``,
    '',
    ...(fix.attempts.length > 0
      ? fix.attempts.map((a) => `- ${renderAttempt(a)}`)
      : ['- no attempt was made']),
    '',
    `${fix.fixed ? 'Result' : 'Stopped'}: ${fix.reason}`,
    '',
    `Model calls: ${fix.modelCalls}${fix.modelCalls > 0 ? ` (${fix.tokens} tokens, $${fix.costUsd.toFixed(4)})` : ''}`,
  ];
  const last = fix.attempts.at(-1)?.verification ?? fix.baseline;
  if (!fix.fixed && last) {
    lines.push(
      '',
      '<details><summary>Last output</summary>',
      '',
      fenceCode(last.outputTail),
      '',
      '</details>',
    );
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
