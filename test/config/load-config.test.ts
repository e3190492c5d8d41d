import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../app/config/config-schema.js';
import { parseConfig } from '../../app/config/load-config.js';
import type { ConfigProblem } from '../../app/config/load-config.js';

function problemsOf(text: string): ConfigProblem[] {
  const result = parseConfig(text);
  if (result.ok) throw new Error(`expected problems, got a valid config for:\n${text}`);
  return result.problems;
}

function onlyProblem(text: string): ConfigProblem {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('parseConfig: files that mean "defaults"', () => {
  it.each([
    ['no file', null],
    ['an empty file', ''],
    ['blank lines', '\n  \n'],
    ['only comments', '# autodev settings go here\n'],
    ['an empty document', '---\n'],
  ])('%s', (_name, text) => {
    expect(parseConfig(text)).toEqual({ ok: true, config: defaultConfig(), warnings: [] });
  });
});

describe('parseConfig: a full valid file', () => {
  it('reads every key, keeping defaults for what nested sections leave out', () => {
    const text = `# yaml-language-server: $schema=./autodev.schema.json
label: ai-dev
minPermission: maintain
onUnauthorized: silent
allowedBots: ["renovate[bot]"]
maxParallelAgents: 8
requireApproval: true
models:
  default: { provider: anthropic, model: claude-sonnet-4 }
  coder:
    provider: openai-compatible
    model: qwen2.5-coder
    baseUrl: http://localhost:8000/v1
budget:
  dollars: 2.5
prices:
  qwen2.5-coder: { input: 0, output: 0 }
planning:
  maxAttempts: 2
dispatch:
  workflow: agents.yml
retries:
  attempts: 3
  reassignTo: claude
jobTimeoutMinutes: 45
gates:
  test: npm test
  lint: npm run lint
allowedCommands: [npm, node]
protectedPaths: ["infra/**"]
allowWorkflowEdits: true
autoFix:
  attempts: 5
  updateSnapshots: true
learning:
  backends: [claude, codex]
competition:
  contenders:
    - backend: codex
    - backend: builtin
      model: { provider: anthropic, model: claude-sonnet-4 }
onFailure:
  autoFix: true
notifications:
  - url: env:SLACK_WEBHOOK_URL
`;
    const result = parseConfig(text);
    expect(result).toEqual({
      ok: true,
      warnings: [],
      config: {
        label: 'ai-dev',
        minPermission: 'maintain',
        onUnauthorized: 'silent',
        allowedBots: ['renovate[bot]'],
        maxParallelAgents: 8,
        requireApproval: true,
        models: {
          default: { provider: 'anthropic', model: 'claude-sonnet-4' },
          coder: {
            provider: 'openai-compatible',
            model: 'qwen2.5-coder',
            baseUrl: 'http://localhost:8000/v1',
          },
        },
        budget: { tokens: 2_000_000, dollars: 2.5 },
        prices: { 'qwen2.5-coder': { input: 0, output: 0 } },
        planning: { maxAttempts: 2 },
        dispatch: { workflow: 'agents.yml' },
        retries: { attempts: 3, backoffSeconds: 60, reassignTo: 'claude' },
        jobTimeoutMinutes: 45,
        gates: { test: 'npm test', lint: 'npm run lint' },
        allowedCommands: ['npm', 'node'],
        protectedPaths: ['infra/**'],
        allowWorkflowEdits: true,
        autoFix: {
          attempts: 5,
          updateSnapshots: true,
          healers: ['prettier', 'eslint', 'missing-dependency', 'lockfile', 'snapshots'],
        },
        learning: { backends: ['claude', 'codex'] },
        competition: {
          contenders: [
            { backend: 'codex' },
            { backend: 'builtin', model: { provider: 'anthropic', model: 'claude-sonnet-4' } },
          ],
        },
        onFailure: { openIssue: true, label: 'autodev:ci-failure', autoFix: true },
        notifications: [
          {
            url: 'env:SLACK_WEBHOOK_URL',
            events: ['run.succeeded', 'run.failed', 'run.cancelled', 'budget.reached'],
            cooldownMinutes: 30,
          },
        ],
      },
    });
  });
});

describe('parseConfig: YAML that does not parse', () => {
  it('reports a syntax error with its line', () => {
    const problem = onlyProblem('label: autodev\ngates:\n  test: [npm test\nrequireApproval: true\n');
    expect(problem).toMatchObject({ path: '(file)', line: 4 });
    expect(problem.problem).toMatch(/^YAML syntax error: /);
    expect(problem.fix).toMatch(/close every `\[`/);
  });

  it('explains that tabs cannot indent', () => {
    const problem = onlyProblem('budget:\n\ttokens: 5\n');
    expect(problem).toMatchObject({ path: '(file)', line: 2 });
    expect(problem.fix).toMatch(/spaces/);
  });

  it('reports a key given twice with both lines', () => {
    const problem = onlyProblem('label: a\nmaxParallelAgents: 2\nlabel: b\n');
    expect(problem).toMatchObject({ path: 'label', line: 3 });
    expect(problem.problem).toContain('lines 1 and 3');
  });

  it('does not crash on garbage', () => {
    for (const text of ['\u0000\u0001 ::: {{{ ]]] @@@', '}{', '"unterminated', '- [a\n- b: {']) {
      expect(problemsOf(text).length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['a list', '- label: autodev\n', /holds a list/],
    ['a single value', 'autodev\n', /holds the single value `autodev`/],
  ])('rejects a top level that is %s', (_name, text, message) => {
    const problem = onlyProblem(text);
    expect(problem.path).toBe('(file)');
    expect(problem.problem).toMatch(message);
    expect(problem.fix).toMatch(/key: value/);
  });
});

describe('parseConfig: unknown keys', () => {
  it('suggests the closest valid key and lists the valid keys', () => {
    const problem = onlyProblem('label: autodev\nmaxParalelAgents: 3\n');
    expect(problem).toMatchObject({ path: 'maxParalelAgents', line: 2 });
    expect(problem.problem).toBe('`maxParalelAgents` is not a setting autodev knows.');
    expect(problem.fix).toMatch(/^Did you mean `maxParallelAgents`\? Valid keys at the top level: `label`, /);
    expect(problem.fix).toContain('`allowWorkflowEdits`');
  });

  it.each([
    ['max_parallel_agents', 'maxParallelAgents'],
    ['RequireApproval', 'requireApproval'],
    ['lable', 'label'],
  ])('%s → %s', (typo, key) => {
    expect(onlyProblem(`${typo}: 1\n`).fix).toContain(`Did you mean \`${key}\`?`);
  });

  it('lists the keys of the section the unknown key is in', () => {
    const problem = onlyProblem(
      'models:\n  coder:\n    provider: openai\n    model: gpt-4o\n    temperature: 0\n',
    );
    expect(problem).toMatchObject({ path: 'models.coder.temperature', line: 5 });
    expect(problem.fix).toBe('Valid keys under `models.coder`: `provider`, `model`, `baseUrl`.');
  });

  it('points a key written at the wrong level to where it belongs', () => {
    const problem = onlyProblem('tokens: 500000\n');
    expect(problem.fix).toMatch(/^Did you mean `budget.tokens`\? It goes under `budget`\./);
  });

  it('makes no suggestion when nothing is close', () => {
    expect(onlyProblem('colour: red\n').fix).not.toContain('Did you mean');
  });
});

describe('parseConfig: wrong values', () => {
  it('wrong type: names the expected type and gives an example', () => {
    const problem = onlyProblem('label: autodev\nallowedBots: renovate[bot]\n');
    expect(problem).toMatchObject({ path: 'allowedBots', line: 2 });
    expect(problem.problem).toBe('`allowedBots` must be a list, but it is the text `renovate[bot]`.');
    expect(problem.fix).toBe('Write a list, e.g. `allowedBots: [ "renovate[bot]" ]`.');
  });

  it('wrong type: explains the YAML 1.2 `yes` trap', () => {
    const problem = onlyProblem('requireApproval: yes\n');
    expect(problem.problem).toContain('must be `true` or `false`, but it is the text `yes`');
    expect(problem.fix).toContain('YAML 1.2 reads `yes`');
  });

  it('wrong type: a quoted number', () => {
    const problem = onlyProblem('maxParallelAgents: "4"\n');
    expect(problem.problem).toContain('must be a whole number');
    expect(problem.fix).toBe('Write a whole number, e.g. `maxParallelAgents: 4`. Remove the quotes.');
  });

  it('wrong type: a fraction where a whole number is needed, deep in a section', () => {
    const problem = onlyProblem('budget:\n  dollars: 5\n  tokens: 1.5\n');
    expect(problem).toMatchObject({ path: 'budget.tokens', line: 3 });
    expect(problem.fix).toBe('Write a whole number, e.g. `tokens: 2000000`.');
  });

  it('wrong type inside a list points at the item', () => {
    const problem = onlyProblem('allowedCommands:\n  - npm\n  - 7\n');
    expect(problem).toMatchObject({ path: 'allowedCommands[1]', line: 3 });
    expect(problem.fix).toContain('e.g. `allowedCommands: [ npm, npx, node ]`');
  });

  it('invalid enum value: lists the valid values and catches a wrong case', () => {
    const problem = onlyProblem('models:\n  planner: { provider: Anthropic, model: claude }\n');
    expect(problem).toMatchObject({ path: 'models.planner.provider', line: 2 });
    expect(problem.problem).toBe('`Anthropic` is not a valid value for `models.planner.provider`.');
    expect(problem.fix).toBe(
      'Did you mean `anthropic`? Use one of `openai`, `anthropic`, `ollama`, `openai-compatible`, `scripted`.',
    );
  });

  it.each([
    ['maxParallelAgents: 0', 'Use a whole number from 1 to 256, e.g. `maxParallelAgents: 4`.'],
    ['maxParallelAgents: 1000', 'Use a whole number from 1 to 256, e.g. `maxParallelAgents: 4`.'],
    ['budget: { dollars: -1 }', 'Use a number greater than 0, e.g. `dollars: 10`.'],
    ['budget: { tokens: 0 }', 'Use a whole number greater than 0, e.g. `tokens: 2000000`.'],
  ])('number out of range: %s', (text, fix) => {
    const problem = onlyProblem(`${text}\n`);
    expect(problem.problem).toMatch(/is `-?\d+`, which is out of range\.$/);
    expect(problem.fix).toBe(fix);
  });

  it('text too long or empty gives the allowed length', () => {
    expect(onlyProblem(`label: ${'x'.repeat(51)}\n`).fix).toBe(
      'Use text of 1 to 50 characters, e.g. `label: autodev`.',
    );
    expect(onlyProblem('label: ""\n').problem).toBe('`label` is empty, which is too short.');
  });

  it('an invalid URL', () => {
    const problem = onlyProblem(
      'models:\n  default: { provider: ollama, model: llama3, baseUrl: localhost }\n',
    );
    expect(problem.path).toBe('models.default.baseUrl');
    expect(problem.fix).toMatch(/^Write a full URL, e.g. `baseUrl: https:/);
  });

  it('a required key that is missing', () => {
    const problem = onlyProblem('models:\n  coder:\n    model: gpt-4o\n');
    expect(problem).toMatchObject({ path: 'models.coder.provider', line: 2 });
    expect(problem.problem).toBe('`models.coder.provider` is missing.');
    expect(problem.fix).toBe('Add it, e.g. `provider: openai`.');
  });

  it('a section left empty (its entries commented out)', () => {
    const problem = onlyProblem('gates:\n  # test: npm test\n');
    expect(problem).toMatchObject({ path: 'gates', line: 1, problem: '`gates` has no value.' });
    expect(problem.fix).toBe('Remove the line to use the default, or write `gates: { test: npm test }`.');
  });
});

describe('parseConfig: several problems', () => {
  it('reports all of them in file order', () => {
    const text = 'budget:\n  dollars: 0\nrequireApproval: "no"\nmaxParalelAgents: 2\nminPermission: root\n';
    expect(problemsOf(text).map((p) => [p.path, p.line])).toEqual([
      ['budget.dollars', 2],
      ['requireApproval', 3],
      ['maxParalelAgents', 4],
      ['minPermission', 5],
    ]);
  });
});

describe('parseConfig: hostile or huge files', () => {
  const fast = (run: () => unknown) => {
    const started = performance.now();
    run();
    return performance.now() - started;
  };

  it('refuses a file over 64 KB without parsing it', () => {
    let problems: ConfigProblem[] = [];
    const ms = fast(() => (problems = problemsOf(`label: x\n${'# padding\n'.repeat(500_000)}`)));
    expect(problems).toEqual([
      expect.objectContaining({
        path: '(file)',
        problem: expect.stringMatching(/^The file is \d+ KB; autodev reads files up to 64 KB\.$/),
      }),
    ]);
    expect(ms).toBeLessThan(200);
  });

  it('stays fast with thousands of keys just under the limit, and caps the list', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`).join('\n');
    let problems: ConfigProblem[] = [];
    expect(fast(() => (problems = problemsOf(text)))).toBeLessThan(3000);
    expect(problems).toHaveLength(51);
    expect(problems[50]).toMatchObject({ path: '(file)', problem: '4950 more problems are not listed.' });
  });

  it('refuses an alias bomb', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      levels.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    }
    const problem = onlyProblem(levels.join('\n'));
    expect(problem.problem).toMatch(/could not read the file/);
    expect(problem.fix).toMatch(/aliases/);
  });

  it('survives deep nesting', () => {
    const text = `label: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(problemsOf(text).length).toBeGreaterThan(0);
  });
});
