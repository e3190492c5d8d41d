import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { compactPayload } from '../../app/handlers/compact-payload.js';
import { detectTrigger } from '../../app/core/detect-trigger.js';
import { defaultConfig } from '../../app/config/config-schema.js';

const groups = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const events = groups
  .filter((g) => ['issues', 'issue_comment', 'workflow_run'].includes(g.name))
  .flatMap((g) => g.examples.map((payload) => ({ name: g.name, payload })));

describe('compactPayload', () => {
  it('drops API URLs and node ids, keeps html_url and everything else', () => {
    const compact = compactPayload({
      url: 'https://api.github.com/x',
      html_url: 'https://github.com/x',
      node_id: 'MDU6',
      comments_url: 'https://api.github.com/x/comments',
      issue: {
        number: 3,
        labels: [{ name: 'autodev', url: 'u' }],
        pull_request: { url: 'u', html_url: 'h' },
      },
    });
    expect(compact).toEqual({
      html_url: 'https://github.com/x',
      issue: { number: 3, labels: [{ name: 'autodev' }], pull_request: { html_url: 'h' } },
    });
  });

  it.each(events)('a stored $name example decides exactly as the full one', ({ name, payload }) => {
    const ctx = { config: defaultConfig(), botLogin: 'autodev[bot]' };
    expect(detectTrigger({ name, payload: compactPayload(payload) }, ctx)).toEqual(
      detectTrigger({ name, payload }, ctx),
    );
    expect(JSON.stringify(compactPayload(payload)).length).toBeLessThan(JSON.stringify(payload).length / 3);
  });
});
