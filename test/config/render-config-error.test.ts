import { describe, expect, it } from '@jest/globals';
import { parseConfig, renderConfigError } from '../../app/config/load-config.js';
import type { ConfigProblem } from '../../app/config/load-config.js';

function problemsOf(text: string): ConfigProblem[] {
  const result = parseConfig(text);
  if (result.ok) throw new Error(`expected problems, got a valid config for:\n${text}`);
  return result.problems;
}

describe('renderConfigError', () => {
  const outsideCode = (markdown: string) => markdown.replace(/(`+)[\s\S]*?\1/g, '');

  it('says autodev did not run, then each problem with key, line and fix', () => {
    const problems = problemsOf('maxParalelAgents: 2\nminPermission: root\n');
    const comment = renderConfigError(problems);
    expect(comment).toMatch(/^### ⚠️ autodev did not run: the configuration is invalid\n/);
    expect(comment).toContain('autodev found 2 problems in `.github/autodev.yml`.');
    expect(comment).toContain(
      '1. **`maxParalelAgents`** (line 1): `maxParalelAgents` is not a setting autodev knows.',
    );
    expect(comment).toContain('   **Fix:** Did you mean `maxParallelAgents`?');
    expect(comment).toContain('2. **`minPermission`** (line 2): `root` is not a valid value');
  });

  it('points to the JSON Schema for editors, without a link', () => {
    const comment = renderConfigError(problemsOf('label: 1\n'), '.github/autodev.yaml');
    expect(comment).toContain('1 problem in `.github/autodev.yaml`. Fix it');
    expect(comment).toContain('# yaml-language-server: $schema=');
    expect(comment).toContain('app/config/autodev.schema.json');
    expect(comment).not.toMatch(/\]\(|https?:/);
  });

  it('shows keys and values from the file only inside code spans', () => {
    const comment = renderConfigError(
      problemsOf('"<img src=x onerror=alert(1)>": 1\nminPermission: "@everyone `hi`"\n'),
    );
    expect(comment).toContain('`<img src=x onerror=alert(1)>`');
    expect(comment).toContain('`` @everyone `hi` ``');
    expect(outsideCode(comment)).not.toMatch(/<img|@everyone/);
  });

  it('stays readable when a file has a great many problems', () => {
    const text = Array.from({ length: 300 }, (_, i) => `k${i}: ${i}`).join('\n');
    const comment = renderConfigError(problemsOf(text));
    expect(comment).toContain('250 more problems are not listed.');
    expect(comment.length).toBeLessThan(65_536);
  });
});
