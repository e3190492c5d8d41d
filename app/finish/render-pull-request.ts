/**
 * The run's pull request: title and body, rendered from the Run and the reported integrations alone
 * (pure, so finishing twice writes the same text). Every claim in it comes from something recorded:
 * task states from their jobs, merges and gate exit codes from the integrate job's report. What was
 * not reported is said to be unreported, never assumed. Untrusted text is escaped as in the progress
 * comment (markdown-text.ts).
 */
import { formatDuration } from '../progress/render-progress.js';
import {
  clean,
  codeSpan,
  escapeLineStart,
  escapeText,
  formatCost,
  formatTokens,
  link,
  mention,
} from '../progress/markdown-text.js';
import type { Run, Task } from '../runs/run.js';
import { taskBranchName } from '../workspace/git-worktrees.js';
import type { MergeStatus, TaskMerge, WaveIntegration } from './integration-source.js';

export interface WaveReport {
  wave: number;
  result: WaveIntegration | null;
}

export interface PullRequestContent {
  run: Run;
  /** The integration branch the pull request is opened from. */
  branch: string;
  integrations: WaveReport[];
  /** Why the pull request is (or should be) a draft; empty when it is ready for review. */
  draftReasons: string[];
  /** The pull request exists in the other draft state, and REST cannot change it. */
  draftMismatch?: 'should-be-draft' | 'should-be-ready';
}

export const PULL_REQUEST_MARKER_PREFIX = '<!-- autodev:pull-request run=';

/** GitHub refuses bodies over 65,536 characters; the long lists give way first. */
const LIST_CHARS = 20_000;

export function pullRequestTitle(run: Run): string {
  const what = clean(run.plan?.goal || run.trigger.title || 'Changes', 100);
  return `${what} (autodev run ${run.id})`;
}

/** The latest reported merge of each task (a retried task may be merged by a later wave). */
export function latestMerges(integrations: readonly WaveReport[]): Map<string, TaskMerge> {
  const merges = new Map<string, TaskMerge>();
  for (const { result } of integrations)
    for (const merge of result?.merges ?? []) merges.set(merge.taskId, merge);
  return merges;
}

/** Why the pull request should not be ready for review: failed gates, unmerged work, failed tasks. */
export function draftReasons(run: Run, integrations: readonly WaveReport[]): string[] {
  const reasons: string[] = [];
  const unmerged = [...latestMerges(integrations).values()].filter(
    (m) => m.status === 'conflicted' || m.status === 'missing',
  );
  if (unmerged.length > 0) {
    reasons.push(`not merged: ${unmerged.map((m) => `${m.taskId} (${m.status})`).join(', ')}`);
  }
  const failedGates = integrations.flatMap(({ result }) => result?.gates.filter((g) => !g.passed) ?? []);
  if (failedGates.length > 0) {
    reasons.push(`gates failed: ${failedGates.map((g) => `${g.command} (exit ${g.exitCode})`).join(', ')}`);
  }
  const notDone = run.tasks.filter((t) => t.state !== 'succeeded');
  if (notDone.length > 0)
    reasons.push(`tasks not done: ${notDone.map((t) => `${t.id} (${t.state})`).join(', ')}`);
  return reasons;
}

