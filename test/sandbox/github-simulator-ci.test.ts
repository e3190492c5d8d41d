/**
 * The CI-healing verbs of GitHubScm against the simulator: runs of a commit, job logs behind GitHub's
 * redirect, pull requests from branches and forks, and labelled issues — every call checked against
 * GitHub's OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { hasCi } from '../../app/scm/scm.js';
import { openPullRequestAs, recordWorkflowRun } from '../support/ci-scenario.js';
import { type GitHubSimulator, startGitHubSimulator } from './github-simulator.js';

const REPO = { owner: 'octo-org', repo: 'ci-repo' };
const FORK = { owner: 'forker', repo: 'ci-repo' };
const CI = '.github/workflows/ci.yml';
const LOG = [
  '2026-11-23T10:00:01.0000000Z ##[group]Run npm run lint',
  '2026-11-23T10:00:01.1000000Z npm run lint',
  '2026-11-23T10:00:01.2000000Z shell: /usr/bin/bash -e {0}',
  '2026-11-23T10:00:01.3000000Z ##[endgroup]',
  "2026-11-23T10:00:04.0000000Z ##[error]src/a.ts:3:7 'x' is assigned a value but never used",
  '2026-11-23T10:00:04.1000000Z ##[error]Process completed with exit code 1.',
].join('\n');

let sim: GitHubSimulator;
let scm: GitHubScm;

beforeAll(async () => {
  sim = await startGitHubSimulator({
    seed: {
      users: [{ login: 'maintainer' }, { login: 'forker' }],
      repositories: [
        {
          ...{ owner: REPO.owner, name: REPO.repo },
          files: { 'README.md': '# ci\n', [CI]: 'name: CI\non: push\n' },
        },
        { owner: FORK.owner, name: FORK.repo, files: { 'README.md': '# fork\n' } },
      ],
    },
  });
  const quiet = () => undefined;
  scm = new GitHubScm(
    new Octokit({
      baseUrl: sim.url,
      auth: sim.createInstallationToken(),
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    }),
  );
});

afterAll(async () => {
  await sim.close();
  expect(sim.violations).toEqual([]);
});

describe('workflow runs and job logs', () => {
  it('lists the runs of a commit, newest first, and the failed job with its log', async () => {
    expect(hasCi(scm)).toBe(true);
    const green = recordWorkflowRun(sim, REPO, {
      workflowPath: CI,
      jobs: [{ name: 'lint', conclusion: 'success', log: 'all good' }],
    });
    const red = recordWorkflowRun(sim, REPO, {
      workflowPath: CI,
      jobs: [
        { name: 'test', conclusion: 'success', log: 'fine' },
        { name: 'lint', conclusion: 'failure', log: LOG },
      ],
    });

    const runs = await scm.listWorkflowRuns(REPO, { headSha: red.headSha });
    expect(runs.map((r) => [r.id, r.conclusion])).toEqual([
      [red.id, 'failure'],
      [green.id, 'success'],
    ]);
    expect(runs[0]).toMatchObject({ name: 'CI', path: CI, event: 'push', headBranch: 'main', runNumber: 2 });
    expect(await scm.listWorkflowRuns(REPO, { branch: 'main', status: 'failure' })).toHaveLength(1);
    expect(await scm.listWorkflowRuns(REPO, { branch: 'elsewhere' })).toEqual([]);

    const jobs = await scm.listWorkflowJobs(REPO, red.id);
    const failed = jobs.find((j) => j.conclusion === 'failure');
    expect(failed).toMatchObject({
      name: 'lint',
      url: expect.stringContaining(`/actions/runs/${red.id}/job/`),
    });
    expect(await scm.downloadJobLog(REPO, failed?.id ?? 0)).toBe(LOG);
  });

  it('says which job log does not exist', async () => {
    await expect(scm.downloadJobLog(REPO, 424242)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('pull requests', () => {
  it('tells a pull request from a branch of the repository from one out of a fork', async () => {
    const own = openPullRequestAs(sim, { ...REPO }, 'maintainer', {
      title: 'Own branch',
      head: 'feature',
      files: { 'a.txt': 'a\n' },
    });
    const forked = openPullRequestAs(sim, { ...REPO }, 'forker', {
      title: 'From a fork',
      head: 'patch-1',
      files: { 'b.txt': 'b\n' },
      fork: FORK,
    });
    expect(await scm.getPullRequest(REPO, own.number)).toMatchObject({
      headRef: 'feature',
      headSha: own.headSha,
      headRepo: 'octo-org/ci-repo',
      baseRef: 'main',
      state: 'open',
    });
    expect(await scm.getPullRequest(REPO, forked.number)).toMatchObject({
      headRef: 'patch-1',
      headSha: forked.headSha,
      headRepo: 'forker/ci-repo',
    });
  });
});

describe('labelled issues', () => {
  it('opens an issue with labels, finds it by label (never a pull request) and closes it', async () => {
    const opened = await scm.createIssue(REPO, {
      title: 'CI fails',
      body: 'details',
      labels: ['autodev:ci-failure', 'lint_error'],
    });
    await scm.createIssue(REPO, { title: 'Other', body: '', labels: ['bug'] });

    const found = await scm.listIssuesByLabel(REPO, 'autodev:ci-failure', 'open');
    expect(found).toEqual([
      {
        number: opened.number,
        title: 'CI fails',
        body: 'details',
        url: opened.url,
        state: 'open',
        labels: ['autodev:ci-failure', 'lint_error'],
      },
    ]);

    await scm.updateIssue(REPO, opened.number, { body: 'edited', state: 'closed', stateReason: 'completed' });
    expect(await scm.listIssuesByLabel(REPO, 'autodev:ci-failure', 'open')).toEqual([]);
    expect(await scm.listIssuesByLabel(REPO, 'autodev:ci-failure', 'all')).toMatchObject([
      { number: opened.number, state: 'closed', body: 'edited' },
    ]);
  });
});
