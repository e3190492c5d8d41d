/**
 * What a crash or a second replica must not break: one run per delivery, one progress comment per
 * run, and a delivery left half-done by a dead process finished by a live one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from '../../app/core/dispatcher.js';
import { progressMarker } from '../../app/progress/render-progress.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { newRun } from '../../app/runs/transitions.js';
import { openStore } from '../../app/store/open-store.js';
import type { Store } from '../../app/store/store.js';
import { deliverWebhook } from '../sandbox/deliver-webhook.js';
import { type GitHubSimulator, startGitHubSimulator } from '../sandbox/github-simulator.js';
import { type AppHarness, startAppHarness, WEBHOOK_SECRET } from '../support/app-harness.js';
import { issueCommentCreated, type Target } from '../support/event-payloads.js';
import { commentAs, commentsOn, openIssueAs } from '../support/scenario.js';

const REPO: Target = { owner: 'octo-org', repo: 'hello', installationId: 1 };
const planner = new ScriptedPlanner([
  { goal: 'Do it', tasks: [{ id: 'only', title: 'The only task', role: 'coder', dependsOn: [] }] },
]);
const idle: Dispatcher = { dispatch: async () => [] };

let github: GitHubSimulator;
let store: Store;
beforeAll(async () => {
  github = await startGitHubSimulator({
    seed: {
      users: [{ login: 'maintainer' }],
      repositories: [{ owner: 'octo-org', name: 'hello', collaborators: { maintainer: 'write' } }],
    },
  });
  store = await openStore({ dataDir: 'memory://' });
});
afterAll(async () => {
  await github?.close();
  await store?.close();
});

function commandEvent(body = '/parallel-dev') {
  const issue = openIssueAs(github, REPO, 'maintainer', { title: 'Feature', body: '- one thing\n' });
  const written = commentAs(github, REPO, issue.number, 'maintainer', body);
  const payload = issueCommentCreated(
    REPO,
    { number: issue.number, title: issue.title, body: issue.body },
    { id: written.id, body },
    { login: 'maintainer' },
  );
  return { issue: issue.number, payload };
}

const botComments = (issue: number) =>
  commentsOn(github, REPO, issue).filter((c) => c.user === 'autodev[bot]');

describe('two app processes on one database', () => {
  let a: AppHarness;
  let b: AppHarness;
  beforeAll(async () => {
    a = await startAppHarness({ github, store, planner, app: { dispatcher: idle } });
    b = await startAppHarness({ github, store, planner, app: { dispatcher: idle } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('the same delivery sent to both at once makes one run and one progress comment', async () => {
    for (let i = 0; i < 5; i++) {
      const { issue, payload } = commandEvent();
      const id = randomUUID();
      const send = (url: string) =>
        deliverWebhook({ url, secret: WEBHOOK_SECRET, name: 'issue_comment', payload, id });
      const results = await Promise.all([send(a.webhookUrl), send(b.webhookUrl)]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      await Promise.all([a.runtime.worker.idle(), b.runtime.worker.idle()]);
      const runs = (await store.listRuns({ repo: { owner: REPO.owner, repo: REPO.repo } })).filter(
        (r) => r.issueNumber === issue,
      );
      expect(runs).toHaveLength(1);
      expect(botComments(issue)).toHaveLength(1);
    }
    expect(github.violations).toEqual([]);
  });
});

describe('crash recovery', () => {
  it('a delivery a dead process left half-done is finished by a live one, without a second comment', async () => {
    // The dead process recorded the delivery, claimed it, created the run and its progress comment,
    // then died before saving the comment id.
    const { issue, payload } = commandEvent();
    const deliveryId = randomUUID();
    await store.recordDelivery({
      id: deliveryId,
      event: 'issue_comment',
      action: 'created',
      repo: `${REPO.owner}/${REPO.repo}`,
      payload,
    });
    expect((await store.claimDelivery('dead-process'))?.id).toBe(deliveryId);
    const run = newRun({
      id: 'crashedrun',
      repo: { owner: REPO.owner, repo: REPO.repo },
      issueNumber: issue,
      deliveryId,
      trigger: {
        kind: 'command',
        actor: 'maintainer',
        command: { name: 'parallel-dev' },
        spec: '- one thing\n',
        title: 'Feature',
      },
      now: new Date(Date.now() - 60_000),
    });
    await store.createRun(run);
    const orphan = commentAs(github, REPO, issue, 'autodev[bot]', `${progressMarker(run.id)}\nplanning…`);

    // A fresh process whose worker treats anything claimed over 200 ms ago as abandoned.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const live = await startAppHarness({
      github,
      store,
      planner,
      app: { dispatcher: idle, worker: { staleAfterMs: 200 } },
    });
    try {
      await live.runtime.worker.idle();
      const resumed = await store.getRun(run.id);
      expect(resumed?.state).toBe('running');
      expect(resumed?.commentId).toBe(orphan.id);
      expect(resumed?.tasks.map((t) => t.id)).toEqual(['only']);
      expect(botComments(issue)).toHaveLength(1);
      expect(orphan.body).toContain('The only task');
      expect(await store.claimDelivery('probe', { staleAfterMs: 0 })).toBeNull();
    } finally {
      await live.close();
    }
    expect(github.violations).toEqual([]);
  });
});
