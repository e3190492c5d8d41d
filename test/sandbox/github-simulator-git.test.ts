import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { DEMO_REPO, startDemoSimulator } from './demo-simulator.js';
import { blobSha } from './git-store.js';
import type { GitHubSimulator } from './github-simulator.js';

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

function repoState() {
  const repo = simulator.state().repositories[0];
  if (!repo) throw new Error('no repository in state');
  return repo;
}

async function mainSha(): Promise<string> {
  const { data } = await github.rest.git.getRef({ ...DEMO_REPO, ref: 'heads/main' });
  return data.object.sha;
}

async function readText(path: string, ref?: string): Promise<string> {
  const { data } = await github.rest.repos.getContent({ ...DEMO_REPO, path, ...(ref ? { ref } : {}) });
  if (Array.isArray(data) || data.type !== 'file') throw new Error(`${path} is not a file`);
  return Buffer.from(data.content, 'base64').toString('utf8');
}

async function errorOf(request: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await request;
  } catch (error) {
    const { status, response } = error as { status: number; response?: { data?: { message?: string } } };
    return { status, message: response?.data?.message ?? '' };
  }
  throw new Error('expected the request to fail');
}

describe('contents', () => {
  it('reads a file as base64 with its git blob sha', async () => {
    const { data } = await github.rest.repos.getContent({ ...DEMO_REPO, path: '.github/autodev.yml' });
    expect(data).toMatchObject({ type: 'file', encoding: 'base64', path: '.github/autodev.yml' });
    expect(await readText('.github/autodev.yml')).toBe('label: autodev\n');
    expect((data as { sha: string }).sha).toBe(blobSha('label: autodev\n'));
  });

  it('lists a directory and answers 404 for a missing path or ref', async () => {
    const { data } = await github.rest.repos.getContent({ ...DEMO_REPO, path: '.github' });
    expect(Array.isArray(data) && data.map((entry) => `${entry.type}:${entry.name}`)).toEqual([
      'file:autodev.yml',
      'dir:workflows',
    ]);
    expect((await errorOf(github.rest.repos.getContent({ ...DEMO_REPO, path: 'nope.md' }))).status).toBe(404);
    const badRef = github.rest.repos.getContent({ ...DEMO_REPO, path: 'README.md', ref: 'no-such-branch' });
    expect((await errorOf(badRef)).status).toBe(404);
  });

  it('creates and updates files with commits on a branch, insisting on the current sha', async () => {
    const before = await mainSha();
    const content = (text: string) => Buffer.from(text).toString('base64');
    const created = await github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'docs/notes.md',
      message: 'Add notes',
      content: content('v1\n'),
    });
    expect(created.status).toBe(201);
    expect(created.data.commit.parents?.[0]?.sha).toBe(before);

    const withoutSha = github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'docs/notes.md',
      message: 'Edit',
      content: content('v2\n'),
    });
    expect(await errorOf(withoutSha)).toEqual({
      status: 422,
      message: expect.stringContaining('"sha" wasn\'t supplied'),
    });
    const staleSha = github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'docs/notes.md',
      message: 'Edit',
      content: content('v2\n'),
      sha: blobSha('something else'),
    });
    expect((await errorOf(staleSha)).status).toBe(409);

    const updated = await github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'docs/notes.md',
      message: 'Edit notes',
      content: content('v2\n'),
      sha: created.data.content?.sha ?? '',
    });
    expect(updated.status).toBe(200);
    expect(await readText('docs/notes.md')).toBe('v2\n');
    expect(await readText('docs/notes.md', created.data.commit.sha ?? '')).toBe('v1\n');
    expect(repoState().commits[updated.data.commit.sha ?? '']?.message).toBe('Edit notes');
  });
});

describe('refs and branches', () => {
  it('creates, reads, fast-forwards and deletes a branch ref', async () => {
    const base = await mainSha();
    const created = await github.rest.git.createRef({
      ...DEMO_REPO,
      ref: 'refs/heads/autodev/run-1/task-a',
      sha: base,
    });
    expect(created.status).toBe(201);
    const { data: ref } = await github.rest.git.getRef({ ...DEMO_REPO, ref: 'heads/autodev/run-1/task-a' });
    expect(ref).toMatchObject({
      ref: 'refs/heads/autodev/run-1/task-a',
      object: { sha: base, type: 'commit' },
    });

    const commit = await github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'src/farewell.js',
      message: 'Add farewell',
      content: Buffer.from('export const farewell = (n) => `Goodbye, ${n}!`;\n').toString('base64'),
      branch: 'autodev/run-1/task-a',
    });
    const tip = commit.data.commit.sha ?? '';
    const { data: branch } = await github.rest.repos.getBranch({
      ...DEMO_REPO,
      branch: 'autodev/run-1/task-a',
    });
    expect(branch.commit.sha).toBe(tip);

    await github.rest.git.createRef({ ...DEMO_REPO, ref: 'refs/heads/integration', sha: base });
    const forward = await github.rest.git.updateRef({ ...DEMO_REPO, ref: 'heads/integration', sha: tip });
    expect(forward.data.object.sha).toBe(tip);
    const backward = github.rest.git.updateRef({ ...DEMO_REPO, ref: 'heads/integration', sha: base });
    expect(await errorOf(backward)).toEqual({ status: 422, message: 'Update is not a fast forward' });
    const forced = await github.rest.git.updateRef({
      ...DEMO_REPO,
      ref: 'heads/integration',
      sha: base,
      force: true,
    });
    expect(forced.data.object.sha).toBe(base);

    expect((await github.rest.git.deleteRef({ ...DEMO_REPO, ref: 'heads/integration' })).status).toBe(204);
    expect(repoState().refs['refs/heads/integration']).toBeUndefined();
    expect((await errorOf(github.rest.git.getRef({ ...DEMO_REPO, ref: 'heads/integration' }))).status).toBe(
      404,
    );
  });

  it('refuses refs GitHub refuses', async () => {
    const base = await mainSha();
    const duplicate = github.rest.git.createRef({ ...DEMO_REPO, ref: 'refs/heads/main', sha: base });
    expect(await errorOf(duplicate)).toEqual({ status: 422, message: 'Reference already exists' });
    const shallow = github.rest.git.createRef({ ...DEMO_REPO, ref: 'main2', sha: base });
    expect((await errorOf(shallow)).status).toBe(422);
    const unknown = github.rest.git.createRef({ ...DEMO_REPO, ref: 'refs/heads/x', sha: 'f'.repeat(40) });
    expect(await errorOf(unknown)).toEqual({ status: 422, message: 'Object does not exist' });
    const missing = github.rest.git.deleteRef({ ...DEMO_REPO, ref: 'heads/never' });
    expect((await errorOf(missing)).status).toBe(422);
    expect((await errorOf(github.rest.repos.getBranch({ ...DEMO_REPO, branch: 'never' }))).status).toBe(404);
  });
});

