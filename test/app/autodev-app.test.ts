/**
 * The control plane end to end: the real Probot app over HTTP, real signed deliveries built from
 * @octokit/webhooks-examples, and the GitHub simulator checking every call against GitHub's OpenAPI
 * description.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from '../../app/core/dispatcher.js';
import type { Plan, PlanRequest } from '../../app/planner/planner.js';
import { PlanningError } from '../../app/planner/planner.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import type { Run } from '../../app/runs/run.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import {
  issueCommentCreated,
  issueCommentEdited,
  issuesLabeled,
  issuesOpened,
  type Target,
} from '../support/event-payloads.js';
import { commentAs, commentsOn, issueRecord, openIssueAs } from '../support/scenario.js';

const HELLO: Target = { owner: 'octo-org', repo: 'hello-world', installationId: 1 };
const GATED: Target = { owner: 'octo-org', repo: 'gated', installationId: 1 };
const SILENT: Target = { owner: 'octo-org', repo: 'silent', installationId: 1 };
const BROKEN: Target = { owner: 'octo-org', repo: 'broken-config', installationId: 1 };

const collaborators = { maintainer: 'write', boss: 'admin', reader: 'read' } as const;
const seed: SimulatorSeed = {
  installationId: 1,
  app: { id: 1, slug: 'autodev' },
  users: [
    { login: 'maintainer' },
    { login: 'reader' },
    { login: 'outsider' },
    { login: 'renovate[bot]', type: 'Bot' },
  ],
  repositories: [
    {
      owner: 'octo-org',
      name: 'hello-world',
      collaborators,
      files: {
        'README.md': '# hello\n',
        '.github/autodev.yml': 'label: autodev\nallowedBots: ["helper[bot]"]\nmaxParallelAgents: 4\n',
      },
    },
    {
      owner: 'octo-org',
      name: 'gated',
      collaborators,
      files: { '.github/autodev.yml': 'requireApproval: true\n' },
    },
    {
      owner: 'octo-org',
      name: 'silent',
      collaborators,
      files: { '.github/autodev.yml': 'onUnauthorized: silent\n' },
    },
    {
      owner: 'octo-org',
      name: 'broken-config',
      collaborators,
      files: { '.github/autodev.yml': 'maxParalelAgents: 3\nminPermission: owner\n' },
    },
    // Where every @octokit/webhooks-examples payload points.
    { owner: 'Codertocat', name: 'Hello-World', collaborators: { Codertocat: 'admin' } },
  ],
};

function planFor(request: PlanRequest): Plan {
  return {
    goal: `Build: ${request.run.trigger.title}`,
    tasks: [
      { id: 'api', title: 'Add the endpoint', role: 'coder', dependsOn: [] },
      { id: 'tests', title: 'Cover it with tests', role: 'tester', dependsOn: ['api'] },
    ],
  };
}

const dispatched: Run[] = [];
const recordingDispatcher: Dispatcher = {
  async dispatch(run) {
    dispatched.push(run);
    return [];
  },
};

let failNextPlan = false;
const planner = new ScriptedPlanner([
  (request) => {
    if (failNextPlan) {
      failNextPlan = false;
      throw new PlanningError('The model answered with something that is not a plan (3 tries).');
    }
    return planFor(request);
  },
]);

let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness({ seed, planner, app: { dispatcher: recordingDispatcher } });
});

afterEach(() => {
  // Any call GitHub's OpenAPI description does not allow fails the test that made it.
  expect(app.github.violations).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

const bot = 'autodev[bot]';
const botComments = (target: Target, issue: number) =>
  commentsOn(app.github, target, issue).filter((c) => c.user === bot);
const runsOn = async (target: Target, issue: number) =>
  (await app.store.listRuns({ repo: { owner: target.owner, repo: target.repo } })).filter(
    (r) => r.issueNumber === issue,
  );

/** A person writes a comment on GitHub, and GitHub delivers issue_comment.created about it. */
async function comment(target: Target, issueNumber: number, author: string, body: string, id?: string) {
  const issue = issueRecord(app.github, target, issueNumber);
  const written = commentAs(app.github, target, issueNumber, author, body);
  const payload = issueCommentCreated(
    target,
    { number: issueNumber, title: issue.title, body: issue.body, labels: issue.labels },
    { id: written.id, body },
    { login: author },
  );
  const delivery = await app.deliver('issue_comment', payload, id ? { id } : {});
  return { ...delivery, comment: written, payload };
}

function newIssue(target: Target, title = 'Add a login page', body = '- a form\n- a session cookie\n') {
  return openIssueAs(app.github, target, 'maintainer', { title, body }).number;
}

