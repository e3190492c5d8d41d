import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { DEMO_REPO, startDemoSimulator } from './demo-simulator.js';
import type { GitHubSimulator, SimulatorState } from './github-simulator.js';

let simulator: GitHubSimulator;
let github: Octokit;

beforeAll(async () => {
  ({ simulator, github } = await startDemoSimulator());
});

afterAll(async () => {
  await simulator.close();
  // Everything these tests sent and got back fits GitHub's description.
  expect(simulator.violations).toEqual([]);
});

async function sandboxState(): Promise<SimulatorState> {
  const response = await fetch(`${simulator.url}/_sandbox/state`);
  return (await response.json()) as SimulatorState;
}

function demoRepoIn(state: SimulatorState) {
  const repo = state.repositories.find((candidate) => candidate.name === DEMO_REPO.repo);
  if (!repo) throw new Error('demo repository missing from state');
  return repo;
}

async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('repository and permissions', () => {
  it('serves the seeded repository', async () => {
    const { data } = await github.rest.repos.get(DEMO_REPO);
    expect(data).toMatchObject({ full_name: 'octo-org/hello-world', default_branch: 'main', private: false });
    expect(data.owner.login).toBe('octo-org');
  });

  it.each([
    ['maintainer', 'write', 'write'],
    ['reader', 'read', 'read'],
    ['outsider', 'read', 'read'],
    ['octo-org', 'admin', 'admin'],
  ])('reports %s as %s (role %s)', async (username, permission, role) => {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({ ...DEMO_REPO, username });
    expect(data.permission).toBe(permission);
    expect(data.role_name).toBe(role);
  });

  it('answers 404 for a login that is no user, and for an unknown repository', async () => {
    const unknownUser = github.rest.repos.getCollaboratorPermissionLevel({
      ...DEMO_REPO,
      username: 'ghost-42',
    });
    expect(await statusOf(unknownUser)).toBe(404);
    const unknownRepo = github.rest.repos.get({ owner: 'octo-org', repo: 'nope' });
    await expect(unknownRepo).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found', documentation_url: expect.any(String) } },
    });
  });
});

describe('issues', () => {
  it('serves the seeded spec issue', async () => {
    const { data } = await github.rest.issues.get({ ...DEMO_REPO, issue_number: 1 });
    expect(data).toMatchObject({ number: 1, state: 'open', user: { login: 'maintainer' } });
    expect(data.author_association).toBe('COLLABORATOR');
    expect(data.labels.map((label) => (typeof label === 'string' ? label : label.name))).toEqual(['autodev']);
  });

  it('creates and updates an issue, creating labels on the way like GitHub', async () => {
    const created = await github.rest.issues.create({ ...DEMO_REPO, title: 'Flaky test', labels: ['bug'] });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('autodev[bot]');
    const number = created.data.number;

    const closed = await github.rest.issues.update({
      ...DEMO_REPO,
      issue_number: number,
      title: 'Flaky test (fixed)',
      body: 'Fixed in main.',
      state: 'closed',
      labels: ['bug', 'triaged'],
    });
    expect(closed.data).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      title: 'Flaky test (fixed)',
    });
    expect(closed.data.closed_at).toEqual(expect.any(String));

    const issue = demoRepoIn(await sandboxState()).issues.find((candidate) => candidate.number === number);
    expect(issue).toMatchObject({ state: 'closed', body: 'Fixed in main.', labels: ['bug', 'triaged'] });
    const { data: labels } = await github.rest.issues.listLabelsForRepo(DEMO_REPO);
    expect(labels.map((label) => label.name)).toEqual(expect.arrayContaining(['autodev', 'bug', 'triaged']));
  });

  it('adds labels to an issue and refuses a duplicate repository label', async () => {
    const { data } = await github.rest.issues.addLabels({
      ...DEMO_REPO,
      issue_number: 1,
      labels: ['planned'],
    });
    expect(data.map((label) => label.name)).toEqual(['autodev', 'planned']);
    const created = await github.rest.issues.createLabel({
      ...DEMO_REPO,
      name: 'autodev:running',
      color: '0e8a16',
    });
    expect(created.status).toBe(201);
    expect(await statusOf(github.rest.issues.createLabel({ ...DEMO_REPO, name: 'AUTODEV:running' }))).toBe(
      422,
    );
  });

  it('answers 404 for a missing issue', async () => {
    expect(await statusOf(github.rest.issues.get({ ...DEMO_REPO, issue_number: 999 }))).toBe(404);
    expect(
      await statusOf(github.rest.issues.createComment({ ...DEMO_REPO, issue_number: 999, body: 'x' })),
    ).toBe(404);
  });
});

