/**
 * Shared setup of the auto-fix action tests: the action's run() in both modes, its GitHub API mocked at HTTP (nock, strict: an
 * unexpected request fails, an unused expectation fails) and everything else real: a bare origin
 * holding the pull request's head (refs/pull/N/head, as GitHub keeps it), the job log made by really
 * running the failing lint, the healers, the re-run and git push.
 *
 * Same repository: heal fixes the lint with no model call and publish pushes onto the PR's branch.
 * Fork: the agent is never used (even with a script ready), and publish pushes an autodev branch in
 * this repository and opens a fix pull request; the fork's head is never pushed to.
 */
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nock from 'nock';
import { run } from '../../../actions/auto-fix/src/main.js';
import { git, type TestRepo } from '../../agent-task/task-fixtures.js';
import {
  actionsJobLog,
  createProject,
  packageJson,
  runInProject,
  toolEnv,
} from '../../heal/heal-fixtures.js';

const exec = promisify(execFile);
export const API = 'https://api.github.com';
const LOGS = 'https://results-receiver.actions.githubusercontent.com';
export const REPO = '/repos/octo-org/demo';
export const TOKEN = 'ghs_canary0123456789abcdefghij';

const CLEAN = {
  'package.json': packageJson({
    type: 'module',
    scripts: { lint: 'eslint src && prettier --check src' },
    devDependencies: { eslint: '^9.0.0', prettier: '^3.0.0' },
  }),
  'eslint.config.js': "export default [{ files: ['**/*.js'], rules: { 'prefer-const': 'error' } }];\n",
  '.prettierrc.json': '{ "singleQuote": true }\n',
  'src/sum.js': 'export function sum(a, b) {\n  return a + b;\n}\n',
};
const BROKEN = 'let offset = 0\nexport function sum(a,b){ return a+b+offset }\n';

/** Filled in beforeAll of the test file that calls useAutoFixFixture(). */
export const fx = { repo: undefined as unknown as TestRepo, temp: '', head: '', headSha: '', jobLog: '' };
const savedEnv = { ...process.env };

export function useAutoFixFixture(): void {
  // The action reports failure through process.exitCode (core.setFailed); the test process must not keep it.
  afterEach(() => {
    process.exitCode = undefined;
  });
  beforeAll(async () => {
    nock.disableNetConnect();
    fx.repo = await createProject(CLEAN);
    fx.temp = await mkdtemp(join(tmpdir(), 'autodev-auto-fix-action-'));
    // The contributor's commit, which GitHub keeps as refs/pull/N/head for same-repo and fork PRs alike.
    await git(fx.repo.clone, 'checkout', '--quiet', '-b', 'feature');
    await writeFile(join(fx.repo.clone, 'src/sum.js'), BROKEN);
    await git(
      fx.repo.clone,
      '-c',
      'user.name=Mona',
      '-c',
      'user.email=m@example.com',
      'commit',
      '--quiet',
      '-am',
      'Offset sums',
    );
    fx.headSha = await git(fx.repo.clone, 'rev-parse', 'HEAD');
    await git(
      fx.repo.clone,
      'push',
      '--quiet',
      'origin',
      'feature',
      'feature:refs/pull/12/head',
      'feature:refs/pull/13/head',
    );
    await git(fx.repo.clone, 'checkout', '--quiet', 'main');
    fx.head = join(fx.repo.root, 'head');
    await exec('git', ['clone', '--quiet', fx.repo.bare, fx.head]);
    await git(fx.head, 'checkout', '--quiet', fx.headSha);
    const failed = runInProject(fx.head, 'npm run lint');
    expect(failed.exitCode).not.toBe(0);
    fx.jobLog = actionsJobLog('npm run lint', failed.output, failed.exitCode);
  }, 60_000);

  afterEach(() => {
    process.env = { ...savedEnv };
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  afterAll(async () => {
    nock.enableNetConnect();
    // nock patches node:http for the whole worker process: later test files in it get the real one back.
    nock.restore();
    await rm(fx.repo.root, { recursive: true, force: true });
    await rm(fx.temp, { recursive: true, force: true });
  });
}

export function pull(number: number, headRepo: string, headRef: string) {
  return {
    number,
    html_url: `https://github.com/octo-org/demo/pull/${number}`,
    state: 'open',
    draft: false,
    head: { ref: headRef, sha: fx.headSha, repo: { full_name: headRepo } },
    base: { ref: 'main' },
  };
}

export function expectFailedRun(): void {
  nock(API)
    .get(`${REPO}/actions/runs`)
    .query({ head_sha: fx.headSha, status: 'failure', per_page: '1', page: '1' })
    .reply(200, {
      total_count: 1,
      workflow_runs: [
        {
          id: 777,
          name: 'ci',
          path: '.github/workflows/ci.yml',
          event: 'pull_request',
          status: 'completed',
          conclusion: 'failure',
          head_branch: 'feature',
          head_sha: fx.headSha,
          html_url: 'https://github.com/octo-org/demo/actions/runs/777',
          run_number: 3,
          run_attempt: 1,
          created_at: '2026-11-23T10:00:00Z',
        },
      ],
    })
    .get(`${REPO}/actions/runs/777/jobs`)
    .query({ per_page: '100', page: '1' })
    .reply(200, {
      total_count: 2,
      jobs: [
        {
          id: 501,
          name: 'lint',
          status: 'completed',
          conclusion: 'failure',
          html_url: 'https://github.com/j/501',
        },
        {
          id: 502,
          name: 'test',
          status: 'completed',
          conclusion: 'success',
          html_url: 'https://github.com/j/502',
        },
      ],
    })
    .get(`${REPO}/actions/jobs/501/logs`)
    .reply(302, '', { location: `${LOGS}/job-logs/501.txt?sig=abc` });
  nock(LOGS)
    .get('/job-logs/501.txt')
    .query({ sig: 'abc' })
    .reply(200, fx.jobLog, { 'content-type': 'text/plain' });
}

/** The runner's variables and the step's inputs; outputs land in a file, like on a runner. */
export async function step(inputs: Record<string, string>): Promise<Record<string, string>> {
  const output = join(fx.temp, `output-${Math.random().toString(36).slice(2)}`);
  await writeFile(output, '');
  process.env = {
    ...savedEnv,
    ...toolEnv(),
    GITHUB_REPOSITORY: 'octo-org/demo',
    GITHUB_API_URL: API,
    GITHUB_WORKSPACE: fx.repo.clone,
    RUNNER_TEMP: fx.temp,
    GITHUB_OUTPUT: output,
    'INPUT_GITHUB-TOKEN': TOKEN,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  process.exitCode = undefined;
  await run(process.env);
  const text = await readFile(output, 'utf8');
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^(\S+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[match[1] as string] = match[3] as string;
  return outputs;
}

export async function freshHead(): Promise<void> {
  await git(fx.head, 'checkout', '--quiet', '--force', fx.headSha);
  await git(fx.head, 'clean', '-fdq');
}
