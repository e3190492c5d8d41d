/**
 * The progress comment: one per run, edited in place. Rendered from the Run alone, so any replica can
 * repaint it and painting the same Run twice gives the same text.
 *
 * Text that people or models wrote (task titles, the goal, reasons) is escaped as markdown-text.ts
 * describes; the command line and identifiers (task ids, agents, backends, branches) go in code spans.
 */
import type { Command } from '../commands/command.js';
import { FINAL_RUN_STATES } from '../runs/run.js';
import type { PlanSummary, Run, RunState, Task, TaskState } from '../runs/run.js';
import {
  codeSpan,
  escapeLineStart,
  escapeText,
  formatCost,
  formatTokens,
  link,
  mention,
} from './markdown-text.js';

export interface ProgressOptions {
  now: Date;
  links?: { dashboard?: string; workflowRun?: string };
}

export const PROGRESS_MARKER_PREFIX = '<!-- autodev:progress run=';
const RUN_ID = '[A-Za-z0-9._-]{1,64}';

export function progressMarker(runId: string): string {
  // The id goes inside an HTML comment; anything outside this alphabet could end the comment early.
  if (!new RegExp(`^${RUN_ID}$`).test(runId)) throw new Error(`run id not usable in a marker: ${runId}`);
  return `${PROGRESS_MARKER_PREFIX}${runId} -->`;
}

/**
 * Only a marker at the very start counts, so a reply quoting the progress comment is not mistaken
 * for it. Anyone can type a marker, so callers still check that the bot wrote the comment.
 */
export function findRunIdInComment(body: string): string | null {
  const match = new RegExp(`^\\s*<!-- autodev:progress run=(${RUN_ID}) -->`).exec(body);
  return match?.[1] ?? null;
}

const RUN_LABELS: Record<RunState, string> = {
  planning: '🧠 **Planning**',
  'awaiting-approval': '✋ **Awaiting approval**',
  running: '🔄 **Running**',
  integrating: '🔀 **Integrating**',
  succeeded: '✅ **Succeeded**',
  failed: '❌ **Failed**',
  cancelled: '🚫 **Cancelled**',
};

const TASK_LABELS: Record<TaskState, string> = {
  queued: '🕒 queued',
  running: '🔄 running',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
};

// Once the run is over nothing is still moving; the run's reason says why these tasks stopped.
const ENDED_TASK_LABELS: Partial<Record<TaskState, string>> = {
  queued: '➖ not started',
  running: '⏹️ stopped',
};

export function renderProgress(run: Run, options: ProgressOptions): string {
  const final = FINAL_RUN_STATES.includes(run.state);
  const endedAt = final ? Date.parse(run.finishedAt ?? run.updatedAt) : options.now.getTime();
  const lines = [
    progressMarker(run.id),
    `**autodev** · ${RUN_LABELS[run.state]} · run ${codeSpan(run.id)} · ${triggerText(run)}`,
    '',
  ];
  if (run.plan?.goal) lines.push(`**Goal:** ${escapeText(run.plan.goal, 500)}`, '');
  if (run.plan) lines.push(...prpSummary(run.plan));
  if (run.tasks.length > 0) {
    const done = run.tasks.filter((t) => t.state === 'succeeded').length;
    const beforeWork = run.state === 'planning' || run.state === 'awaiting-approval';
    const tasks = run.tasks.length === 1 ? '1 task' : `${run.tasks.length} tasks`;
    lines.push(`**Plan** · ${beforeWork ? tasks : `${done} of ${tasks} succeeded`}`);
    lines.push(...checklist(run, endedAt), '');
    // Warnings from planning (too wide for the agent range, a strategy overriding the model …)
    // matter most to the person deciding whether to approve.
    if (run.state === 'awaiting-approval' && run.plan?.notes?.length) {
      lines.push(...run.plan.notes.slice(0, 5).map((note) => `> ${escapeText(note, 300)}`), '');
    }
  } else if (run.state === 'planning') {
    lines.push('Planning the tasks from the spec; the plan appears here when it is ready.', '');
  }
  const stats = `${formatTokens(run.tokens)} tokens · ${formatCost(run.costUsd)}`;
  const elapsed = formatDuration(endedAt - Date.parse(run.createdAt));
  lines.push(final ? `**Total:** ${stats} · took ${elapsed}` : `**So far:** ${stats} · ${elapsed} elapsed`);
  const pullRequest = pullRequestLine(run);
  if (pullRequest) lines.push('', pullRequest);
  const reason = reasonLine(run);
  if (reason) lines.push('', reason);
  lines.push('', footer(run, options));
  return `${lines.join('\n')}\n`;
}

