import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  findRunIdInComment,
  formatDuration,
  PROGRESS_MARKER_PREFIX,
  progressMarker,
  renderProgress,
} from '../../app/progress/render-progress.js';
import { RUN_STATES } from '../../app/runs/run.js';
import type { Run } from '../../app/runs/run.js';
import { LINKS, NOW, sampleRuns } from './sample-runs.js';

const goldenDir = fileURLToPath(new URL('./__golden__/', import.meta.url));

describe('renderProgress golden files', () => {
  it.each(RUN_STATES)('%s', (state) => {
    const options = state === 'running' ? { now: NOW, links: LINKS } : { now: NOW };
    const body = renderProgress(sampleRuns[state], options);
    const file = `${goldenDir}${state}.md`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, body);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing; run the tests once with UPDATE_GOLDEN=1`);
    expect(body).toBe(readFileSync(file, 'utf8'));
  });
});

describe('progress marker', () => {
  it('is the first line and gives the run id back', () => {
    const body = renderProgress(sampleRuns.running, { now: NOW });
    expect(body.startsWith(`${PROGRESS_MARKER_PREFIX}ab12cd34 -->\n`)).toBe(true);
    expect(findRunIdInComment(body)).toBe('ab12cd34');
    expect(findRunIdInComment(progressMarker('run_2.x-y'))).toBe('run_2.x-y');
  });

  it('is not found in a reply quoting the comment, or in other comments', () => {
    const body = renderProgress(sampleRuns.running, { now: NOW });
    expect(findRunIdInComment(`> ${body}`)).toBeNull();
    expect(findRunIdInComment(`thanks!\n${body}`)).toBeNull();
    expect(findRunIdInComment('/status')).toBeNull();
  });

  it('refuses a run id that could end the HTML comment', () => {
    expect(() => progressMarker('ab --> <b>x</b>')).toThrow(/marker/);
  });
});

describe('final states', () => {
  const ongoing = /\b(running|queued|in progress|working|so far|elapsed|waiting)\b|🔄|⏳/i;

  it.each(['succeeded', 'failed', 'cancelled'] as const)('%s reads as over', (state) => {
    const body = renderProgress(sampleRuns[state], { now: NOW });
    expect(body).not.toMatch(ongoing);
    expect(body).toMatch(/\*\*Total:\*\*/);
    const footer = body.split('\n').find((line) => line.startsWith('<sub>Commands:'));
    expect(footer).toBeDefined();
    expect(footer).not.toMatch(/\/cancel|\/status|\/approve/);
  });

  it('shows tasks that were cut short as stopped or not started, timed to the end of the run', () => {
    const body = renderProgress(sampleRuns.failed, { now: NOW });
    // t2 started 10:04:30; the run failed at 10:20:00 (the clock says 10:12:34, which must not matter).
    expect(body).toMatch(/`t2` Wire the toggle into settings — ⏹️ stopped · `coder-2` · .* · 15m 30s/);
    expect(body).toMatch(/`t4` Test both themes — ➖ not started/);
    expect(body).toContain('**Reason:** Task t3 failed its gates 3 times');
  });

  it('a running run does say so, with the live duration and the commands to stop it', () => {
    const body = renderProgress(sampleRuns.running, { now: NOW });
    expect(body).toMatch(/`t2` .* 🔄 running .* 8m 04s/);
    expect(body).toContain('`/cancel`');
    expect(body).toContain('**So far:** 123,456 tokens · $0.42 · 12m 34s elapsed');
  });
});

describe('awaiting approval', () => {
  it('tells the person how to approve or re-plan', () => {
    const body = renderProgress(sampleRuns['awaiting-approval'], { now: NOW });
    expect(body).toContain('Reply `/approve` to start, or `/plan <feedback>` to re-plan.');
    expect(body).toContain('issue labelled autodev by @bob');
  });
});

describe('escaping text from people and models', () => {
  const hostile = 'Fix `x` <img src=x onerror=alert(1)> @everyone ]]> [click](javascript:alert(1)) **bold**';
  const run: Run = {
    ...sampleRuns.running,
    tasks: [{ ...sampleRuns.running.tasks[0]!, title: hostile, reason: '<script>@acme/admins</script>' }],
    reason: 'note\n\n# heading <details>',
  };
  const body = renderProgress(run, { now: NOW });
  const line = body.split('\n').find((l) => l.startsWith('- [x] `t1`')) ?? '';

  it('keeps HTML inert', () => {
    expect(body).not.toMatch(/<img|<script|<details/i);
    expect(line).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(line).toContain('\\]\\]&gt;');
  });

  it('notifies nobody', () => {
    expect(body).not.toMatch(/@everyone|@acme\/admins/);
    expect(line).toContain('@\u200beveryone');
  });

  it('cannot open code spans, links or emphasis, or start a heading', () => {
    const title = line.slice('- [x] `t1` '.length, line.indexOf(' — '));
    expect(title).toMatch(/^Fix \\`x\\` /);
    expect(title.replace(/\\[`[\]*]/g, '')).not.toMatch(/[`[\]*]/);
    expect(body).not.toMatch(/^#/m);
  });

  it('does not link to non-web URLs', () => {
    const bad = { ...sampleRuns.running.tasks[0]!, links: { jobLog: 'javascript:alert(1)' } };
    const rendered = renderProgress({ ...sampleRuns.running, tasks: [bad] }, { now: NOW });
    expect(rendered).not.toContain('javascript:');
    expect(rendered).not.toContain('[log]');
  });
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45s'],
    [192_000, '3m 12s'],
    [65_000, '1m 05s'],
    [3_900_000, '1h 05m'],
    [-5_000, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('PRP summary', () => {
  const base = sampleRuns['awaiting-approval'];

  it('is left out for plans without a PRP', () => {
    const body = renderProgress({ ...base, plan: { goal: 'Only a goal' } }, { now: NOW });
    expect(body).not.toMatch(/\*\*(Why|Strategy|Pattern|Validation gates|Acceptance criteria):\*\*/);
  });

  it('keeps model-written criteria and reasons inert', () => {
    const plan = {
      goal: 'g',
      why: 'Because\n# heading <script>alert(1)</script> @everyone',
      acceptanceCriteria: ['1. ordered?', '> quote', '- nested', '<img src=x>'],
      validationGates: ['npm test -- `x`'],
    };
    const body = renderProgress({ ...base, plan }, { now: NOW });
    expect(body).toContain(
      '**Why:** Because # heading &lt;script&gt;alert(1)&lt;/script&gt; @\u200beveryone',
    );
    // `>` is already an entity, which starts no quote; the others need a backslash.
    expect(body).toContain('- 1\\. ordered?\n- &gt; quote\n- \\- nested\n- &lt;img src=x&gt;');
    expect(body).toContain('**Validation gates:** `` npm test -- `x` ``');
    expect(body).not.toMatch(/^#|<script|<img/m);
  });

  it('names a few dependencies of a task and counts the rest', () => {
    const dependsOn = Array.from({ length: 8 }, (_, i) => `d${i}`);
    const task = { ...base.tasks[0]!, dependsOn };
    const body = renderProgress({ ...base, tasks: [task] }, { now: NOW });
    expect(body).toContain('after `d0`, `d1`, `d2`, `d3`, `d4` and 3 more');
  });
});

describe('very large plans', () => {
  it("stays under GitHub's comment limit, listing open tasks first and counting the rest", () => {
    const base = sampleRuns.running;
    const tasks = Array.from({ length: 600 }, (_, i) => ({
      ...base.tasks[0]!,
      id: `task-${i}`,
      title: `A fairly long task title that describes what task number ${i} has to do in the code`,
      state: (i < 300 ? 'succeeded' : 'queued') as Run['tasks'][number]['state'],
      dependsOn: i > 0 ? [`task-${i - 1}`] : [],
    }));
    const body = renderProgress({ ...base, tasks }, { now: NOW });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('300 finished tasks not listed');
    expect(body).toContain('`task-300`');
    expect(body).not.toContain('`task-0`');
  });
});