describe('/parallel-dev', () => {
  it('from a write user: 👀 at once, one progress comment, one run, the planner gets the arguments', async () => {
    const issue = newIssue(HELLO);
    const before = planner.requests.length;
    const { status, comment: asked } = await comment(
      HELLO,
      issue,
      'maintainer',
      '/parallel-dev feature="Add login page" strategy=agile instances=3 complexity=moderate',
    );

    expect(status).toBe(200);
    expect(asked.reactions).toEqual([expect.objectContaining({ content: 'eyes', user: bot })]);
    const progress = botComments(HELLO, issue);
    expect(progress).toHaveLength(1);
    const runs = await runsOn(HELLO, issue);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(progress[0]!.body).toContain(`run=${run.id}`);
    expect(progress[0]!.body).toContain('Add the endpoint');
    expect(progress[0]!.body).toContain('Cover it with tests');

    expect(planner.requests.length).toBe(before + 1);
    const request = planner.requests.at(-1)!;
    expect(request.run.trigger.command).toEqual({
      name: 'parallel-dev',
      feature: 'Add login page',
      strategy: 'agile',
      instances: 3,
      complexity: 'moderate',
    });
    expect(request.run.trigger).toMatchObject({ spec: 'Add login page', strategy: 'agile', instances: 3 });
    expect(run.state).toBe('running');
    expect(run.tasks.map((t) => t.id)).toEqual(['api', 'tests']);
    expect(dispatched.at(-1)?.id).toBe(run.id);
  });

  it.each([
    ['a read-only collaborator', 'reader', 'read'],
    // On a public repository GitHub reports read for anyone who is not a collaborator.
    ['an author with no association', 'outsider', 'read'],
  ])('from %s: a refusal and nothing else', async (_who, login, permission) => {
    const issue = newIssue(HELLO);
    const before = planner.requests.length;
    const { status, comment: asked } = await comment(HELLO, issue, login, '/parallel-dev');

    expect(status).toBe(200);
    expect(await runsOn(HELLO, issue)).toEqual([]);
    expect(planner.requests.length).toBe(before);
    expect(asked.reactions).toEqual([]);
    const replies = botComments(HELLO, issue);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain(`@${login} has ${permission} permission`);
    expect(replies[0]!.body).toContain('write');
  });

  it('stays silent for people without permission when the config says so', async () => {
    const issue = newIssue(SILENT);
    await comment(SILENT, issue, 'reader', '/parallel-dev');
    expect(botComments(SILENT, issue)).toEqual([]);
    expect(await runsOn(SILENT, issue)).toEqual([]);
  });

  it('a wrong signature is refused with a 4xx and nothing is handled', async () => {
    const issue = newIssue(HELLO);
    const written = commentAs(app.github, HELLO, issue, 'maintainer', '/parallel-dev');
    const payload = issueCommentCreated(
      HELLO,
      { number: issue, title: 'x' },
      { id: written.id, body: '/parallel-dev' },
      { login: 'maintainer' },
    );
    const { status } = await app.deliver('issue_comment', payload, { secret: 'not-the-secret' });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(await runsOn(HELLO, issue)).toEqual([]);
    expect(written.reactions).toEqual([]);
    expect(botComments(HELLO, issue)).toEqual([]);
  });

  it('a redelivered webhook (same X-GitHub-Delivery) still makes one run and one comment', async () => {
    const issue = newIssue(HELLO);
    const id = randomUUID();
    const first = await comment(HELLO, issue, 'maintainer', '/parallel-dev', id);
    const again = await app.deliver('issue_comment', first.payload, { id });
    expect(again.status).toBe(200);
    expect(await runsOn(HELLO, issue)).toHaveLength(1);
    expect(botComments(HELLO, issue)).toHaveLength(1);
  });

  it('a second /parallel-dev while a run is unfinished is told so, not run twice', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/parallel-dev');
    await comment(HELLO, issue, 'maintainer', '/parallel-dev strategy=waterfall');
    expect(await runsOn(HELLO, issue)).toHaveLength(1);
    const replies = botComments(HELLO, issue);
    expect(replies).toHaveLength(2);
    expect(replies[1]!.body).toMatch(/is already running/);
  });

  it('with nothing to plan, says where to write the spec', async () => {
    const issue = newIssue(HELLO, 'Empty', '');
    await comment(HELLO, issue, 'maintainer', '/parallel-dev');
    expect(await runsOn(HELLO, issue)).toEqual([]);
    expect(botComments(HELLO, issue)[0]!.body).toContain('feature="');
  });

  it('when planning fails, the run fails and the comment says why', async () => {
    const issue = newIssue(HELLO);
    failNextPlan = true;
    await comment(HELLO, issue, 'maintainer', '/parallel-dev');
    const [run] = await runsOn(HELLO, issue);
    expect(run?.state).toBe('failed');
    const [progress] = botComments(HELLO, issue);
    expect(progress!.body).toContain('not a plan (3 tries)');
    expect(progress!.body).not.toMatch(/planning…|in progress/i);
  });
});

