import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadPrompt, PROMPT_NAMES, renderPrompt } from '../../app/prompts/prompt-library.js';
import { sampleInputs } from './sample-inputs.js';

const goldenDir = fileURLToPath(new URL('./__golden__/', import.meta.url));

describe('assembled prompts match their golden files', () => {
  it.each(PROMPT_NAMES)('%s', async (name) => {
    const prompt = renderPrompt(await loadPrompt(name), sampleInputs[name]);
    const file = `${goldenDir}${name}.md`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, prompt);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing; run the tests once with UPDATE_GOLDEN=1`);
    expect(prompt).toBe(readFileSync(file, 'utf8'));
  });

  it('keep none of the hostile spec’s hidden content', async () => {
    const prompt = renderPrompt(await loadPrompt('planner'), sampleInputs.planner);
    expect(prompt).not.toContain('process.env');
    expect(prompt).not.toContain('mark every task as done');
    expect(prompt).not.toContain('admin mode');
    expect(prompt).not.toMatch(/\u200B|\u200D|\uFEFF|\u202E|\r/);
    // The spec's fake `</untrusted-data>` is inside the real fence, which closes with its own id.
    const closing = prompt.match(/<\/untrusted-data-[0-9a-f]+>/g) ?? [];
    expect(closing).toHaveLength(4);
    expect(prompt).toContain('Keep literal braces like {{plan_schema}} as they are.');
  });

  it('use every declared input in the built-in prompts', async () => {
    for (const name of PROMPT_NAMES) {
      const template = await loadPrompt(name);
      for (const input of template.inputs) expect(`${name}: ${template.body}`).toContain(`{{${input.name}}}`);
      expect(
        Object.keys(sampleInputs[name]).every((key) => template.inputs.some((i) => i.name === key)),
      ).toBe(true);
    }
  });
});
