/**
 * Memory through the real app: `/remember` stores a convention or decision that the next plan of the
 * repository recalls, is refused to people who may not ask like any command, and a run leaves its
 * outcomes and a verifiable audit trail in the same database as the runs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Dispatcher } from '../../app/core/dispatcher.js';
import { verifyAuditChain } from '../../app/memory/audit-chain.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import { plannerMemory } from '../../app/memory/planner-memory.js';
import type { PlanRequest } from '../../app/planner/planner.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { openDatabase, type Database } from '../../app/store/open-store.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import { issueCommentCreated, issuesLabeled, type Target } from '../support/event-payloads.js';
import { commentAs, commentsOn, issueRecord, openIssueAs } from '../support/scenario.js';

const REPO: Target = { owner: 'octo-org', repo: 'memo', installationId: 1 };

let db: Database;
let app: AppHarness;
const recalled: string[] = [];

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const service = new MemoryService(db.memory, hashedNgramEmbedder());
  const memory = plannerMemory(service);
  // The planner records what memory gave it, then plans one task.
  const planner = new ScriptedPlanner([
    async (request: PlanRequest) => {
      recalled.push(await memory(request));
      return {
        goal: request.run.trigger.title,
        tasks: [{ id: 'page', title: 'Page', role: 'coder', dependsOn: [] }],
      };
    },
  ]);
  const dispatcher: Dispatcher = { dispatch: async () => [] };
  app = await startAppHarness({
    seed: {
      users: [{ login: 'maintainer' }, { login: 'reader' }],
      repositories: [
        { owner: REPO.owner, name: REPO.repo, collaborators: { maintainer: 'write', reader: 'read' } },
      ],
    },
    store: db.store,
    planner,
    app: { dispatcher, memory: { store: db.memory, service } },
  });
}, 60_000);

afterEach(() => expect(app.github.violations).toEqual([]));
afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function comment(issueNumber: number, author: string, body: string) {
  const issue = issueRecord(app.github, REPO, issueNumber);
  const written = commentAs(app.github, REPO, issueNumber, author, body);
  const payload = issueCommentCreated(
    REPO,
    { number: issueNumber, title: issue.title, body: issue.body, labels: issue.labels },
    { id: written.id, body },
    { login: author },
  );
  expect((await app.deliver('issue_comment', payload)).status).toBe(200);
  await app.runtime.worker.idle();
}

const botSaid = (issue: number) =>
  commentsOn(app.github, REPO, issue)
    .filter((c) => c.user === 'autodev[bot]')
    .map((c) => c.body);

describe('/remember', () => {
  it('stores a decision that the next plan on the repository recalls', async () => {
    const issue = openIssueAs(app.github, REPO, 'maintainer', { title: 'Notes', body: 'notes' }).number;
    await comment(
      issue,
      'maintainer',
      '/remember kind=decision Settings pages are served by the Fly.io region closest to the user',
    );

    expect(botSaid(issue).at(-1)).toContain('🧠 Remembered as a decision');
    const stored = await db.memory.listMemories({ repo: 'octo-org/memo' });
    expect(stored).toEqual([
      expect.objectContaining({
        kind: 'decision',
        content: 'Settings pages are served by the Fly.io region closest to the user',
        metadata: { from: 'comment', by: 'maintainer', issue },
      }),
    ]);

    const spec = openIssueAs(app.github, REPO, 'maintainer', {
      title: 'Settings pages',
      body: 'Add settings pages served close to the user',
      labels: ['autodev'],
    });
    await app.deliver(
      'issues',
      issuesLabeled(
        REPO,
        { number: spec.number, title: spec.title, body: spec.body, labels: ['autodev'] },
        'autodev',
        {
          login: 'maintainer',
        },
      ),
    );
    await app.runtime.worker.idle();
    expect(recalled.at(-1)).toContain('Fly.io region closest to the user');
  });

  it('is refused to a reader and asks for the text when there is none', async () => {
    const issue = openIssueAs(app.github, REPO, 'maintainer', { title: 'More notes', body: 'notes' }).number;
    const before = (await db.memory.listMemories({ repo: 'octo-org/memo' })).length;
    await comment(issue, 'reader', '/remember Always use tabs');
    await comment(issue, 'maintainer', '/remember');
    await comment(issue, 'maintainer', '/remember kind=feeling happy');

    const said = botSaid(issue);
    expect(said[0]).toContain('🚫 autodev did not act on this');
    expect(said[1]).toContain('the text to remember');
    expect(said[2]).toContain('convention, decision, architecture, pattern, dependency, learning');
    expect(await db.memory.listMemories({ repo: 'octo-org/memo' })).toHaveLength(before);
  });

  it("keeps the run's decisions in a hash chain that verifies", async () => {
    const audit = await db.memory.listAudit({ repo: 'octo-org/memo' });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['plan.made', 'run.running']));
    expect(verifyAuditChain(audit).ok).toBe(true);
  });
});