/**
 * GitHub refuses comments over 65,536 characters. The checklist gets most of that; past it, finished
 * tasks are counted instead of listed, then the rest is cut with a count.
 */
const CHECKLIST_CHARS = 50_000;

function checklist(run: Run, endedAt: number): string[] {
  const lines = run.tasks.map((task) => ({ task, line: taskLine(task, run.state, endedAt) }));
  const size = (xs: { line: string }[]) => xs.reduce((n, x) => n + x.line.length + 1, 0);
  if (size(lines) <= CHECKLIST_CHARS) return lines.map((x) => x.line);
  const open = lines.filter((x) => x.task.state !== 'succeeded' && x.task.state !== 'skipped');
  const closed = lines.length - open.length;
  const shown: string[] = [];
  let used = 0;
  for (const x of open) {
    if (used + x.line.length + 1 > CHECKLIST_CHARS) break;
    shown.push(x.line);
    used += x.line.length + 1;
  }
  const hidden = open.length - shown.length;
  const counts = [
    closed > 0 ? `${closed} finished task${closed === 1 ? '' : 's'} not listed` : undefined,
    hidden > 0 ? `${hidden} more task${hidden === 1 ? '' : 's'} not listed` : undefined,
  ].filter(Boolean);
  return [...shown, `- … ${counts.join(', ')} (the comment would be too long for GitHub)`];
}

/** Criteria past this many are counted, not listed: the comment is a summary, the PRP holds the rest. */
const CRITERIA_SHOWN = 5;

/**
 * The PRP at a glance, for the person deciding whether to approve: why, how the work is ordered, what
 * must pass and how "done" is judged. Plans without a PRP (older runs, the outline planner) show none.
 */
