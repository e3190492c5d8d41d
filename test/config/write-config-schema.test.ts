import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parseConfig } from '../../app/config/load-config.js';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../app/config/write-config-schema.js';

function validator() {
  const ajv = new Ajv2020({ allErrors: true });
  // The one format the schema uses; editors check it the same way.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  return ajv.compile(configJsonSchema());
}

describe('the committed JSON Schema', () => {
  it('matches the zod schema', () => {
    const committed: unknown = JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'));
    if (!isDeepStrictEqual(committed, configJsonSchema())) {
      throw new Error('app/config/autodev.schema.json is stale: run `npm run schema` and commit the result.');
    }
  });

  it('names itself for editors', () => {
    expect(configJsonSchema()).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: expect.any(String),
      title: expect.stringContaining('autodev'),
      additionalProperties: false,
    });
  });
});

describe('an editor checking .github/autodev.yml with the schema', () => {
  const validate = validator();

  it('accepts a typical config', () => {
    const config = parse(`# yaml-language-server: $schema=https://example.com/autodev.schema.json
maxParallelAgents: 6
requireApproval: true
models:
  coder: { provider: ollama, model: qwen2.5-coder, baseUrl: "http://localhost:11434" }
gates:
  test: npm test
`);
    expect(validate(config)).toBe(true);
  });

  it('flags the same mistakes autodev reports, at the same keys', () => {
    const config = parse('maxParalelAgents: 3\nmodels:\n  coder: { provider: gpt, model: x }\n');
    expect(validate(config)).toBe(false);
    const flagged = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(flagged).toEqual(expect.arrayContaining([' additionalProperties', '/models/coder/provider enum']));
  });

  it.each([
    ['', true],
    ['label: ai\nbudget: { dollars: 3 }\n', true],
    ['maxParallelAgents: 0\n', false],
    ['budget: { tokens: 1.5 }\n', false],
    ['requireApproval: yes\n', false],
    ['gates:\n', false],
    ['models: { default: { provider: openai } }\n', false],
    ['models: { coder: { provider: openai, model: m, baseUrl: not-a-url } }\n', false],
    ['allowedBots: ["", x]\n', false],
    ['retries: { attempts: 0, backoffSeconds: 0, reassignTo: aider }\njobTimeoutMinutes: 30\n', true],
    ['retries: { reassignTo: scripted }\n', false],
    ['jobTimeoutMinutes: 0\n', false],
  ])('agrees with parseConfig on %j', (text, valid) => {
    expect(parseConfig(text).ok).toBe(valid);
    expect(validate(parse(text) ?? {})).toBe(valid);
  });
});