export function renderPullRequestBody(content: PullRequestContent): string {
  const { run } = content;
  const lines = [
    `${PULL_REQUEST_MARKER_PREFIX}${run.id} -->`,
    `**autodev** run ${codeSpan(run.id)} · ${origin(run)} · ${count(run.tasks.length, 'task')} in ${count(
      run.waves?.length ?? 0,
      'wave',
    )}`,
    '',
    ...draftNotice(content),
    ...summary(run),
    '## Tasks',
    '',
    ...capped(run.tasks.map((task) => taskLine(run, task))),
    '',
    '## Integration',
    '',
    ...integration(content),
    '## Validation gates',
    '',
    ...gates(content.integrations),
    '',
    `**Usage:** ${formatTokens(run.tokens)} tokens · ${formatCost(run.costUsd)}`,
    '',
  ];
  // Only an issue can be closed; a run started from a comment on a pull request names none.
  if (!run.trigger.onPullRequest) lines.push(`Closes #${run.issueNumber}`, '');
  lines.push(
    `<sub>Opened by autodev from branch ${codeSpan(content.branch, 120)}; the progress comment on #${
      run.issueNumber
    } has the run's history.</sub>`,
  );
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function origin(run: Run): string {
  const by = mention(run.trigger.actor);
  return run.trigger.kind === 'issue'
    ? `issue #${run.issueNumber} by ${by}`
    : `requested by ${by} on #${run.issueNumber}`;
}

function draftNotice(content: PullRequestContent): string[] {
  const lines: string[] = [];
  if (content.draftReasons.length > 0) {
    lines.push(
      '> [!WARNING]',
      '> This pull request is a draft: it is not ready to merge as it is.',
      ...content.draftReasons.map((reason) => `> - ${escapeLineStart(escapeText(reason, 600))}`),
    );
  }
  if (content.draftMismatch === 'should-be-ready') {
    lines.push(
      '> [!NOTE]',
      '> Everything is merged and every reported gate passed. GitHub lets autodev change the draft state only',
      '> over GraphQL, so please use **Ready for review** below.',
    );
  } else if (content.draftMismatch === 'should-be-draft') {
    lines.push(
      '>',
      '> It was opened as ready for review earlier; treat it as a draft until the above is fixed.',
    );
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

function summary(run: Run): string[] {
  const plan = run.plan;
  const lines = ['## Summary', '', `**Goal:** ${escapeText(plan?.goal || run.trigger.title, 2000)}`];
  if (plan?.why) lines.push('', `**Why:** ${escapeText(plan.why, 2000)}`);
  const criteria = plan?.acceptanceCriteria ?? [];
  if (criteria.length > 0) {
    lines.push(
      '',
      '**Acceptance criteria:**',
      ...criteria.map((c) => `- ${escapeLineStart(escapeText(c, 500))}`),
    );
  }
  return [...lines, ''];
}

const RESULT_LABELS: Record<Task['state'], string> = {
  queued: '➖ not started',
  running: '⏹️ stopped',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
};

function taskLine(run: Run, task: Task): string {
  const tried = task.retries ? `after ${task.retries + 1} attempts` : undefined;
  const took =
    task.startedAt && task.finishedAt
      ? formatDuration(Date.parse(task.finishedAt) - Date.parse(task.startedAt))
      : undefined;
  const parts = [
    RESULT_LABELS[task.state],
    tried,
    codeSpan(task.agent ?? task.role),
    task.backend === undefined ? undefined : codeSpan(task.backend),
    took,
    `branch ${codeSpan(taskBranchName(run.id, task.id), 120)}`,
    link('job log', task.links.jobLog),
  ];
  const line = `- ${codeSpan(task.id)} ${escapeText(task.title, 200)} — ${parts.filter(Boolean).join(' · ')}`;
  return task.reason ? `${line}\n  ↳ ${escapeText(task.reason, 500)}` : line;
}

const MERGE_LABELS: Record<MergeStatus, string> = {
  merged: '✅ merged',
  resolved: '🔧 merged after resolving conflicts',
  conflicted: '⚠️ **conflicted: not merged**',
  missing: '⚠️ **branch missing: not merged**',
};

function integration(content: PullRequestContent): string[] {
  const lines: string[] = [];
  const unmerged = [...latestMerges(content.integrations).values()].filter(
    (m) => m.status === 'conflicted' || m.status === 'missing',
  );
  // Work left out of the pull request goes first: it is what a reviewer must not miss.
  if (unmerged.length > 0) {
    lines.push(`**Not in this pull request** (their branches are kept):`);
    lines.push(...unmerged.map((m) => `- ${mergeLine(content.run, m)}`), '');
  }
  for (const { wave, result } of content.integrations) {
    const ids = content.run.waves?.find((w) => w.number === wave)?.taskIds ?? [];
    lines.push(`**Wave ${wave}** (${ids.map((id) => codeSpan(id)).join(', ')})`);
    if (!result) {
      lines.push('- Integration results were not reported for this wave.', '');
      continue;
    }
    const reported = new Set(result.merges.map((m) => m.taskId));
    lines.push(...capped(result.merges.map((m) => `- ${mergeLine(content.run, m)}`)));
    // A task the report leaves out is said to be left out, never counted as merged.
    for (const id of ids.filter((i) => !reported.has(i))) lines.push(`- ${codeSpan(id)}: not in the report`);
    lines.push('');
  }
  if (content.integrations.length === 0) lines.push('No wave was integrated.', '');
  return lines;
}

function mergeLine(run: Run, merge: TaskMerge): string {
  const files = merge.files?.length
    ? ` — ${merge.files
        .slice(0, 20)
        .map((f) => codeSpan(f, 200))
        .join(', ')}`
    : '';
  const more = (merge.files?.length ?? 0) > 20 ? ` and ${(merge.files?.length ?? 0) - 20} more` : '';
  const note = merge.note ? ` (${escapeText(merge.note, 300)})` : '';
  const contest = merge.competition ? ` — best of N: ${escapeText(merge.competition.reason, 300)}` : '';
  const branch =
    merge.status === 'conflicted' ? ` · branch ${codeSpan(taskBranchName(run.id, merge.taskId), 120)}` : '';
  return `${codeSpan(merge.taskId)}: ${MERGE_LABELS[merge.status]}${files}${more}${note}${contest}${branch}`;
}

function gates(integrations: readonly WaveReport[]): string[] {
  const rows = integrations.flatMap(({ wave, result }) =>
    (result?.gates ?? []).map(
      (g) =>
        `| ${wave} | ${codeSpan(g.command, 200)} | ${g.exitCode} | ${g.passed ? '✅ passed' : '❌ failed'} | ${formatDuration(g.durationMs)} |`,
    ),
  );
  if (rows.length === 0) {
    return ['No gate results were reported, so this pull request claims nothing about tests, lint or types.'];
  }
  return [
    'Run by the integrate job on the merged branch; only these commands are known to have run.',
    '',
    '| Wave | Command | Exit code | Result | Took |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** Keeps a long list within its share of GitHub's body limit and counts what it leaves out. */
function capped(lines: string[]): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > LIST_CHARS) break;
    shown.push(line);
    used += line.length + 1;
  }
  const hidden = lines.length - shown.length;
  return hidden > 0
    ? [...shown, `- … ${hidden} more not listed (the body would be too long for GitHub)`]
    : shown;
}
