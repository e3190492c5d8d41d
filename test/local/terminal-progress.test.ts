/**
 * The live view of `autodev run`: the pure renderer against golden files (one per run state, from the
 * progress comment's sample runs), its width and escaping rules, and both drivers — in place on a
 * terminal (throttled redraws with cursor movement) and appended plain lines elsewhere (CI logs).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createTerminalDisplay,
  formatElapsed,
  renderTerminalProgress,
} from '../../app/local/terminal-progress.js';
import { RUN_STATES, type Run } from '../../app/runs/run.js';
import { NOW, terminalRuns } from './terminal-runs.js';

const goldenDir = fileURLToPath(new URL('./__golden__/', import.meta.url));

describe('renderTerminalProgress golden files', () => {
  it.each(RUN_STATES)('%s', (state) => {
    const text = `${renderTerminalProgress(terminalRuns[state], NOW, { width: 100, color: false }).join('\n')}\n`;
    const file = `${goldenDir}terminal-${state}.txt`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, text);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing; run the tests once with UPDATE_GOLDEN=1`);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('renderTerminalProgress', () => {
  const running = terminalRuns.running;

  it('shows each task with its symbol, state, agent, duration and wave', () => {
    const lines = renderTerminalProgress(running, NOW, { width: 100, color: false });
    expect(lines[0]).toBe('autodev run k3v9x0q2ab · running · wave 2 · 12m34s');
    expect(lines.find((l) => l.includes(' t2 '))).toBe(
      '  ▸ t2  Wire the toggle into settings  running    coder-2   8m04s  wave 2',
    );
    expect(lines.find((l) => l.includes(' t1 '))).toMatch(/✔ t1 .* succeeded {2}coder-1 {3}3m12s {2}wave 1$/);
    expect(lines.find((l) => l.includes(' t4 '))).toMatch(/^ {2}· t4 {2}Test both themes +queued$/);
    expect(lines).toContain(
      '      ↳ gate `npm test` still failing after 3 attempts: 2 of 14 tests in test/theme.test.ts',
    );
    expect(lines.at(-1)).toBe('4 tasks · 1 succeeded · 1 running · 1 queued · 1 failed');
  });

  it('keeps every line within the width, cutting the title first', () => {
    for (const width of [40, 61, 80]) {
      const lines = renderTerminalProgress(running, NOW, { width, color: false });
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(width);
      expect(lines.find((l) => l.includes(' t2 '))).toContain('running');
    }
    expect(renderTerminalProgress(running, NOW, { width: 61, color: false })).toContain(
      '  ▸ t2  Wire the toggle …  running    coder-2   8m04s  wave 2',
    );
  });

  /* eslint-disable no-control-regex -- these tests are about escape codes */
  it('colours by state only when asked', () => {
    const colored = renderTerminalProgress(running, NOW, { width: 100, color: true });
    expect(colored[0]).toMatch(/^\x1b\[1mautodev run/);
    expect(colored.find((l) => l.includes(' t1 '))).toMatch(/^\x1b\[32m.*\x1b\[0m$/);
    expect(colored.find((l) => l.includes(' t3 '))).toMatch(/^\x1b\[31m/);
    expect(renderTerminalProgress(running, NOW, { width: 100, color: false }).join('')).not.toContain('\x1b');
  });

  it('lets no escape code or line break from a title or reason reach the terminal', () => {
    const hostile = structuredClone(running);
    hostile.tasks[0]!.title = 'Clear\x1b[2J the screen\nand\x07 beep \u202Eevil';
    hostile.tasks[2]!.reason = 'line one\nline two\x1b]0;title\x07';
    const lines = renderTerminalProgress(hostile, NOW, { width: 120, color: false });
    expect(lines.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(lines.find((l) => l.includes(' t1 '))).toContain('Clear the screen and  beep  evil');
    expect(lines.length).toBe(renderTerminalProgress(running, NOW, { width: 120, color: false }).length);
  });

  /* eslint-enable no-control-regex */

  it('says it is planning before there are tasks', () => {
    expect(renderTerminalProgress(terminalRuns.planning, NOW, { width: 80, color: false })).toEqual([
      'autodev run k3v9x0q2ab · planning · 12m34s',
      '  planning the tasks from the spec…',
    ]);
  });

  it('formats durations for a column', () => {
    expect([0, 1_234, 59_999, 61_000, 3_599_000, 3_720_000].map(formatElapsed)).toEqual([
      '0.0s',
      '1.2s',
      '60.0s',
      '1m01s',
      '59m59s',
      '1h02m',
    ]);
  });
});

describe('createTerminalDisplay off a terminal (CI logs)', () => {
  it('appends one plain line per change, never cursor codes', () => {
    const out: string[] = [];
    let now = Date.parse('2025-01-15T10:00:05Z');
    const display = createTerminalDisplay({
      stream: { write: (t: string) => out.push(t), isTTY: false },
      now: () => new Date(now),
    });
    const run = structuredClone(terminalRuns.planning);
    display.update(run);
    display.update(run); // nothing changed: nothing printed
    const planned: Run = {
      ...run,
      state: 'running',
      tasks: [
        {
          id: 't1',
          title: 'Add square',
          role: 'coder',
          dependsOn: [],
          state: 'queued',
          links: {},
          tokens: 0,
          costUsd: 0,
        },
        {
          id: 't2',
          title: 'Add circle',
          role: 'coder',
          dependsOn: ['t1'],
          state: 'queued',
          links: {},
          tokens: 0,
          costUsd: 0,
        },
      ],
      waves: [{ number: 1, taskIds: ['t1'], workflowRuns: [], dispatchedAt: run.createdAt }],
    };
    display.update(planned);
    now += 2_000;
    const started = structuredClone(planned);
    Object.assign(started.tasks[0]!, {
      state: 'running',
      agent: 'coder-1',
      startedAt: new Date(now).toISOString(),
    });
    display.update(started);
    now += 1_500;
    const ended = structuredClone(started);
    Object.assign(ended, {
      state: 'failed',
      reason: 'task t1 failed',
      finishedAt: new Date(now).toISOString(),
    });
    Object.assign(ended.tasks[0]!, {
      state: 'failed',
      reason: 'gate `npm test`\nfailed',
      finishedAt: new Date(now).toISOString(),
    });
    Object.assign(ended.tasks[1]!, {
      state: 'skipped',
      reason: 'waits for failed task t1',
      finishedAt: new Date(now).toISOString(),
    });
    display.update(ended);
    display.note('see the log');
    display.close();
    expect(out.join('')).toBe(
      [
        '[5.0s] run k3v9x0q2ab planning',
        '[5.0s] run k3v9x0q2ab running (2 tasks)',
        '[7.0s] t1 running · coder-1 · wave 1 · Add square',
        '[8.5s] run k3v9x0q2ab failed (2 tasks): task t1 failed',
        '[8.5s] t1 failed in 1.5s: gate `npm test` failed',
        '[8.5s] t2 skipped: waits for failed task t1',
        'see the log',
        '',
      ].join('\n'),
    );
  });
});

describe('createTerminalDisplay on a terminal', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('redraws in place, at most once per interval, and once more on close', () => {
    jest.useFakeTimers({ now: Date.parse('2025-01-15T10:12:34Z') });
    const out: string[] = [];
    const display = createTerminalDisplay({
      stream: { write: (t: string) => out.push(t), isTTY: true, columns: 81 },
      color: false,
      now: () => NOW,
    });
    const run = terminalRuns.running;
    const height = renderTerminalProgress(run, NOW, { width: 80, color: false }).length;
    display.update(run);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(`${renderTerminalProgress(run, NOW, { width: 80, color: false }).join('\n')}\n`);

    jest.advanceTimersByTime(50);
    display.update(run);
    display.update(run);
    expect(out).toHaveLength(1); // throttled
    jest.advanceTimersByTime(150);
    expect(out).toHaveLength(2);
    // Back to the first line of the last drawing, clear below, draw again.
    expect(out[1]!.startsWith(`\x1b[${height}F\x1b[J`)).toBe(true);

    display.note('Wave 1 merged.');
    expect(out[2]).toBe(`\x1b[${height}F\x1b[JWave 1 merged.\n`);
    expect(out[3]!.startsWith('autodev run k3v9x0q2ab')).toBe(true); // the view again, below the note

    display.close();
    const after = out.length;
    jest.advanceTimersByTime(5_000);
    expect(out).toHaveLength(after); // no ticking after close
  });
});