function prpSummary(plan: PlanSummary): string[] {
  const lines: string[] = [];
  if (plan.why) lines.push(`**Why:** ${escapeText(plan.why, 200)}`);
  const shape = [
    plan.strategy === undefined ? undefined : `**Strategy:** ${codeSpan(plan.strategy)}`,
    plan.pattern === undefined ? undefined : `**Pattern:** ${codeSpan(plan.pattern)}`,
    plan.waveCount === undefined ? undefined : plan.waveCount === 1 ? '1 wave' : `${plan.waveCount} waves`,
    plan.criticalPathMinutes === undefined
      ? undefined
      : `critical path ≈ ${formatMinutes(plan.criticalPathMinutes)}`,
  ].filter(Boolean);
  if (shape.length > 0) lines.push(shape.join(' · '));
  const learned = plan.learned ?? [];
  if (learned.length > 0) {
    const each = learned.map(
      (e) =>
        `${codeSpan(e.kind)} ≈ ${formatMinutes(e.minutes)} (${e.runs} earlier, ${Math.round(e.successRate * 100)}% succeeded)`,
    );
    lines.push(`**From earlier runs here:** ${each.join(' · ')}`);
  }
  const gates = plan.validationGates ?? [];
  if (gates.length > 0) lines.push(`**Validation gates:** ${gates.map((g) => codeSpan(g)).join(' · ')}`);
  const criteria = plan.acceptanceCriteria ?? [];
  if (criteria.length > 0) {
    lines.push(
      '**Acceptance criteria:**',
      ...criteria.slice(0, CRITERIA_SHOWN).map((c) => `- ${escapeLineStart(escapeText(c, 200))}`),
    );
    if (criteria.length > CRITERIA_SHOWN) lines.push(`- …and ${criteria.length - CRITERIA_SHOWN} more`);
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

/** Estimates are rough, so whole minutes: `45 min`, `2h 05m`. */
function formatMinutes(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  if (whole < 60) return `${whole} min`;
  return `${Math.floor(whole / 60)}h ${String(whole % 60).padStart(2, '0')}m`;
}

function triggerText(run: Run): string {
  const { trigger } = run;
  const what = trigger.kind === 'issue' ? 'issue labelled autodev' : codeSpan(commandText(trigger.command));
  return `${what} by ${mention(trigger.actor)}`;
}

function commandText(command: Command): string {
  const args: [string, string | number | undefined][] =
    command.name === 'parallel-dev'
      ? [
          ['strategy', command.strategy],
          ['instances', command.instances],
          ['complexity', command.complexity],
          ['budget', command.budget],
          ['feature', command.feature],
        ]
      : command.name === 'auto-fix'
        ? [['attempts', command.attempts]]
        : [];
  const rest = command.name === 'plan' ? command.feedback : command.name === 'retry' ? command.taskId : '';
  const text = args
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (/\s/.test(String(value)) ? `${key}="${value}"` : `${key}=${value}`));
  return [`/${command.name}`, ...text, rest].filter(Boolean).join(' ');
}

function taskLine(task: Task, runState: RunState, endedAt: number): string {
  const final = FINAL_RUN_STATES.includes(runState);
  const beforeWork = runState === 'planning' || runState === 'awaiting-approval';
  const state = (final ? ENDED_TASK_LABELS[task.state] : undefined) ?? TASK_LABELS[task.state];
  const parts = [
    beforeWork && task.state === 'queued' ? undefined : state,
    codeSpan(task.agent ?? task.role),
    task.backend === undefined ? undefined : codeSpan(task.backend),
    taskDuration(task, endedAt),
    recoveryText(task, final, endedAt),
    afterText(task.dependsOn),
    link('log', task.links.jobLog),
    link('branch', task.links.branch),
    link('PR', task.links.pullRequest),
  ];
  const box = task.state === 'succeeded' ? '[x]' : '[ ]';
  const line = `- ${box} ${codeSpan(task.id)} ${escapeText(task.title, 120)} — ${parts.filter(Boolean).join(' · ')}`;
  return task.reason ? `${line}\n  ↳ ${escapeText(task.reason, 300)}` : line;
}

/** A phase barrier can make a task wait for dozens; the line names a few and counts the rest. */
const DEPENDENCIES_SHOWN = 5;

function afterText(dependsOn: readonly string[]): string | undefined {
  if (dependsOn.length === 0) return undefined;
  const shown = dependsOn.slice(0, DEPENDENCIES_SHOWN).map((id) => codeSpan(id));
  const more = dependsOn.length - shown.length;
  return `after ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Where a retried task stands: which attempt, on which backend, and when the next one may start. */
function recoveryText(task: Task, final: boolean, now: number): string | undefined {
  const parts: string[] = [];
  if (task.retries) parts.push(`retry ${task.retries}`);
  if (task.reassignedTo) parts.push(`reassigned to ${codeSpan(task.reassignedTo)}`);
  const due = task.notBefore ? Date.parse(task.notBefore) : NaN;
  if (!final && task.state === 'queued' && due > now) parts.push(`next try in ${formatDuration(due - now)}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function pullRequestLine(run: Run): string | undefined {
  const pr = run.pullRequest;
  if (!pr) return undefined;
  const target = link(`#${pr.number}`, pr.url) ?? `#${pr.number}`;
  return `**Pull request:** ${target}${pr.draft ? ' (draft)' : ''}`;
}

function taskDuration(task: Task, endedAt: number): string | undefined {
  if (!task.startedAt) return undefined;
  const end = task.finishedAt ? Date.parse(task.finishedAt) : endedAt;
  return formatDuration(end - Date.parse(task.startedAt));
}

function reasonLine(run: Run): string | undefined {
  const reason = run.reason ? escapeText(run.reason, 500) : undefined;
  switch (run.state) {
    case 'failed':
    case 'cancelled':
      return `**Reason:** ${reason ?? 'none was recorded.'}`;
    case 'awaiting-approval':
      return `${reason ? `${reason}\n` : ''}Reply \`/approve\` to start, or \`/plan <feedback>\` to re-plan.`;
    default:
      return reason;
  }
}

function footer(run: Run, options: ProgressOptions): string {
  const anyFailed = run.tasks.some((t) => t.state === 'failed');
  const retry = anyFailed ? ['`/retry <task-id>`'] : [];
  const commands: Record<RunState, string[]> = {
    planning: ['`/status`', '`/cancel`'],
    'awaiting-approval': ['`/approve`', '`/plan <feedback>`', '`/status`', '`/cancel`'],
    running: ['`/status`', ...retry, '`/cancel`'],
    integrating: ['`/status`', '`/cancel`'],
    succeeded: ['`/parallel-dev` (new run)', '`/help`'],
    failed: [...retry, '`/parallel-dev` (new run)', '`/help`'],
    cancelled: ['`/parallel-dev` (new run)', '`/help`'],
  };
  const links = [
    link('Dashboard', options.links?.dashboard),
    link('Workflow run', options.links?.workflowRun),
  ];
  return `<sub>Commands: ${[...commands[run.state], ...links.filter(Boolean)].join(' · ')}</sub>`;
}

/** `45s`, `3m 12s`, `1h 05m`: precise enough to tell a stuck task from a slow one. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
}
