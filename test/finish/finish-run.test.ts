/**
 * Finishing against the GitHub simulator, through GitHubScm over @octokit/rest and real HTTP: the
 * pull-request verbs on their own, then finishRun opening, updating (never duplicating) and reviewing
 * the one pull request. Every call is checked against GitHub's OpenAPI description.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { defaultConfig } from '../../app/config/config-schema.js';
import { silentLog } from '../../app/core/logger.js';
import { finishRun } from '../../app/finish/finish-run.js';
import type { IntegrationSource, WaveIntegration } from '../../app/finish/integration-source.js';
import { modelReviewer } from '../../app/finish/reviewer.js';
import { scriptedCompletionModel } from '../../app/models/completion-model.js';
import type { Run } from '../../app/runs/run.js';
import type { RunEvent } from '../../app/runs/transitions.js';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { ScmError } from '../../app/scm/scm.js';
import { commitFiles } from '../sandbox/git-store.js';
import { type GitHubSimulator, startGitHubSimulator } from '../sandbox/github-simulator.js';
import { findRepository, type RepositoryRecord } from '../sandbox/simulator-state.js';
import { finishedRun, gate, integration } from './finish-fixtures.js';

const REPO = { owner: 'acme', repo: 'web' };
const RUN = 'ab12cd34';
const INTEGRATION = `autodev/${RUN}/integration`;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let sim: GitHubSimulator;
let scm: GitHubScm;
beforeAll(async () => {
  sim = await startGitHubSimulator({
    seed: {
      users: [{ login: 'alice' }],
      repositories: [{ owner: 'acme', name: 'web', files: { 'src/app.ts': 'export const app = 1;\n' } }],
    },
  });
});
// A reset forgets the tokens too: each test signs in afresh.
const signIn = () =>
  new GitHubScm(new Octokit({ baseUrl: sim.url, auth: sim.createInstallationToken(), log: quiet }));
beforeEach(() => {
  sim.reset();
  scm = signIn();
});
afterAll(async () => {
  expect(sim.violations).toEqual([]);
  await sim.close();
});

const repo = (): RepositoryRecord => findRepository(sim.state(), 'acme', 'web')!;
const meta = (message: string) => ({ message, author: 'autodev[bot]', date: new Date().toISOString() });

/** Commits on a branch that starts at main, as the agents' and the integrate job's branches do. */
function commitOnBranch(branch: string, files: Record<string, string>, message: string): void {
  const refs = repo().refs;
  refs[`refs/heads/${branch}`] ??= refs['refs/heads/main']!;
  commitFiles(repo(), branch, files, meta(message));
}

/** Plays the agents and the integrate job: task branches, then the merged branch. */
function pushWork(files: Record<string, string>): void {
  for (const id of ['api', 'ui', 'e2e']) commitOnBranch(`autodev/${RUN}/${id}`, { [`${id}.ts`]: id }, id);
  commitOnBranch(INTEGRATION, files, 'merge');
}

function source(results: Record<number, WaveIntegration>): IntegrationSource {
  return { forWave: async (_run, wave) => results[wave] ?? null };
}

const allMerged = source({
  1: integration({
    merges: [
      { taskId: 'api', status: 'merged' },
      { taskId: 'ui', status: 'merged' },
    ],
    gates: [gate('npm test', 0)],
  }),
  2: integration({ merges: [{ taskId: 'e2e', status: 'merged' }] }),
});

const review = JSON.stringify({
  verdict: 'approve',
  summary: 'Looks right.',
  comments: [
    { path: 'src/checkout.ts', line: 2, body: 'Name this `total`.' },
    { path: 'src/app.ts', line: 1, body: 'Unchanged line: not in the diff.' },
  ],
});

function apply(run: Run, events: RunEvent[]): Run {
  const succeeded = events.find((e) => e.type === 'succeeded');
  return succeeded?.type === 'succeeded' && succeeded.pullRequest
    ? { ...run, pullRequest: succeeded.pullRequest }
    : run;
}

