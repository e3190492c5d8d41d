import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { detectTrigger, mightTrigger } from '../../app/core/detect-trigger.js';
import type { Trigger, TriggerContext, WebhookEvent } from '../../app/core/detect-trigger.js';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const groups = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];

function examplesOf(name: string): Record<string, unknown>[] {
  const group = groups.find((g) => g.name === name);
  if (group === undefined || group.examples.length === 0) throw new Error(`no ${name} examples`);
  return group.examples;
}

const issues = examplesOf('issues');
const comments = examplesOf('issue_comment');
const allEvents: WebhookEvent[] = [
  ...issues.map((payload) => ({ name: 'issues', payload })),
  ...comments.map((payload) => ({ name: 'issue_comment', payload })),
];

const ctx: TriggerContext = {
  config: { label: 'autodev', allowedBots: [], maxParallelAgents: 4 },
  botLogin: 'autodev[bot]',
};

type Json = Record<string, unknown>;

/** A deep copy with some fields replaced, so the shared examples are never mutated. */
function variant(
  payload: Json,
  change: (copy: Json & { issue: Json; sender: Json; comment: Json }) => void,
): Json {
  const copy = structuredClone(payload) as Json & { issue: Json; sender: Json; comment: Json };
  change(copy);
  return copy;
}

function byAction(examples: Json[], action: string): Json[] {
  const found = examples.filter((p) => p['action'] === action);
  if (found.length === 0) throw new Error(`no ${action} examples`);
  return found;
}

function reasonOf(trigger: Trigger): string {
  if (trigger.kind !== 'ignore') throw new Error(`expected ignore, got ${trigger.kind}`);
  return trigger.reason;
}

const withLabel = (payload: Json, name: string) =>
  variant(payload, (p) => {
    p.issue['labels'] = [
      ...((p.issue['labels'] as unknown[] | undefined) ?? []),
      { id: 1, name, color: 'ededed', default: false },
    ];
  });
const withCommentBody = (payload: Json, body: string) =>
  variant(payload, (p) => void (p.comment['body'] = body));
const fromSender = (payload: Json, login: string, type = 'Bot') =>
  variant(payload, (p) => {
    p.sender['login'] = login;
    p.sender['type'] = type;
  });

