/**
 * The progress comment of one `/auto-fix`: what is being fixed and how the fix will be delivered, one
 * row per attempt (what was tried, what changed, whether the failing command passed afterwards), and
 * the outcome with its reason. Pure, so the control plane and the auto-fix action render it alike.
 */
import { clean, codeSpan, escapeText, link } from '../progress/markdown-text.js';
import type { AutoFixAttempt } from './auto-fix.js';
import type { AutoFixReport, AutoFixRequest } from './auto-fix-state.js';

export type AutoFixProgress =
  /** Dispatched; no runner has reported yet. */
  | { state: 'queued' }
  /** Attempts so far, as the action reports them. */
  | { state: 'running'; attempts: AutoFixAttempt[] }
  | { state: 'finished'; report: AutoFixReport }
  /** The workflow ended without a report on the state branch: what its jobs say is all there is. */
  | { state: 'unreported'; conclusion: string; jobs: { name: string; conclusion: string | null }[] };

const MARKER = (id: number) => `<!-- autodev:auto-fix workflow-run=${id} -->`;

export function renderAutoFixComment(request: AutoFixRequest, progress: AutoFixProgress): string {
  const failed =
    link(
      `${escapeText(request.failedRun.workflow, 60)} run ${request.failedRun.id}`,
      request.failedRun.url,
    ) ?? `run ${request.failedRun.id}`;
  const workflowRun = link('auto-fix workflow run', request.workflowRunUrl) ?? 'the auto-fix workflow';
  const delivery =
    request.deliver === 'push'
      ? `A verified fix is pushed to ${codeSpan(request.branch)}.`
      : `A verified fix is opened as a new pull request against ${codeSpan(request.branch)}` +
        `${request.deliverReason ? ` (${escapeText(request.deliverReason, 200)})` : ''}.`;
  const lines = [
    `### 🔧 autodev auto-fix — ${headline(progress)}`,
    '',
    `Fixing ${failed} at ${codeSpan(request.failedRun.headSha.slice(0, 7))}, at most ${request.attempts} ` +
      `attempt${request.attempts === 1 ? '' : 's'} (deterministic healers first, then an agent). ` +
      `${delivery} Follow it in the ${workflowRun}.`,
  ];
  const attempts =
    progress.state === 'running'
      ? progress.attempts
      : progress.state === 'finished'
        ? progress.report.attempts
        : [];
  if (attempts.length > 0) lines.push('', ...attemptTable(attempts));
  lines.push('', outcome(request, progress), '', MARKER(request.workflowRunId));
  return lines.join('\n');
}

function headline(progress: AutoFixProgress): string {
  switch (progress.state) {
    case 'queued':
      return 'waiting for a runner';
    case 'running':
      return `attempt ${progress.attempts.length + 1} running`;
    case 'finished':
      return progress.report.fixed ? 'fixed' : 'stopped';
    case 'unreported':
      return 'ended without a result';
  }
}

function attemptTable(attempts: AutoFixAttempt[]): string[] {
  const rows = attempts.map((a) => {
    const tried = `${codeSpan(a.name, 40)} ${escapeText(a.tried, 160)}`;
    const changed =
      a.changed.length === 0
        ? 'nothing'
        : `${a.changed.length} file${a.changed.length === 1 ? '' : 's'}` +
          (a.changed.length <= 3 ? ` (${a.changed.map((f) => codeSpan(f, 60)).join(', ')})` : '');
    const check = a.verification
      ? a.verification.passed
        ? `✅ ${codeSpan(a.verification.command, 60)} passes`
        : `❌ ${codeSpan(a.verification.command, 60)} exit ${a.verification.exitCode}` +
          (a.verification.timedOut ? ' (timed out)' : '')
      : '— not re-run';
    return `| ${a.attempt}/${a.of} | ${a.kind} | ${tried} | ${changed} | ${check} |`;
  });
  return ['| # | By | Tried | Changed | Failing command after |', '|---|---|---|---|---|', ...rows];
}

function outcome(request: AutoFixRequest, progress: AutoFixProgress): string {
  switch (progress.state) {
    case 'queued':
      return '⏳ Dispatched; this comment is updated as the attempts end.';
    case 'running':
      return '⏳ Working on it; this comment is updated as the attempts end.';
    case 'unreported': {
      const jobs = progress.jobs
        .map(
          (job) =>
            `${codeSpan(job.name, 60)} ${job.conclusion === 'success' ? '✅' : `❌ ${job.conclusion ?? 'unfinished'}`}`,
        )
        .join(', ');
      return (
        `The auto-fix workflow ended (${codeSpan(progress.conclusion, 30)}) without reporting its attempts here` +
        `${jobs ? `; its jobs: ${jobs}` : ''}. Its run summary has the details. ` +
        (progress.conclusion === 'success'
          ? ''
          : 'Nothing is known to be fixed; ask again with `/auto-fix` once the cause is dealt with.')
      ).trimEnd();
    }
    case 'finished': {
      const { report } = progress;
      const reason = escapeText(clean(report.reason, 600), 600);
      if (!report.fixed) return `🛑 **Stopped:** ${reason}`;
      const where = report.pullRequest
        ? ` The fix is in ${link(`pull request #${report.pullRequest.number}`, report.pullRequest.url) ?? `#${report.pullRequest.number}`}.`
        : report.pushed
          ? ` Pushed ${codeSpan(report.pushed.sha.slice(0, 7))} to ${codeSpan(report.pushed.branch)}.`
          : '';
      const cost =
        report.modelCalls === 0
          ? ' No model call was needed.'
          : ` ${report.modelCalls} model call${report.modelCalls === 1 ? '' : 's'}.`;
      return `✅ **Fixed:** ${reason}.${where}${cost}${
        request.deliver === 'push'
          ? " A push made with the workflow's token starts no workflows: CI checks the fix on the next push, or run it by hand."
          : ''
      }`;
    }
  }
}

/** The auto-fix workflow run a progress comment belongs to, or null. */
export function autoFixRunOfComment(body: string): number | null {
  const match = /<!-- autodev:auto-fix workflow-run=(\d+) -->\s*$/.exec(body);
  return match?.[1] ? Number(match[1]) : null;
}