describe('pull requests and reviews', () => {
  let number: number;

  beforeAll(async () => {
    await github.rest.git.createRef({ ...DEMO_REPO, ref: 'refs/heads/autodev/run-2', sha: await mainSha() });
    await github.rest.repos.createOrUpdateFileContents({
      ...DEMO_REPO,
      path: 'CHANGELOG.md',
      message: 'Changelog',
      content: Buffer.from('# Changes\n').toString('base64'),
      branch: 'autodev/run-2',
    });
  });

  it('opens a pull request that is also an issue', async () => {
    const { data, status } = await github.rest.pulls.create({
      ...DEMO_REPO,
      head: 'octo-org:autodev/run-2',
      base: 'main',
      title: 'Add a farewell function',
      body: 'Closes #1',
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ state: 'open', head: { ref: 'autodev/run-2' }, base: { ref: 'main' } });
    expect(data).toMatchObject({ commits: 1, changed_files: 1, merged: false });
    number = data.number;
    const { data: issue } = await github.rest.issues.get({ ...DEMO_REPO, issue_number: number });
    expect(issue.pull_request?.url).toContain(`/pulls/${number}`);
  });

  it('refuses a second pull request for the same head, a missing branch and an empty diff', async () => {
    const again = github.rest.pulls.create({
      ...DEMO_REPO,
      head: 'autodev/run-2',
      base: 'main',
      title: 'Again',
    });
    expect((await errorOf(again)).status).toBe(422);
    const noBranch = github.rest.pulls.create({ ...DEMO_REPO, head: 'ghost', base: 'main', title: 'Ghost' });
    expect((await errorOf(noBranch)).status).toBe(422);
    await github.rest.git.createRef({ ...DEMO_REPO, ref: 'refs/heads/same', sha: await mainSha() });
    const empty = github.rest.pulls.create({ ...DEMO_REPO, head: 'same', base: 'main', title: 'Nothing' });
    expect((await errorOf(empty)).status).toBe(422);
  });

  it('lists by head, base and state, and updates title, body and state', async () => {
    const byHead = await github.rest.pulls.list({ ...DEMO_REPO, head: 'octo-org:autodev/run-2' });
    expect(byHead.data.map((pull) => pull.number)).toEqual([number]);
    expect((await github.rest.pulls.list({ ...DEMO_REPO, base: 'develop' })).data).toEqual([]);

    const { data } = await github.rest.pulls.update({
      ...DEMO_REPO,
      pull_number: number,
      title: 'Farewell',
      state: 'closed',
    });
    expect(data).toMatchObject({ title: 'Farewell', state: 'closed' });
    expect((await github.rest.pulls.list({ ...DEMO_REPO, state: 'open' })).data).toEqual([]);
    expect((await github.rest.pulls.list({ ...DEMO_REPO, state: 'closed' })).data).toHaveLength(1);
    await github.rest.pulls.update({ ...DEMO_REPO, pull_number: number, state: 'open' });
    expect((await github.rest.pulls.get({ ...DEMO_REPO, pull_number: number })).data.state).toBe('open');
    expect((await errorOf(github.rest.pulls.get({ ...DEMO_REPO, pull_number: 999 }))).status).toBe(404);
  });

  it('records reviews, refusing to let the author approve its own pull request', async () => {
    const review = await github.rest.pulls.createReview({
      ...DEMO_REPO,
      pull_number: number,
      event: 'COMMENT',
      body: 'Looks right; one nit inline.',
    });
    expect(review.data).toMatchObject({ state: 'COMMENTED', user: { login: 'autodev[bot]' } });
    const approve = github.rest.pulls.createReview({ ...DEMO_REPO, pull_number: number, event: 'APPROVE' });
    expect((await errorOf(approve)).status).toBe(422);
    expect(repoState().reviews).toEqual([
      expect.objectContaining({ pullNumber: number, state: 'COMMENTED' }),
    ]);
  });
});