describe('comments', () => {
  it('creates, lists, reads, edits and deletes a comment', async () => {
    const created = await github.rest.issues.createComment({
      ...DEMO_REPO,
      issue_number: 1,
      body: 'Planning…',
    });
    expect(created.status).toBe(201);
    const commentId = created.data.id;

    const listed = await github.rest.issues.listComments({ ...DEMO_REPO, issue_number: 1 });
    expect(listed.data.map((comment) => comment.id)).toContain(commentId);

    await github.rest.issues.updateComment({ ...DEMO_REPO, comment_id: commentId, body: 'Plan ready.' });
    const { data } = await github.rest.issues.getComment({ ...DEMO_REPO, comment_id: commentId });
    expect(data.body).toBe('Plan ready.');
    expect(demoRepoIn(await sandboxState()).comments).toContainEqual(
      expect.objectContaining({ id: commentId, issueNumber: 1, body: 'Plan ready.', user: 'autodev[bot]' }),
    );

    const deleted = await github.rest.issues.deleteComment({ ...DEMO_REPO, comment_id: commentId });
    expect(deleted.status).toBe(204);
    expect(await statusOf(github.rest.issues.getComment({ ...DEMO_REPO, comment_id: commentId }))).toBe(404);
    const update = github.rest.issues.updateComment({ ...DEMO_REPO, comment_id: commentId, body: 'gone' });
    expect(await statusOf(update)).toBe(404);
  });

  it('pages long comment lists with a Link header octokit follows', async () => {
    const { data: issue } = await github.rest.issues.create({ ...DEMO_REPO, title: 'Chatty' });
    for (let index = 0; index < 5; index += 1) {
      await github.rest.issues.createComment({ ...DEMO_REPO, issue_number: issue.number, body: `#${index}` });
    }
    const firstPage = await github.rest.issues.listComments({
      ...DEMO_REPO,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await github.paginate(github.rest.issues.listComments, {
      ...DEMO_REPO,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(all.map((comment) => comment.body)).toEqual(['#0', '#1', '#2', '#3', '#4']);
  });
});

describe('reactions', () => {
  it('answers 201 for a new reaction and 200 when the same one exists', async () => {
    const first = await github.rest.reactions.createForIssue({
      ...DEMO_REPO,
      issue_number: 1,
      content: 'eyes',
    });
    const again = await github.rest.reactions.createForIssue({
      ...DEMO_REPO,
      issue_number: 1,
      content: 'eyes',
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    const { data: issue } = await github.rest.issues.get({ ...DEMO_REPO, issue_number: 1 });
    expect(issue.reactions).toMatchObject({ total_count: 1, eyes: 1 });
  });

  it('reacts to comments and records who reacted', async () => {
    const { data: comment } = await github.rest.issues.createComment({
      ...DEMO_REPO,
      issue_number: 1,
      body: 'Go',
    });
    const reaction = await github.rest.reactions.createForIssueComment({
      ...DEMO_REPO,
      comment_id: comment.id,
      content: 'rocket',
    });
    expect(reaction.status).toBe(201);
    const stored = demoRepoIn(await sandboxState()).comments.find((candidate) => candidate.id === comment.id);
    expect(stored?.reactions).toEqual([expect.objectContaining({ content: 'rocket', user: 'autodev[bot]' })]);
    const missing = github.rest.reactions.createForIssueComment({
      ...DEMO_REPO,
      comment_id: 1,
      content: '+1',
    });
    expect(await statusOf(missing)).toBe(404);
  });
});