describe('issues', () => {
  it('an issue opened with the label starts one run, even though GitHub also sends labeled', async () => {
    const issue = openIssueAs(app.github, HELLO, 'maintainer', {
      title: 'Dark mode',
      body: '- a toggle\n- persisted choice\n',
      labels: ['autodev'],
    });
    const fields = { number: issue.number, title: issue.title, body: issue.body, labels: ['autodev'] };
    const opened = await app.deliver('issues', issuesOpened(HELLO, fields, { login: 'maintainer' }));
    const labeled = await app.deliver(
      'issues',
      issuesLabeled(HELLO, fields, 'autodev', { login: 'maintainer' }),
    );
    expect([opened.status, labeled.status]).toEqual([200, 200]);
    const runs = await runsOn(HELLO, issue.number);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ kind: 'issue', spec: '- a toggle\n- persisted choice\n' });
    expect(issue.reactions.map((r) => r.content)).toContain('eyes');
    expect(botComments(HELLO, issue.number)).toHaveLength(1);
  });

  it('an issue without the label, or labelled with another label, is left alone', async () => {
    const issue = newIssue(HELLO);
    const fields = { number: issue, title: 'Add a login page', body: 'spec', labels: ['bug'] };
    await app.deliver('issues', issuesOpened(HELLO, fields, { login: 'maintainer' }));
    await app.deliver('issues', issuesLabeled(HELLO, fields, 'bug', { login: 'maintainer' }));
    expect(await runsOn(HELLO, issue)).toEqual([]);
    expect(botComments(HELLO, issue)).toEqual([]);
  });
});

describe('comments that must not trigger', () => {
  it('ignores edits, bots, the app itself, and commands in code blocks or quotes', async () => {
    const issue = newIssue(HELLO);
    const fields = { number: issue, title: 'Add a login page', body: 'spec' };
    await app.deliver(
      'issue_comment',
      issueCommentEdited(HELLO, fields, { id: 1, body: '/parallel-dev' }, { login: 'maintainer' }),
    );
    await comment(HELLO, issue, 'renovate[bot]', '/parallel-dev');
    await comment(HELLO, issue, bot, '/parallel-dev');
    await comment(HELLO, issue, 'maintainer', '```\n/parallel-dev\n```');
    await comment(HELLO, issue, 'maintainer', '> /parallel-dev\n\nquoting the docs');
    expect(await runsOn(HELLO, issue)).toEqual([]);
    expect(botComments(HELLO, issue).filter((c) => !c.body.startsWith('/parallel-dev'))).toEqual([]);
  });

  it('obeys a bot on the allowlist', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'helper[bot]', '/parallel-dev');
    expect(await runsOn(HELLO, issue)).toHaveLength(1);
  });
});

describe('replies to commands', () => {
  it('an unknown command gets the help text', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/deploy now');
    const [reply] = botComments(HELLO, issue);
    expect(reply!.body).toContain('`/deploy` is not an autodev command');
    expect(reply!.body).toContain('/parallel-dev');
    expect(reply!.body).toContain('/approve');
  });

  it('an unknown key or value names the valid ones', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/parallel-dev colour=red');
    await comment(HELLO, issue, 'maintainer', '/parallel-dev strategy=yolo');
    await comment(HELLO, issue, 'maintainer', '/parallel-dev instances=9');
    const [key, value, range] = botComments(HELLO, issue).map((c) => c.body);
    expect(key).toMatch(/colour/);
    expect(key).toMatch(/strategy/);
    expect(value).toMatch(/waterfall.*agile.*feature-first.*test-driven.*risk-driven/s);
    expect(range).toMatch(/1.*4/);
    expect(await runsOn(HELLO, issue)).toEqual([]);
  });

  it('/help lists every command', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/help');
    const [reply] = botComments(HELLO, issue);
    for (const name of ['parallel-dev', 'auto-fix', 'plan', 'approve', 'status', 'cancel', 'retry', 'help']) {
      expect(reply!.body).toContain(`/${name}`);
    }
  });

  it('/status refreshes the progress comment in place; with no run it says so', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/status');
    expect(botComments(HELLO, issue)[0]!.body).toContain('no autodev run');

    await comment(HELLO, issue, 'maintainer', '/parallel-dev');
    const [run] = await runsOn(HELLO, issue);
    const progress = botComments(HELLO, issue)[1]!;
    progress.body = 'stale text';
    await comment(HELLO, issue, 'maintainer', '/status');
    expect(botComments(HELLO, issue)).toHaveLength(2);
    expect(progress.body).toContain(`run=${run!.id}`);
  });

  it('/cancel ends the run, renders a final comment naming who cancelled', async () => {
    const issue = newIssue(HELLO);
    await comment(HELLO, issue, 'maintainer', '/parallel-dev');
    await comment(HELLO, issue, 'boss', '/cancel');
    const [run] = await runsOn(HELLO, issue);
    expect(run!.state).toBe('cancelled');
    expect(run!.tasks.every((t) => t.state !== 'running' && t.state !== 'queued')).toBe(true);
    const progress = botComments(HELLO, issue)[0]!;
    expect(progress.body).toMatch(/cancelled/i);
    expect(progress.body).toContain('boss');

    await comment(HELLO, issue, 'boss', '/cancel');
    expect(botComments(HELLO, issue).at(-1)!.body).toContain('already ended');
  });
});

