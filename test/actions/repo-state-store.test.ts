/**
 * The Store contract for RepoStateStore: GitHubScm over @octokit/rest, over real HTTP, against the
 * GitHub simulator (every call checked against GitHub's OpenAPI description).
 *
 * No contract case is skipped: claimDelivery hands out only deliveries recorded through the same
 * instance, and every delivery case records and claims through one instance, as Actions mode does.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { GitHubScm } from '../../app/scm/github-scm.js';
import { RepoStateStore, STATE_BRANCH, STATE_ROOT } from '../../app/store/repo-state-store.js';
import { aPlan, aRun, must, startA } from '../runs/run-fixtures.js';
import { type GitHubSimulator, startGitHubSimulator } from '../sandbox/github-simulator.js';
import { describeStoreContract } from '../store/describe-store-contract.js';

const HOME = { owner: 'acme', repo: 'widgets' };
const seed = {
  users: [],
  repositories: [{ owner: HOME.owner, name: HOME.repo, files: { 'README.md': '# widgets\n' } }],
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const simulators: GitHubSimulator[] = [];
afterAll(async () => {
  for (const sim of simulators) expect(sim.violations).toEqual([]);
});

async function stateStore() {
  const sim = await startGitHubSimulator({ seed });
  simulators.push(sim);
  const octokit = new Octokit({ baseUrl: sim.url, auth: sim.createInstallationToken(), log: quiet });
  const store = new RepoStateStore({ scm: new GitHubScm(octokit), repo: HOME });
  return { sim, octokit, store };
}

describeStoreContract('RepoStateStore on the GitHub simulator', async () => {
  const { sim, octokit, store } = await stateStore();
  return {
    store,
    migrateAgain: async () => [],
    // Deleting the branch empties the store; the store makes the branch again on its next write.
    reset: async () => {
      await octokit
        .request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', {
          ...HOME,
          ref: `heads/${STATE_BRANCH}`,
        })
        .catch(() => undefined);
    },
    dispose: () => sim.close(),
  };
});

describe('RepoStateStore on the state branch', () => {
  it('keeps runs as readable JSON files on their own branch, never on the default branch', async () => {
    const { sim, store } = await stateStore();
    try {
      const { run } = await store.createRun(aRun({ id: 'abc123', repo: HOME, issueNumber: 5 }));
      const repo = sim.state().repositories[0]!;
      const head = repo.commits[repo.refs[`refs/heads/${STATE_BRANCH}`]!]!;
      const file = (path: string) => JSON.parse(repo.blobs[head.files[`${STATE_ROOT}/${path}`]!]!);
      expect(file('runs/abc123.json')).toEqual(run);
      expect(file('issues/acme/widgets/5.json')).toEqual({
        runs: [{ id: 'abc123', createdAt: run.createdAt }],
      });
      expect(file('delivery-runs/delivery-1.json')).toEqual({ runId: 'abc123' });
      expect(head.message).toMatch(/\[skip ci\]$/);
      const main = repo.commits[repo.refs['refs/heads/main']!]!;
      expect(Object.keys(main.files)).toEqual(['README.md']);
    } finally {
      await sim.close();
    }
  });

  it('finishes a creation that stopped after claiming the delivery', async () => {
    const { sim, octokit, store } = await stateStore();
    try {
      const run = aRun({ id: 'half', repo: HOME, issueNumber: 9, deliveryId: 'd-half' });
      // What a creator leaves behind when its job is killed after the claim: no issue list, no index.
      const scm = new GitHubScm(octokit);
      await scm.ensureBranch(HOME, STATE_BRANCH, 'main');
      for (const [path, value] of [
        ['runs/half.json', run],
        ['delivery-runs/d-half.json', { runId: 'half' }],
      ] as const) {
        const text = `${JSON.stringify(value)}\n`;
        await scm.writeFile(HOME, {
          branch: STATE_BRANCH,
          path: `${STATE_ROOT}/${path}`,
          text,
          message: 'x',
          expectedSha: null,
        });
      }
      expect(await store.latestRunForIssue(HOME, 9)).toBeNull();
      expect(
        await store.createRun(aRun({ id: 'again', repo: HOME, issueNumber: 9, deliveryId: 'd-half' })),
      ).toEqual({
        run,
        created: false,
      });
      expect((await store.latestRunForIssue(HOME, 9))?.id).toBe('half');
      expect((await store.listRuns()).map((r) => r.id)).toEqual(['half']);
    } finally {
      await sim.close();
    }
  });

  it('lists a failed run that /retry brought back among the running ones (the index follows)', async () => {
    const { sim, store } = await stateStore();
    try {
      const { run } = await store.createRun(aRun({ id: 'r1', repo: HOME }));
      const planned = { type: 'planned', plan: aPlan(), requireApproval: false } as const;
      const failed = await store.saveRun(
        must(run, planned, startA, { type: 'failed', reason: 'agent crashed' }),
      );
      expect(await store.listRuns({ states: ['running'] })).toEqual([]);
      expect((await store.listRuns({ states: ['failed'] })).map((r) => r.id)).toEqual(['r1']);
      await store.saveRun(must(failed, { type: 'retry', taskId: 'a' }));
      expect((await store.listRuns({ states: ['running'] })).map((r) => r.id)).toEqual(['r1']);
      expect(await store.listRuns({ states: ['failed'] })).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