describe('detectTrigger over every issues and issue_comment example', () => {
  const actionOf = (event: WebhookEvent) => String((event.payload as Json)['action']);

  it.each(allEvents.map((event): [string, WebhookEvent] => [`${event.name}.${actionOf(event)}`, event]))(
    '%s as delivered starts nothing (no example carries the label or a command)',
    (_label, event) => {
      expect(detectTrigger(event, ctx).kind).toBe('ignore');
      // Before the config is known any opened or labeled issue might carry the repo's label.
      const issueMayStart = event.name === 'issues' && ['opened', 'labeled'].includes(actionOf(event));
      expect(mightTrigger(event)).toBe(issueMayStart);
    },
  );

  it.each(byAction(issues, 'opened'))(
    'issues.opened without the label is ignored with the reason',
    (payload) => {
      expect(reasonOf(detectTrigger({ name: 'issues', payload }, ctx))).toBe("issue has no 'autodev' label");
    },
  );

  it.each(byAction(issues, 'opened'))('issues.opened with the label (any case) starts a run', (payload) => {
    const event = { name: 'issues', payload: withLabel(payload, 'AutoDev') };
    const issue = payload['issue'] as Json;
    expect(detectTrigger(event, ctx)).toEqual({
      kind: 'issue-run',
      repo: { owner: 'Codertocat', repo: 'Hello-World' },
      issueNumber: issue['number'],
      actor: 'Codertocat',
      title: issue['title'],
      spec: issue['body'] ?? '',
    });
    expect(mightTrigger(event)).toBe(true);
  });

  it.each(byAction(issues, 'labeled'))(
    'issues.labeled with another label names it in the reason',
    (payload) => {
      expect(reasonOf(detectTrigger({ name: 'issues', payload }, ctx))).toBe(
        "label 'bug' added, not 'autodev'",
      );
    },
  );

  it.each(byAction(issues, 'labeled'))('labelling a closed issue does not start a run', (payload) => {
    const labeled = variant(payload, (p) => {
      p['label'] = { id: 2, name: 'autodev' };
      p.issue['state'] = 'closed';
    });
    expect(reasonOf(detectTrigger({ name: 'issues', payload: labeled }, ctx))).toContain('is closed');
  });

  it.each(byAction(issues, 'labeled'))('issues.labeled with the label starts a run', (payload) => {
    const labeled = variant(payload, (p) => void (p['label'] = { id: 2, name: 'autodev' }));
    expect(detectTrigger({ name: 'issues', payload: labeled }, ctx)).toMatchObject({ kind: 'issue-run' });
  });

  it.each(issues.filter((p) => !['opened', 'labeled'].includes(String(p['action']))))(
    'issues.$action never starts a run, even with the label',
    (payload) => {
      const event = { name: 'issues', payload: withLabel(payload, 'autodev') };
      expect(reasonOf(detectTrigger(event, ctx))).toContain('only opened or labeled issues');
      expect(mightTrigger(event)).toBe(false);
    },
  );

  it.each(byAction(comments, 'created'))('a created /parallel-dev comment becomes a command', (payload) => {
    const event = {
      name: 'issue_comment',
      payload: withCommentBody(payload, '/parallel-dev strategy=agile'),
    };
    const issue = payload['issue'] as Json;
    expect(detectTrigger(event, ctx)).toEqual({
      kind: 'command',
      repo: { owner: 'Codertocat', repo: 'Hello-World' },
      issueNumber: issue['number'],
      isPullRequest: false,
      actor: 'Codertocat',
      commentId: (payload['comment'] as Json)['id'],
      title: issue['title'],
      issueBody: issue['body'] ?? '',
      parse: { ok: true, command: { name: 'parallel-dev', strategy: 'agile' } },
    });
    expect(mightTrigger(event)).toBe(true);
  });

  it.each(byAction(comments, 'created'))('a created comment without a command is ignored', (payload) => {
    expect(reasonOf(detectTrigger({ name: 'issue_comment', payload }, ctx))).toBe(
      'comment does not start with a slash command',
    );
  });

  it.each([...byAction(comments, 'edited'), ...byAction(comments, 'deleted')])(
    'issue_comment.$action is ignored even when it holds a command',
    (payload) => {
      const event = { name: 'issue_comment', payload: withCommentBody(payload, '/approve') };
      const expected =
        payload['action'] === 'edited' ? 'comment edited: edits never re-trigger' : 'comment deleted';
      expect(reasonOf(detectTrigger(event, ctx))).toBe(expected);
      expect(mightTrigger(event)).toBe(false);
    },
  );
});

describe('detectTrigger: who may trigger', () => {
  const comment = byAction(comments, 'created')[0] as Json;
  const opened = byAction(issues, 'opened')[0] as Json;
  const command = (payload: Json) => withCommentBody(payload, '/status');

  it('ignores a bot by login suffix or by type, unless allowlisted', () => {
    const renovate = command(fromSender(comment, 'renovate[bot]'));
    expect(reasonOf(detectTrigger({ name: 'issue_comment', payload: renovate }, ctx))).toBe(
      'sender renovate[bot] is a bot not in allowedBots',
    );
    const typed = command(fromSender(comment, 'some-ci', 'Bot'));
    expect(detectTrigger({ name: 'issue_comment', payload: typed }, ctx).kind).toBe('ignore');

    const allowing = { ...ctx, config: { ...ctx.config, allowedBots: ['Renovate[bot]'] } };
    expect(detectTrigger({ name: 'issue_comment', payload: renovate }, allowing)).toMatchObject({
      kind: 'command',
      actor: 'renovate[bot]',
    });
  });

  it('applies the bot rule to labelled issues too', () => {
    const payload = withLabel(fromSender(opened, 'dependabot[bot]'), 'autodev');
    expect(reasonOf(detectTrigger({ name: 'issues', payload }, ctx))).toContain('not in allowedBots');
  });

  it('always ignores its own comments, even if the config allowlists itself', () => {
    const own = command(fromSender(comment, 'autodev[bot]'));
    const allowing = { ...ctx, config: { ...ctx.config, allowedBots: ['autodev[bot]'] } };
    expect(reasonOf(detectTrigger({ name: 'issue_comment', payload: own }, allowing))).toBe(
      'comment by autodev itself (autodev[bot])',
    );
  });
});