describe('the approval gate', () => {
  it('holds the plan until /approve from a permitted user; /plan re-plans with feedback', async () => {
    const issue = newIssue(GATED);
    const before = dispatched.length;
    await comment(GATED, issue, 'maintainer', '/parallel-dev');
    let [run] = await runsOn(GATED, issue);
    expect(run!.state).toBe('awaiting-approval');
    expect(botComments(GATED, issue)[0]!.body).toContain('/approve');

    await comment(GATED, issue, 'maintainer', '/plan split the API task in two\nand add docs');
    expect(planner.requests.at(-1)!.feedback).toBe('split the API task in two\nand add docs');
    [run] = await runsOn(GATED, issue);
    expect(run!.state).toBe('awaiting-approval');

    await comment(GATED, issue, 'reader', '/approve');
    [run] = await runsOn(GATED, issue);
    expect(run!.state).toBe('awaiting-approval');
    expect(dispatched.length).toBe(before);

    await comment(GATED, issue, 'maintainer', '/approve');
    [run] = await runsOn(GATED, issue);
    expect(run!.state).toBe('running');
    expect(dispatched.length).toBe(before + 1);
    expect(botComments(GATED, issue).filter((c) => c.body.includes(`run=${run!.id}`))).toHaveLength(1);
  });
});

describe('an invalid config', () => {
  it('produces one comment naming the key and the fix, and no run', async () => {
    const issue = newIssue(BROKEN);
    await comment(BROKEN, issue, 'maintainer', '/parallel-dev');
    expect(await runsOn(BROKEN, issue)).toEqual([]);
    const replies = botComments(BROKEN, issue);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('maxParalelAgents');
    expect(replies[0]!.body).toContain('maxParallelAgents');
    expect(replies[0]!.body).toContain('minPermission');
    expect(replies[0]!.body).toMatch(/read.*triage.*write.*maintain.*admin/s);
  });
});

describe('every issues and issue_comment example from @octokit/webhooks-examples', () => {
  it('is acknowledged, crashes nothing, and (none being a request) changes nothing', async () => {
    const { createRequire } = await import('node:module');
    const groups = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
      name: string;
      examples: { action: string; issue: { number: number } }[];
    }[];
    const target: Target = { owner: 'Codertocat', repo: 'Hello-World' };
    openIssueAs(app.github, target, 'Codertocat', { title: 'Spelling error in the README file' });
    openIssueAs(app.github, target, 'Codertocat', { title: 'Second issue' });
    let count = 0;
    const failedBefore = app.runtime.worker.stats.failed;
    for (const group of groups.filter((g) => g.name === 'issues' || g.name === 'issue_comment')) {
      for (const payload of group.examples) {
        const { status } = await app.deliver(group.name, payload);
        expect(status).toBe(200);
        count++;
      }
    }
    expect(count).toBe(38);
    expect(await runsOn(target, 1)).toEqual([]);
    expect(botComments(target, 1)).toEqual([]);
    expect(app.runtime.worker.stats.failed).toBe(failedBefore);
  });

  it('an example turned into a request does what the rules say', async () => {
    const target: Target = { owner: 'Codertocat', repo: 'Hello-World' };
    const issue = openIssueAs(app.github, target, 'Codertocat', { title: 'Feature', body: '- one\n' });
    const written = commentAs(app.github, target, issue.number, 'Codertocat', '/parallel-dev');
    // The raw example without `installation`, as 8 of the 9 issue_comment examples are.
    const payload = issueCommentCreated(
      target,
      { number: issue.number, title: issue.title, body: issue.body },
      { id: written.id, body: '/parallel-dev' },
      { login: 'Codertocat' },
    );
    expect(payload['installation']).toBeUndefined();
    await app.deliver('issue_comment', payload);
    expect(await runsOn(target, issue.number)).toHaveLength(1);
    expect(written.reactions.map((r) => r.content)).toEqual(['eyes']);
  });
});
