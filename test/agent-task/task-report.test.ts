/** The pure reports of a task: commit message, failure reasons, agent feedback, check run output. */
import { describe, expect, it } from '@jest/globals';
import { commitMessage } from '../../app/agent-task/commit-message.js';
import { failingGatesReason, gateFeedback, refusedGatesReason } from '../../app/agent-task/gate-feedback.js';
import { gateCommands } from '../../app/agent-task/run-gates.js';
import { checkRunOutput, CHECK_OUTPUT_CHARS } from '../../app/agent-task/task-report.js';
import type { GateResult, TaskResult } from '../../app/agents/task-result.js';
import { isFenced } from '../../app/prompts/untrusted-text.js';

const failedTest: GateResult = {
  name: 'test',
  command: 'npm test',
  exitCode: 1,
  durationMs: 2300,
  outputTail: '> node --test\n\nnot ok 1 - greets by name\n  expected: Hello, Ada!\n# fail 1\n',
  passed: false,
};
const passedLint: GateResult = {
  ...failedTest,
  name: 'lint',
  command: 'npx eslint .',
  exitCode: 0,
  passed: true,
  outputTail: '',
};

const result: TaskResult = {
  runId: 'r1',
  taskId: 'greet',
  status: 'failed',
  reason: failingGatesReason([passedLint, failedTest], 3),
  branch: 'autodev/r1/greet',
  backend: 'langchain:openai/gpt-4o-mini',
  summary: 'Tried three times.',
  attempts: 3,
  gates: [passedLint, failedTest],
  tokens: 12345,
  costUsd: 0.0321,
  durationMs: 83_000,
};

describe('gates', () => {
  it('run in the order typecheck, lint, test, and only those configured', () => {
    expect(gateCommands({ test: 'npm test', typecheck: 'npx tsc --noEmit', lint: '  ' })).toEqual([
      { name: 'typecheck', command: 'npx tsc --noEmit' },
      { name: 'test', command: 'npm test' },
    ]);
  });

  it('failing output goes back to the agent as one fenced block of data', () => {
    const feedback = gateFeedback([passedLint, failedTest], 1);
    expect(isFenced(feedback)).toBe(true);
    expect(feedback).toContain('$ npm test\n(exit code 1)\n> node --test');
    expect(feedback).not.toContain('npx eslint');
  });

  it('a maintainer reads which gate failed, after how many attempts, and how', () => {
    expect(result.reason).toBe(
      'gate `npm test` still failing after 3 attempts: not ok 1 - greets by name ⏎ expected: Hello, Ada! ⏎ # fail 1',
    );
    expect(failingGatesReason([{ ...passedLint, passed: false, exitCode: 2 }, failedTest], 1)).toMatch(
      /^gates `npx eslint \.`, `npm test` still failing after 1 attempt: `npx eslint \.`: /,
    );
    const refused = { ...failedTest, exitCode: -1, outputTail: 'not run: make is not an allowed command' };
    expect(refusedGatesReason([refused])).toBe(
      'gate `npm test` could not run (make is not an allowed command); add its program to `allowedCommands` in .github/autodev.yml or change `gates`',
    );
  });
});

describe('commitMessage', () => {
  it('types the subject by role and ends with the issue and run', () => {
    const input = {
      runId: 'r1',
      taskId: 'greet',
      issueNumber: 12,
      title: 'Greet\n by  name',
      summary: 'Did it.\r\n',
    };
    expect(commitMessage({ ...input, role: 'coder' })).toBe(
      'feat(greet): Greet by name\n\nDid it.\n\nRefs #12\nautodev-run: r1\n',
    );
    expect(commitMessage({ ...input, role: 'tester' })).toMatch(/^test\(greet\): /);
    expect(commitMessage({ ...input, role: 'docs', summary: '' })).toBe(
      'docs(greet): Greet by name\n\nRefs #12\nautodev-run: r1\n',
    );
    expect(commitMessage({ ...input, role: 'integrator' })).toMatch(/^chore\(greet\): /);
    const long = commitMessage({ ...input, role: 'coder', title: 'x'.repeat(200) }).split('\n')[0]!;
    expect(long).toHaveLength(100);
  });
});

describe('checkRunOutput', () => {
  it('has the gate table, the spend and the failing output', () => {
    const output = checkRunOutput('Greet by name', result);
    expect(output.title).toBe('Task failed');
    expect(output.summary).toBe(
      [
        '**Greet by name** (task `greet` of run `r1`)',
        '',
        `**Failed:** ${result.reason}`,
        '',
        '| Gate | Command | Result | Exit code | Duration |',
        '| --- | --- | --- | --- | --- |',
        '| lint | `npx eslint .` | ✅ passed | 0 | 2.3 s |',
        '| test | `npm test` | ❌ failed | 1 | 2.3 s |',
        '',
        '| Backend | Attempts | Tokens | Cost | Duration |',
        '| --- | --- | --- | --- | --- |',
        '| langchain:openai/gpt-4o-mini | 3 | 12,345 | $0.0321 | 1 min 23 s |',
        '',
        '**Agent summary**',
        '',
        '```\nTried three times.\n```',
      ].join('\n'),
    );
    expect(output.text).toBe(`### \`npm test\` (exit code 1)\n\n\`\`\`\n${failedTest.outputTail}\`\`\``);
  });

  it('never claims a gate that did not run, and stays within GitHub’s limits', () => {
    const none = checkRunOutput('T', {
      ...result,
      status: 'succeeded',
      gates: [],
      summary: 'x'.repeat(70_000),
    });
    expect(none.title).toBe('Done; no gates configured');
    expect(none.summary).toContain('No validation gate ran');
    expect(none.summary.length).toBeLessThanOrEqual(CHECK_OUTPUT_CHARS);
    expect(none.text).toBeUndefined();
  });
});
