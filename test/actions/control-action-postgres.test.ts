/**
 * The bundled control action with `database-url`: run state goes to Postgres (PGlite over the wire
 * protocol here) and the repository gets no state branch. Proves the bundle's lazily loaded SQL store,
 * node-postgres inside an ES module bundle, and the migrations found from dist/.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../app/store/open-store.js';
import { STATE_BRANCH } from '../../app/store/repo-state-store.js';
import type { Store } from '../../app/store/store.js';
import { type GitHubSimulator, startGitHubSimulator } from '../sandbox/github-simulator.js';
import { findRepository } from '../sandbox/simulator-state.js';
import { issueCommentCreated, type Target } from '../support/event-payloads.js';
import { commentAs } from '../support/scenario.js';
import { startWireServer, type WireServer } from '../store/start-wire-server.js';
import { runActionStep } from './action-step.js';

const TARGET: Target = { owner: 'octo-org', repo: 'hello-world' };

let sim: GitHubSimulator;
let server: WireServer;
let store: Store;
let dir: string;

beforeAll(async () => {
  sim = await startGitHubSimulator({
    seed: {
      app: { id: 1, slug: 'github-actions' },
      users: [{ login: 'maintainer' }],
      repositories: [
        {
          owner: TARGET.owner,
          name: TARGET.repo,
          collaborators: { maintainer: 'write' },
          files: { '.github/autodev.yml': 'requireApproval: true\n' },
          issues: [
            { number: 1, title: 'Goodbyes', body: '- say goodbye\n- test it\n', author: 'maintainer' },
          ],
        },
      ],
    },
  });
  server = await startWireServer();
  dir = await mkdtemp(join(tmpdir(), 'autodev-control-pg-'));
}, 60_000);

afterAll(async () => {
  await store?.close();
  await server?.stop();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('keeps the run in Postgres and leaves the repository without a state branch', async () => {
  const comment = commentAs(sim, TARGET, 1, 'maintainer', '/parallel-dev');
  const payload = issueCommentCreated(
    TARGET,
    { number: 1, title: 'Goodbyes', body: '- say goodbye\n- test it\n' },
    { id: comment.id, body: '/parallel-dev' },
    { login: 'maintainer' },
  );
  const step = await runActionStep({
    dist: join(process.cwd(), 'actions', 'control', 'dist', 'index.js'),
    dir,
    event: { name: 'issue_comment', payload, runId: '5150' },
    env: {
      GITHUB_REPOSITORY: `${TARGET.owner}/${TARGET.repo}`,
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_API_URL: sim.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      'INPUT_GITHUB-TOKEN': sim.createInstallationToken(),
      'INPUT_DATABASE-URL': server.url,
      'INPUT_LOG-LEVEL': 'info',
      AUTODEV_PLANNER: 'outline',
    },
  });
  expect({ code: step.code, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });
  // The URL is masked in the log before anything could print it.
  expect(step.stdout.startsWith(`::add-mask::${server.url}`)).toBe(true);
  expect(step.outputs['state']).toBe('awaiting-approval');

  store = await openStore({ databaseUrl: server.url });
  const run = await store.getRun(step.outputs['run-id'] ?? '');
  // The outline planner (AUTODEV_PLANNER=outline): one task per list item of the issue body.
  expect(run).toMatchObject({ state: 'awaiting-approval', deliveryId: '5150-1', issueNumber: 1 });
  expect(run?.tasks.map((t) => t.title)).toEqual(['say goodbye', 'test it']);
  const repo = findRepository(sim.state(), TARGET.owner, TARGET.repo)!;
  expect(repo.refs[`refs/heads/${STATE_BRANCH}`]).toBeUndefined();
  expect(sim.violations).toEqual([]);
});
