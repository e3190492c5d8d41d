/**
 * The live view of a local run. `renderTerminalProgress` is pure: a Run and a clock in, lines out, each
 * at most `width` columns (a wrapped line would break the in-place redraw). `createTerminalDisplay`
 * draws those lines in place on a terminal, at most once per interval; when the output is not a
 * terminal (CI logs, a pipe) it appends one plain line per change instead, since cursor movement
 * there only leaves escape codes in the log.
 */
import type { Run, Task, TaskState } from '../runs/run.js';

export interface TerminalProgressOptions {
  width: number;
  color: boolean;
}

const SYMBOLS: Record<TaskState, string> = {
  queued: '·',
  running: '▸',
  succeeded: '✔',
  failed: '✖',
  skipped: '↷',
};

const COLORS: Record<TaskState | 'bold' | 'dim', string> = {
  queued: '2',
  running: '36',
  succeeded: '32',
  failed: '31',
  skipped: '2',
  bold: '1',
  dim: '2',
};

const STATE_WIDTH = 'succeeded'.length;

export function renderTerminalProgress(run: Run, now: Date, options: TerminalProgressOptions): string[] {
  const width = Math.max(40, Math.floor(options.width));
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color && text ? `\x1b[${COLORS[style]}m${text}\x1b[0m` : text;
  const ended = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  const waves = run.waves?.length ?? 0;
  const header = [
    `autodev run ${run.id}`,
    run.state,
    waves > 0 ? `wave ${waves}` : undefined,
    formatElapsed(ended - Date.parse(run.createdAt)),
  ]
    .filter(Boolean)
    .join(' · ');
  const lines = [paint('bold', fit(header, width))];
  if (run.tasks.length === 0) {
    if (run.state === 'planning') lines.push(paint('dim', fit('  planning the tasks from the spec…', width)));
  }
  const idWidth = Math.max(...run.tasks.map((t) => clean(t.id).length), 2);
  const agentWidth = Math.max(...run.tasks.map((t) => clean(t.agent ?? '').length), 0);
  const longestTitle = Math.max(...run.tasks.map((t) => [...clean(t.title)].length), 8);
  // Once the run has ended, a task it left running stopped then, not now.
  const clock = new Date(ended);
  for (const task of run.tasks) {
    const wave = waveOf(run, task.id);
    const tail = [
      task.state.padEnd(STATE_WIDTH),
      clean(task.agent ?? '').padEnd(agentWidth),
      durationOf(task, clock).padStart(6),
      wave === undefined ? '      ' : `wave ${wave}`,
    ].join('  ');
    const fixed = 2 + 1 + 1 + idWidth + 2 + 2 + tail.length;
    const titleWidth = Math.max(8, Math.min(longestTitle, width - fixed));
    const title = fit(clean(task.title), titleWidth).padEnd(titleWidth);
    const line = `  ${SYMBOLS[task.state]} ${clean(task.id).padEnd(idWidth)}  ${title}  ${tail.trimEnd()}`;
    lines.push(paint(task.state, fit(line, width)));
    if ((task.state === 'failed' || task.state === 'skipped') && task.reason) {
      lines.push(paint('dim', fit(`      ↳ ${clean(task.reason)}`, width)));
    }
  }
  if (run.tasks.length > 0) lines.push(fit(countsLine(run.tasks), width));
  if ((run.state === 'failed' || run.state === 'cancelled') && run.reason) {
    lines.push(paint('failed', fit(`${run.state}: ${clean(run.reason)}`, width)));
  }
  return lines;
}