describe('GitHubScm pull-request verbs', () => {
  it('open, find, update, list files, review and delete', async () => {
    pushWork({ 'src/checkout.ts': 'a\nb\nc\n' });
    expect(await scm.findPullRequest(REPO, INTEGRATION, 'main')).toBeNull();
    const opened = await scm.createPullRequest(REPO, {
      head: INTEGRATION,
      base: 'main',
      title: 't',
      body: 'b',
      draft: true,
    });
    expect(opened).toMatchObject({
      number: expect.any(Number),
      draft: true,
      headSha: repo().refs[`refs/heads/${INTEGRATION}`],
    });
    expect(await scm.findPullRequest(REPO, INTEGRATION, 'main')).toEqual(opened);
    await expect(
      scm.createPullRequest(REPO, { head: INTEGRATION, base: 'main', title: 't', body: 'b', draft: false }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    await scm.updatePullRequest(REPO, opened.number, { body: 'new body' });
    expect(repo().issues.find((i) => i.number === opened.number)!.body).toBe('new body');

    const files = await scm.listPullRequestFiles(REPO, opened.number);
    expect(files.map((f) => [f.path, f.status])).toEqual([['src/checkout.ts', 'added']]);
    expect(files[0]!.patch).toBe('@@ -0,0 +1,3 @@\n+a\n+b\n+c');

    await scm.createReview(REPO, opened.number, {
      body: 'ok',
      event: 'COMMENT',
      comments: [{ path: 'src/checkout.ts', line: 2, body: 'hm' }],
      commitId: opened.headSha,
    });
    expect(repo().reviews).toHaveLength(1);
    await expect(
      scm.createReview(REPO, opened.number, { body: 'fine', event: 'APPROVE', comments: [] }),
    ).rejects.toBeInstanceOf(ScmError);

    expect(await scm.branchSha(REPO, `autodev/${RUN}/api`)).toMatch(/^[0-9a-f]{40}$/);
    await scm.deleteBranch(REPO, `autodev/${RUN}/api`);
    expect(await scm.branchSha(REPO, `autodev/${RUN}/api`)).toBeNull();
    await scm.deleteBranch(REPO, `autodev/${RUN}/api`);
  });
});

describe('finishRun', () => {
  it('opens one pull request, reviews it with line comments, and deletes the merged task branches', async () => {
    pushWork({ 'src/checkout.ts': 'export const a = 1;\nexport const total = 2;\n' });
    const model = scriptedCompletionModel([review]);
    const deps = { integrations: allMerged, reviewer: modelReviewer(model), log: silentLog };
    const events = await finishRun(deps, { scm, config: defaultConfig() }, finishedRun());

    expect(repo().pulls).toHaveLength(1);
    const [pull] = repo().pulls;
    const issue = repo().issues.find((i) => i.number === pull!.number)!;
    expect(pull).toMatchObject({ head: INTEGRATION, base: 'main', draft: false });
    expect(issue.title).toBe('Shoppers can pay for their cart on one page. (autodev run ab12cd34)');
    expect(issue.body).toContain('Closes #42');

    const [posted] = repo().reviews;
    // The bot opened the pull request, so GitHub refuses its approval: the verdict stays in the body.
    expect(posted).toMatchObject({ state: 'COMMENTED', commitId: pull!.headSha });
    expect(posted!.comments).toEqual([
      { path: 'src/checkout.ts', line: 2, side: 'RIGHT', body: 'Name this `total`.' },
    ]);
    expect(posted!.body).toContain('verdict: approve');
    expect(posted!.body).toContain('Unchanged line: not in the diff.');

    for (const id of ['api', 'ui', 'e2e'])
      expect(repo().refs[`refs/heads/autodev/${RUN}/${id}`]).toBeUndefined();
    expect(repo().refs[`refs/heads/${INTEGRATION}`]).toBeDefined();
    expect(events).toEqual([
      { type: 'usage', tokens: 150, costUsd: 0 },
      {
        type: 'succeeded',
        pullRequest: {
          number: pull!.number,
          url: expect.stringContaining(`/pull/${pull!.number}`),
          draft: false,
          reviewedSha: pull!.headSha,
        },
      },
    ]);
  });

  it('finishing again updates the same pull request, and reviews only a new head', async () => {
    pushWork({ 'src/checkout.ts': 'x\n' });
    const model = scriptedCompletionModel([review, review]);
    const deps = { integrations: allMerged, reviewer: modelReviewer(model), log: silentLog };
    const scope = { scm, config: defaultConfig() };
    let run = apply(finishedRun(), await finishRun(deps, scope, finishedRun()));
    run = apply(run, await finishRun(deps, scope, run));
    expect(repo().pulls).toHaveLength(1);
    expect(repo().reviews).toHaveLength(1);
    expect(model.calls).toHaveLength(1);

    // `ui` ran again (its branch was deleted after the first merge) and now conflicts.
    commitOnBranch(`autodev/${RUN}/ui`, { 'ui.ts': 'again' }, 'ui again');
    commitOnBranch(INTEGRATION, { 'src/checkout.ts': 'x\ny\n' }, 'merge again');
    const conflicted = source({
      1: integration({
        merges: [
          { taskId: 'api', status: 'merged' },
          { taskId: 'ui', status: 'conflicted', files: ['src/app.ts'] },
        ],
      }),
    });
    const events = await finishRun({ ...deps, integrations: conflicted }, scope, run);
    expect(repo().pulls).toHaveLength(1);
    expect(repo().reviews).toHaveLength(2);
    const body = repo().issues.find((i) => i.number === repo().pulls[0]!.number)!.body!;
    // REST cannot turn it into a draft: the body says so.
    expect(body).toContain('treat it as a draft');
    expect(body).toContain('conflicted: not merged');
    // The conflicted task's work exists only on its branch: it stays.
    expect(repo().refs[`refs/heads/autodev/${RUN}/ui`]).toBeDefined();
    const ended = events.at(-1)!;
    expect(ended.type === 'succeeded' && ended.note).toContain('is a draft: not merged: ui (conflicted)');
  });

  it('opens a draft when a gate failed, and finishes without integration results', async () => {
    pushWork({ 'src/checkout.ts': 'x\n' });
    const failing = source({
      2: integration({
        merges: [{ taskId: 'e2e', status: 'merged' }],
        gates: [gate('npm test', 1)],
        passed: false,
      }),
    });
    await finishRun(
      { integrations: failing, log: silentLog },
      { scm, config: defaultConfig() },
      finishedRun(),
    );
    expect(repo().pulls[0]!.draft).toBe(true);

    sim.reset();
    scm = signIn();
    pushWork({ 'src/checkout.ts': 'x\n' });
    const events = await finishRun(
      { integrations: { forWave: async () => null }, log: silentLog },
      { scm, config: defaultConfig() },
      finishedRun(),
    );
    const body = repo().issues.find((i) => i.number === repo().pulls[0]!.number)!.body!;
    expect(body).toContain('Integration results were not reported for this wave.');
    // Not known to be merged: the task branches stay.
    expect(repo().refs[`refs/heads/autodev/${RUN}/api`]).toBeDefined();
    const ended = events.at(-1)!;
    expect(ended.type === 'succeeded' && ended.note).toContain(
      'Task branches kept (not reported merged): api, ui, e2e.',
    );
  });

  it('fails the run with the reason when there is no integration branch', async () => {
    const events = await finishRun(
      { integrations: allMerged, log: silentLog },
      { scm, config: defaultConfig() },
      finishedRun(),
    );
    expect(events).toEqual([
      { type: 'failed', reason: expect.stringContaining(`integration branch ${INTEGRATION} does not exist`) },
    ]);
    expect(repo().pulls).toEqual([]);
  });

  it('notes a review that could not be made, and still finishes', async () => {
    pushWork({ 'src/checkout.ts': 'x\n' });
    const model = scriptedCompletionModel(['no', 'still no']);
    const events = await finishRun(
      { integrations: allMerged, reviewer: modelReviewer(model), log: silentLog },
      { scm, config: defaultConfig() },
      finishedRun(),
    );
    expect(repo().pulls).toHaveLength(1);
    expect(events[0]).toEqual({ type: 'usage', tokens: 300, costUsd: 0 });
    const ended = events.at(-1)!;
    expect(ended.type === 'succeeded' && ended.note).toContain("The reviewer agent's review was not posted");
    expect(ended.type === 'succeeded' && ended.pullRequest?.reviewedSha).toBeUndefined();
  });
});
