/**
 * `autodev status` as text: one block per run (state, tasks, agents, tokens, cost, duration) and the
 * bottlenecks at the end. Pure: summaries in, lines out.
 */
import { type Bottleneck, formatDuration, type RunSummary, type TaskSummary } from './bottlenecks.js';

const STATE_MARKS: Record<string, string> = {
  planning: '…',
  'awaiting-approval': '?',
  running: '▶',
  integrating: '⇉',
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  queued: '·',
  skipped: '-',
};

export function renderStatus(runs: readonly RunSummary[], bottlenecks: readonly Bottleneck[]): string {
  if (runs.length === 0)
    return 'No runs yet. Label an issue "autodev" or comment /parallel-dev to start one.\n';
  const blocks = runs.map(renderRun);
  const lines = [blocks.join('\n')];
  lines.push(
    bottlenecks.length === 0
      ? 'Bottlenecks: none.'
      : ['Bottlenecks:', ...bottlenecks.map((b) => `  ! ${b.message}`)].join('\n'),
  );
  return `${lines.join('\n')}\n`;
}

function renderRun(run: RunSummary): string {
  const done = run.taskCounts.succeeded;
  const head = [
    `${STATE_MARKS[run.state] ?? ' '} ${run.id}`,
    `${run.repo}#${run.issueNumber}`,
    run.state,
    `${done}/${run.tasks.length} tasks`,
    `${run.tokens.toLocaleString('en-US')} tokens`,
    `$${run.costUsd.toFixed(2)}`,
    formatDuration(run.durationMs),
  ].join('  ');
  const lines = [head, `  ${run.title}`];
  if (run.reason) lines.push(`  ${run.reason}`);
  if (run.pullRequest) lines.push(`  pull request #${run.pullRequest.number}: ${run.pullRequest.url}`);
  if (run.tasks.length > 0) lines.push(...taskTable(run.tasks).map((line) => `  ${line}`));
  if (run.backends.length > 0) {
    const agents = run.backends.map(
      (b) => `${b.backend} ${b.succeeded}✓ ${b.failed}✗${b.running ? ` ${b.running}▶` : ''}`,
    );
    lines.push(`  agents: ${agents.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function taskTable(tasks: readonly TaskSummary[]): string[] {
  const rows = tasks.map((t) => [
    `${STATE_MARKS[t.state] ?? ' '} ${t.id}`,
    t.state,
    [t.agent, t.backend].filter(Boolean).join(' @ ') || '-',
    durationCell(t),
    t.tokens.toLocaleString('en-US'),
    `$${t.costUsd.toFixed(2)}`,
    [
      t.retries > 0 ? `retried ${t.retries}×` : '',
      t.blockedBy.length > 0 ? `blocked by ${t.blockedBy.join(', ')}` : '',
      t.state === 'failed' && t.reason ? t.reason : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  const header = ['task', 'state', 'agent', 'time', 'tokens', 'cost', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function durationCell(task: TaskSummary): string {
  const spent = task.durationMs === undefined ? '-' : formatDuration(task.durationMs);
  if (!task.estimateMinutes) return spent;
  return `${spent} / est ${task.estimateMinutes}m${task.overEstimate ? ' (over)' : ''}`;
}