describe('detectTrigger: details', () => {
  const comment = byAction(comments, 'created')[0] as Json;

  it('marks a comment on a pull request', () => {
    const onPr = variant(
      withCommentBody(comment, '/auto-fix'),
      (p) => void (p.issue['pull_request'] = { url: 'x' }),
    );
    expect(detectTrigger({ name: 'issue_comment', payload: onPr }, ctx)).toMatchObject({
      kind: 'command',
      isPullRequest: true,
      parse: { ok: true, command: { name: 'auto-fix' } },
    });
  });

  it("parses instances= against the repo's maxParallelAgents", () => {
    const payload = withCommentBody(comment, '/parallel-dev instances=6');
    const roomy = { ...ctx, config: { ...ctx.config, maxParallelAgents: 8 } };
    expect(detectTrigger({ name: 'issue_comment', payload }, roomy)).toMatchObject({ parse: { ok: true } });
    expect(detectTrigger({ name: 'issue_comment', payload }, ctx)).toMatchObject({
      kind: 'command',
      parse: { ok: false, error: { kind: 'invalid-value', expected: 'a whole number from 1 to 4' } },
    });
  });

  it('passes a command error through for the handler to answer', () => {
    const payload = withCommentBody(comment, '/frobnicate');
    expect(detectTrigger({ name: 'issue_comment', payload }, ctx)).toMatchObject({
      parse: { ok: false, error: { kind: 'unknown-command', command: 'frobnicate' } },
    });
  });

  it('uses an empty spec for an issue without a body', () => {
    const payload = variant(
      withLabel(byAction(issues, 'opened')[0] as Json, 'autodev'),
      (p) => void (p.issue['body'] = null),
    );
    expect(detectTrigger({ name: 'issues', payload }, ctx)).toMatchObject({ kind: 'issue-run', spec: '' });
  });

  it.each([
    ['another event', { name: 'push', payload: { action: 'opened' } }, 'push events never trigger autodev'],
    ['no payload', { name: 'issues', payload: null }, 'issues event has no payload object'],
    ['no repository', { name: 'issues', payload: { action: 'opened' } }, 'no repository'],
    [
      'a string comment id',
      { name: 'issue_comment', payload: { ...comment, comment: { id: '1', body: '/help' } } },
      'no comment id',
    ],
  ])('ignores %s without throwing', (_label, event, reason) => {
    expect(reasonOf(detectTrigger(event, ctx))).toContain(reason);
  });
});

describe('mightTrigger', () => {
  it('is a superset of detectTrigger for the default config', () => {
    const comment = byAction(comments, 'created')[0] as Json;
    const bodies = [
      '/approve',
      '  \r\n/parallel-dev "x',
      '/frobnicate',
      'hi',
      '```\n/approve\n```',
      '/usr/bin/x',
    ];
    const events: WebhookEvent[] = [
      ...allEvents,
      ...issues.map((payload) => ({ name: 'issues', payload: withLabel(payload, 'autodev') })),
      ...bodies.map((body) => ({ name: 'issue_comment', payload: withCommentBody(comment, body) })),
    ];
    let triggering = 0;
    for (const event of events) {
      if (detectTrigger(event, ctx).kind === 'ignore') continue;
      triggering++;
      expect(mightTrigger(event)).toBe(true);
    }
    expect(triggering).toBeGreaterThanOrEqual(7);
  });

  it('skips comments that do not start with a command, without parsing the rest', () => {
    const comment = byAction(comments, 'created')[0] as Json;
    const huge = withCommentBody(comment, `hello ${'"'.repeat(1_000_000)}`);
    const started = Date.now();
    expect(mightTrigger({ name: 'issue_comment', payload: huge })).toBe(false);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('says false for payloads it cannot read', () => {
    expect(
      mightTrigger({ name: 'issue_comment', payload: { action: 'created', comment: { body: 5 } } }),
    ).toBe(false);
    expect(mightTrigger({ name: 'issues', payload: 'opened' })).toBe(false);
  });
});

describe('mightTrigger on the request path', () => {
  it.each(byAction(issues, 'opened'))(
    'skips an issue opened with no labels, keeps one with labels',
    (payload) => {
      const bare = variant(payload, (p) => void (p.issue['labels'] = []));
      const labelled = variant(payload, (p) => void (p.issue['labels'] = [{ id: 1, name: 'anything' }]));
      expect(mightTrigger({ name: 'issues', payload: bare })).toBe(false);
      expect(mightTrigger({ name: 'issues', payload: labelled })).toBe(true);
    },
  );
});