function countsLine(tasks: readonly Task[]): string {
  const order: TaskState[] = ['succeeded', 'running', 'queued', 'failed', 'skipped'];
  const parts = order
    .map((state) => [state, tasks.filter((t) => t.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  return `${tasks.length} task${tasks.length === 1 ? '' : 's'} · ${parts.join(' · ')}`;
}

function waveOf(run: Run, taskId: string): number | undefined {
  return run.waves?.find((w) => w.taskIds.includes(taskId))?.number;
}

function durationOf(task: Task, now: Date): string {
  if (!task.startedAt) return '';
  const end = task.finishedAt ? Date.parse(task.finishedAt) : now.getTime();
  return formatElapsed(end - Date.parse(task.startedAt));
}

/** 0.4s, 12.3s, 2m05s, 1h02m: short enough for a column, precise where it matters. */
export function formatElapsed(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 60_000) return `${(value / 1000).toFixed(1)}s`;
  const minutes = Math.floor(value / 60_000);
  if (minutes < 60) return `${minutes}m${String(Math.floor((value % 60_000) / 1000)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** Titles and reasons come from people and models: no escape codes or line breaks reach the terminal. */
function clean(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(UNPRINTABLE, ' ');
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

export interface DisplayStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TerminalDisplayOptions {
  stream: DisplayStream;
  /** Defaults to the stream's isTTY. */
  tty?: boolean;
  /** Defaults to tty and no NO_COLOR in the environment. */
  color?: boolean;
  now?: () => Date;
  /** Least time between two redraws on a terminal. */
  intervalMs?: number;
}

export interface TerminalDisplay {
  update(run: Run): void;
  /** A message that stays (printed above the live view on a terminal). */
  note(text: string): void;
  /** Draws the last state one final time and stops the timers. */
  close(): void;
}

export function createTerminalDisplay(options: TerminalDisplayOptions): TerminalDisplay {
  const tty = options.tty ?? Boolean(options.stream.isTTY);
  return tty ? liveDisplay(options) : appendingDisplay(options);
}

function liveDisplay(options: TerminalDisplayOptions): TerminalDisplay {
  const { stream } = options;
  const now = options.now ?? (() => new Date());
  const interval = options.intervalMs ?? 200;
  const color = options.color ?? !process.env.NO_COLOR;
  let latest: Run | undefined;
  let drawn = 0;
  let lastDraw = -Infinity;
  let pending: NodeJS.Timeout | undefined;
  const erase = () => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '');
  const draw = () => {
    clearTimeout(pending);
    pending = undefined;
    if (!latest) return;
    lastDraw = Date.now();
    const lines = renderTerminalProgress(latest, now(), { width: (stream.columns || 80) - 1, color });
    stream.write(`${erase()}${lines.map((line) => `${line}\n`).join('')}`);
    drawn = lines.length;
  };
  const schedule = () => {
    const wait = lastDraw + interval - Date.now();
    if (wait <= 0) draw();
    else pending ??= setTimeout(draw, wait);
  };
  // Running tasks' durations move on their own; one redraw a second keeps them honest.
  const ticker = setInterval(schedule, 1000);
  ticker.unref();
  return {
    update(run) {
      latest = run;
      schedule();
    },
    note(text) {
      stream.write(`${erase()}${text}\n`);
      drawn = 0;
      if (latest) draw();
    },
    close() {
      clearInterval(ticker);
      draw();
    },
  };
}

function appendingDisplay(options: TerminalDisplayOptions): TerminalDisplay {
  const now = options.now ?? (() => new Date());
  let seen: Run | undefined;
  const write = (run: Run, text: string) => {
    const at = formatElapsed(now().getTime() - Date.parse(run.createdAt));
    options.stream.write(`[${at}] ${clean(text)}\n`);
  };
  return {
    update(run) {
      const before = seen;
      seen = structuredClone(run);
      if (before?.state !== run.state) {
        const count = run.tasks.length;
        const tasks = count > 0 ? ` (${count} task${count === 1 ? '' : 's'})` : '';
        write(run, `run ${run.id} ${run.state}${tasks}${run.reason ? `: ${run.reason}` : ''}`);
      }
      for (const task of run.tasks) {
        const old = before?.tasks.find((t) => t.id === task.id);
        if (old?.state === task.state || (!old && task.state === 'queued')) continue;
        write(run, taskLine(run, task, now()));
      }
    },
    note(text) {
      options.stream.write(`${clean(text)}\n`);
    },
    close() {},
  };
}

function taskLine(run: Run, task: Task, now: Date): string {
  if (task.state === 'running') {
    const wave = waveOf(run, task.id);
    return `${task.id} running · ${task.agent ?? '?'}${wave === undefined ? '' : ` · wave ${wave}`} · ${task.title}`;
  }
  const took = task.startedAt ? ` in ${durationOf(task, now)}` : '';
  return `${task.id} ${task.state}${took}${task.reason ? `: ${task.reason}` : ''}`;
}
