/**
 * Self-healing CI on the control plane, end to end: the real app over HTTP, signed workflow_run and
 * issue_comment deliveries built from @octokit/webhooks-examples, and the GitHub simulator (every call
 * checked against GitHub's OpenAPI description) holding workflow runs whose failed jobs carry real
 * Actions logs from the analyser's corpus (test/fixtures/ci-logs). The auto-fix workflow's report job
 * is the real action (actions/auto-fix, mode report) run in-process against the same simulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runAutoFixAction } from '../../actions/auto-fix/src/main.js';
import { analyseFailure } from '../../app/heal/analyse-failure.js';
import type { AutoFixAttempt } from '../../app/heal/auto-fix.js';
import type { AutoFixJobResult } from '../../app/heal/auto-fix-job.js';
import type { AutoFixReport } from '../../app/heal/auto-fix-state.js';
import { parseMarker } from '../../app/heal/failure-issue-text.js';
import { ScriptedPlanner } from '../../app/planner/scripted-planner.js';
import { STATE_BRANCH } from '../../app/store/state-branch-files.js';
import { readFile as readSimFile, resolveCommit } from '../sandbox/git-store.js';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';
import { findRepository, type WorkflowRunRecord } from '../sandbox/simulator-state.js';
import { type AppHarness, startAppHarness } from '../support/app-harness.js';
import {
  openPullRequestAs,
  pushCommit,
  recordWorkflowRun,
  workflowRunCompletedPayload,
} from '../support/ci-scenario.js';
import { issueCommentCreated, type Target } from '../support/event-payloads.js';
import { commentAs, commentsOn } from '../support/scenario.js';

const SHOP: Target = { owner: 'octo-org', repo: 'shop', installationId: 1 };
const AUTO: Target = { owner: 'octo-org', repo: 'auto-shop', installationId: 1 };
const FORK = { owner: 'forker', repo: 'shop' };
const CI = '.github/workflows/ci.yml';
const RELEASE = '.github/workflows/release.yml';
const AUTO_FIX = '.github/workflows/autodev-auto-fix.yml';
const BOT = 'autodev[bot]';

function corpusLog(name: string): string {
  return readFileSync(new URL(`../fixtures/ci-logs/${name}`, import.meta.url), 'utf8');
}
/** Failures of different kinds from the corpus; the `-again` log is the same failure at another time and path. */
const LINT = corpusLog('eslint-unfixable.log');
const LINT_AGAIN = corpusLog('eslint-unfixable-again.log');
const TESTS = corpusLog('jest-assertion.log');
const AUDIT = corpusLog('npm-audit-high.log');
const TYPE_ERROR = corpusLog('tsc-type-error.log');

function autoFixWorkflow(): string {
  const real = new URL('../../.github/workflows/autodev-auto-fix.yml', import.meta.url);
  return existsSync(real)
    ? readFileSync(real, 'utf8')
    : 'name: autodev auto-fix\non:\n  workflow_dispatch:\njobs: {}\n';
}

const files = (config: string): Record<string, string> => ({
  'README.md': '# shop\n',
  'src/cart.ts': 'export const total: number = "0";\n',
  '.github/autodev.yml': config,
  [CI]: 'name: CI\non: push\n',
  [RELEASE]: 'name: Release\non: push\n',
  [AUTO_FIX]: autoFixWorkflow(),
  '.github/workflows/autodev-agents.yml': 'name: autodev agents\non:\n  workflow_dispatch:\n',
});
const collaborators = { maintainer: 'write', reader: 'read' } as const;
const seed: SimulatorSeed = {
  installationId: 1,
  app: { id: 1, slug: 'autodev' },
  users: [{ login: 'maintainer' }, { login: 'reader' }, { login: 'forker' }],
  repositories: [
    { owner: SHOP.owner, name: SHOP.repo, collaborators, files: files('autoFix:\n  attempts: 3\n') },
    { owner: AUTO.owner, name: AUTO.repo, collaborators, files: files('onFailure:\n  autoFix: true\n') },
    { owner: FORK.owner, name: FORK.repo, files: { 'README.md': '# fork\n' } },
  ],
};

let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness({
    seed,
    planner: new ScriptedPlanner([() => ({ goal: 'unused', tasks: [] })]),
  });
});

afterEach(() => {
  expect(app.github.violations).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

function repo(target: Target) {
  const found = findRepository(app.github.state(), target.owner, target.repo);
  if (!found) throw new Error('no repository');
  return found;
}

const failureIssues = (target: Target) =>
  repo(target).issues.filter((i) => !i.isPullRequest && i.labels.includes('autodev:ci-failure'));
const botComments = (target: Target, issue: number) =>
  commentsOn(app.github, target, issue).filter((c) => c.user === BOT);
const dispatchesOf = (target: Target) => {
  const workflow = repo(target).workflows.find((w) => w.path === AUTO_FIX);
  return repo(target).dispatches.filter((d) => d.workflowId === workflow?.id);
};

async function finishRun(
  target: Target,
  run: Parameters<typeof recordWorkflowRun>[2],
  options: Parameters<typeof workflowRunCompletedPayload>[3] = {},
): Promise<WorkflowRunRecord> {
  const record = recordWorkflowRun(app.github, target, run);
  const delivered = await app.deliver(
    'workflow_run',
    workflowRunCompletedPayload(app.github, target, record, options),
  );
  expect(delivered.status).toBe(200);
  return record;
}

const failing = (log: string, workflowPath = CI) => ({
  workflowPath,
  jobs: [
    { name: 'build', conclusion: 'failure' as const, log },
    { name: 'docs', conclusion: 'success' as const, log: 'ok' },
  ],
});

const verification = (passed: boolean) => ({
  command: 'npx tsc --noEmit',
  exitCode: passed ? 0 : 2,
  passed,
  timedOut: false,
  durationMs: 900,
  outputTail: passed
    ? ''
    : "src/cart.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.",
});

function attempt(
  n: number,
  kind: AutoFixAttempt['kind'],
  name: string,
  tried: string,
  passed: boolean,
): AutoFixAttempt {
  return {
    attempt: n,
    of: 2,
    kind,
    name,
    tried,
    changed: ['src/cart.ts'],
    verification: verification(passed),
    modelCalls: kind === 'agent' ? 3 : 0,
  };
}

/** What the heal job leaves in its artifact (autodev-auto-fix.json) after these attempts. */
function healResult(pullRequest: number, attempts: AutoFixAttempt[]): AutoFixJobResult {
  const last = attempts.at(-1);
  const fixed = last?.verification?.passed === true;
  const of = attempts.length;
  return {
    target: {
      kind: 'pull-request',
      number: pullRequest,
      headSha: 'f'.repeat(40),
      headRef: 'cart',
      baseRef: 'main',
      fork: false,
      headRepo: `${SHOP.owner}/${SHOP.repo}`,
    },
    runId: 1,
    analysis: {
      class: 'type_error',
      severity: 'high',
      signature: 'sig',
      jobName: 'build',
      messages: ["Type 'string' is not assignable to type 'number'."],
      fixableWithoutModel: false,
    },
    failingCommand: 'npx tsc --noEmit',
    fix: {
      fixed,
      ...(fixed && last ? { fixedBy: { kind: last.kind, name: last.name } } : {}),
      reason: fixed ? `fixed on attempt ${of}` : `stopped after ${of} attempts`,
      attempts: attempts.map((a) => ({ ...a, of })),
      modelCalls: attempts.reduce((sum, a) => sum + a.modelCalls, 0),
      tokens: 0,
      costUsd: 0,
      commits: fixed ? ['e'.repeat(40)] : [],
      changedFiles: ['src/cart.ts'],
      baseline: verification(false),
    },
    ...(fixed ? { commitMessage: 'fix(ci): type the total\n', patchFile: '/tmp/autodev-fix.patch' } : {}),
  };
}

/**
 * The auto-fix workflow's report job for real: the action's report mode, run in-process against the
 * simulator with heal's artifact in RUNNER_TEMP, as the runner would run it. Returns what it wrote.
 */
async function reportJob(
  workflowRunId: number,
  inputs: Record<string, string>,
  heal?: AutoFixJobResult,
): Promise<AutoFixReport> {
  const temp = await mkdtemp(join(tmpdir(), 'autodev-report-job-'));
  const saved = process.env;
  try {
    if (heal) await writeFile(join(temp, 'autodev-auto-fix.json'), `${JSON.stringify(heal)}\n`);
    const output = join(temp, 'output');
    await writeFile(output, '');
    process.env = {
      PATH: saved.PATH,
      GITHUB_REPOSITORY: `${SHOP.owner}/${SHOP.repo}`,
      GITHUB_API_URL: app.github.url,
      GITHUB_WORKSPACE: temp,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: output,
      'INPUT_GITHUB-TOKEN': app.github.createInstallationToken(),
      INPUT_MODE: 'report',
      'INPUT_WORKFLOW-RUN-ID': String(workflowRunId),
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
      ),
    };
    process.exitCode = undefined;
    await runAutoFixAction(process.env);
    expect(process.exitCode).toBeUndefined();
    const result = /^result<<(\S+)\n([\s\S]*?)\n\1$/m.exec(await readFile(output, 'utf8'));
    return JSON.parse(result?.[2] ?? 'null') as AutoFixReport;
  } finally {
    process.env = saved;
    await rm(temp, { recursive: true, force: true });
  }
}

/** GitHub finishing the auto-fix workflow run and telling the app. */
async function completeAutoFixRun(runId: number, conclusion: 'success' | 'failure' | 'cancelled') {
  app.github.completeWorkflowRun(runId, conclusion);
  const record = repo(SHOP).workflowRuns.find((r) => r.id === runId);
  if (!record) throw new Error('no auto-fix run');
  await app.deliver('workflow_run', workflowRunCompletedPayload(app.github, SHOP, record));
}

describe('failure issues on the default branch', () => {
  it('opens exactly one labelled issue for a failure, with the classified errors and links', async () => {
    const run = await finishRun(SHOP, failing(LINT));
    const issues = failureIssues(SHOP);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    const analysis = analyseFailure([{ jobName: 'build', log: LINT }]);
    expect(issue?.user).toBe(BOT);
    expect(issue?.labels).toEqual(['autodev:ci-failure', 'lint_error']);
    expect(issue?.title).toMatch(/^CI failure in CI: lint errors/);
    const body = issue?.body ?? '';
    expect(body).toContain(`/actions/runs/${run.id}`);
    expect(body).toContain('| Severity |');
    expect(body).toContain(analysis.messages[0]?.slice(0, 40) ?? 'no message');
    const location = analysis.locations[0];
    if (location) expect(body).toContain(`/blob/${run.headSha}/${location.file}`);
    expect(body).toMatch(/### Log excerpt\n\n```+text\n/);
    expect(parseMarker(body)).toEqual({
      signature: analysis.signature,
      workflow: CI,
      run: run.id,
      attempt: 1,
      count: 1,
    });
  });

  it('comments on the open issue when the same failure happens again, once per run', async () => {
    const run = await finishRun(SHOP, failing(LINT_AGAIN));
    const issues = failureIssues(SHOP);
    expect(issues).toHaveLength(1);
    const number = issues[0]?.number ?? 0;
    const comments = botComments(SHOP, number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`/actions/runs/${run.id}`);
    expect(comments[0]?.body).toContain('Seen 2 times so far');
    expect(parseMarker(issues[0]?.body ?? '')).toMatchObject({ run: run.id, count: 2 });

    // GitHub redelivering the same event (a new delivery id) does not count the run twice.
    await app.deliver('workflow_run', workflowRunCompletedPayload(app.github, SHOP, run));
    expect(botComments(SHOP, number)).toHaveLength(1);
  });

  it('opens a second issue for a different failure', async () => {
    await finishRun(SHOP, failing(TESTS));
    const issues = failureIssues(SHOP);
    expect(issues).toHaveLength(2);
    expect(issues[1]?.labels).toContain('test_failure');
    expect(parseMarker(issues[0]?.body ?? '')?.signature).not.toBe(
      parseMarker(issues[1]?.body ?? '')?.signature,
    );
  });

  it('does nothing for a failure on another branch, from a fork, or in autodev’s own workflows', async () => {
    pushCommit(app.github, SHOP, 'feature', { 'src/x.ts': 'x\n' });
    const before = repo(SHOP).issues.length;
    const requests = app.github.requests.length;
    await finishRun(SHOP, { ...failing(TESTS), branch: 'feature' });
    // A fork's branch may be called main too; its pull request run is not the default branch.
    await finishRun(SHOP, { ...failing(TESTS), event: 'pull_request' }, { headRepository: FORK });
    await finishRun(SHOP, failing(TESTS, '.github/workflows/autodev-agents.yml'));
    expect(repo(SHOP).issues.length).toBe(before);
    const writes = app.github.requests.slice(requests).filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
  });

  it('notes recovery on the open issues of the workflow that passed again, and closes them', async () => {
    await finishRun(SHOP, failing(AUDIT, RELEASE));
    const release = failureIssues(SHOP).find((i) => parseMarker(i.body ?? '')?.workflow === RELEASE);
    const passed = await finishRun(SHOP, {
      workflowPath: CI,
      jobs: [{ name: 'build', conclusion: 'success' }],
    });
    const ci = failureIssues(SHOP).filter((i) => parseMarker(i.body ?? '')?.workflow === CI);
    expect(ci).toHaveLength(2);
    for (const issue of ci) {
      expect(issue.state).toBe('closed');
      const last = botComments(SHOP, issue.number).at(-1)?.body ?? '';
      expect(last).toContain('passed on `main`');
      expect(last).toContain(`/actions/runs/${passed.id}`);
    }
    // The Release workflow has not passed: its issue stays open.
    expect(release?.state).toBe('open');
  });

  it('reopens the same issue when a recovered failure comes back', async () => {
    const closed = failureIssues(SHOP).find((i) => i.labels.includes('test_failure'));
    await finishRun(SHOP, failing(TESTS));
    expect(failureIssues(SHOP).filter((i) => i.labels.includes('test_failure'))).toHaveLength(1);
    expect(closed?.state).toBe('open');
    expect(botComments(SHOP, closed?.number ?? 0).at(-1)?.body).toContain('The same failure is back');
  });

  it('starts an auto-fix on its own when onFailure.autoFix is on', async () => {
    const run = await finishRun(AUTO, failing(LINT));
    const [issue] = failureIssues(AUTO);
    expect(issue).toBeDefined();
    const [dispatch] = dispatchesOf(AUTO);
    expect(dispatch?.inputs).toMatchObject({
      branch: 'main',
      run_id: String(run.id),
      issue: String(issue?.number),
      attempts: '3',
    });
    const progress = botComments(AUTO, issue?.number ?? 0).at(-1)?.body ?? '';
    expect(progress).toContain('autodev auto-fix');
    expect(progress).toContain('new pull request');
  });
});

describe('/auto-fix', () => {
  async function ask(target: Target, number: number, body: string, author = 'maintainer') {
    const comment = commentAs(app.github, target, number, author, body);
    // GitHub sends the issue (its body too) with the comment.
    const issue = repo(target).issues.find((i) => i.number === number);
    const fields = {
      number,
      title: issue?.title ?? '',
      body: issue?.body ?? null,
      isPullRequest: issue?.isPullRequest ?? false,
    };
    const payload = issueCommentCreated(target, fields, { id: comment.id, body }, { login: author });
    await app.deliver('issue_comment', payload);
  }

  it('dispatches the auto-fix workflow for the latest failed run of the pull request’s head', async () => {
    const pr = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Cart',
      head: 'cart',
      files: { 'src/cart.ts': 'export const total: number = 1;\n' },
    });
    const older = recordWorkflowRun(app.github, SHOP, {
      ...failing(TESTS),
      branch: 'cart',
      event: 'pull_request',
    });
    const latest = recordWorkflowRun(app.github, SHOP, {
      ...failing(TYPE_ERROR),
      branch: 'cart',
      event: 'pull_request',
    });
    recordWorkflowRun(app.github, SHOP, {
      workflowPath: RELEASE,
      branch: 'cart',
      event: 'pull_request',
      jobs: [{ name: 'release', conclusion: 'success' }],
    });
    expect(older.headSha).toBe(pr.headSha);
    const before = dispatchesOf(SHOP).length;

    await ask(SHOP, pr.number, '/auto-fix attempts=2');

    const dispatches = dispatchesOf(SHOP);
    expect(dispatches).toHaveLength(before + 1);
    const dispatch = dispatches.at(-1);
    expect(dispatch?.ref).toBe('main');
    expect(dispatch?.inputs).toMatchObject({
      pull_request: String(pr.number),
      run_id: String(latest.id),
      issue: String(pr.number),
      attempts: '2',
    });
    const progress = botComments(SHOP, pr.number);
    expect(progress).toHaveLength(1);
    expect(progress[0]?.body).toContain('waiting for a runner');
    expect(progress[0]?.body).toContain('pushed to `cart`');
    expect(progress[0]?.body).toContain(`autodev:auto-fix workflow-run=${dispatch?.runId}`);
    // The request waits on the state branch for the workflow run to report back.
    const stateSha = resolveCommit(repo(SHOP), STATE_BRANCH) ?? '';
    const request = readSimFile(repo(SHOP), stateSha, `.autodev/auto-fix/${dispatch?.runId}.json`);
    expect(JSON.parse(request ?? '{}')).toMatchObject({
      issueNumber: pr.number,
      failedRun: { id: latest.id },
    });
  });

  it('finishes the progress comment with each attempt and the outcome when the workflow reports back', async () => {
    const dispatch = dispatchesOf(SHOP).at(-1);
    const runId = dispatch?.runId ?? 0;
    const number = Number(dispatch?.inputs['pull_request']);
    const heal = healResult(number, [
      attempt(1, 'healer', 'prettier', 'formatted 1 file', false),
      attempt(2, 'agent', 'scripted', 'typed the total', true),
    ]);
    const commit = 'abcdef1234567890abcdef1234567890abcdef12';
    // The workflow's report job: heal fixed it, publish pushed it.
    const report = await reportJob(
      runId,
      {
        'heal-outcome': 'success',
        'publish-outcome': 'success',
        'publish-result': JSON.stringify({ kind: 'pushed', branch: 'cart', commit }),
      },
      heal,
    );
    expect(report).toMatchObject({
      workflowRunId: runId,
      fixed: true,
      pushed: { branch: 'cart', sha: commit },
    });
    const stateSha = resolveCommit(repo(SHOP), STATE_BRANCH) ?? '';
    const stored = readSimFile(repo(SHOP), stateSha, `.autodev/auto-fix/${runId}.result.json`);
    expect(JSON.parse(stored ?? 'null')).toEqual(report);

    await completeAutoFixRun(runId, 'success');

    const comments = botComments(SHOP, number);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('autodev auto-fix — fixed');
    expect(body).toMatch(
      /\| 1\/2 \| healer \| `prettier` formatted 1 file \| 1 file \(`src\/cart.ts`\) \| ❌ `npx tsc --noEmit` exit 2 \|/,
    );
    expect(body).toMatch(/\| 2\/2 \| agent \| `scripted` typed the total .*✅ `npx tsc --noEmit` passes \|/);
    expect(body).toContain(`✅ **Fixed:** ${heal.fix.reason}.`);
    expect(body).toContain('Pushed `abcdef1` to `cart`');
    expect(body).toContain('3 model calls');
  });

  it('says in the comment why nothing was fixed when the fix could not be published', async () => {
    const pr = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Moved',
      head: 'moved',
      files: { 'm.ts': 'm\n' },
    });
    recordWorkflowRun(app.github, SHOP, { ...failing(TYPE_ERROR), branch: 'moved', event: 'pull_request' });
    await ask(SHOP, pr.number, '/auto-fix');
    const runId = dispatchesOf(SHOP).at(-1)?.runId ?? 0;
    await reportJob(
      runId,
      {
        'heal-outcome': 'success',
        'publish-outcome': 'failure',
        'publish-error': 'pull request #9 moved on to 1234567 since the fix was made for abcdef1',
      },
      healResult(pr.number, [attempt(1, 'healer', 'eslint', 'eslint --fix on the project', true)]),
    );
    await completeAutoFixRun(runId, 'failure');

    const body = botComments(SHOP, pr.number).at(-1)?.body ?? '';
    expect(body).toContain('autodev auto-fix — stopped');
    expect(body).toMatch(
      /\| 1\/1 \| healer \| `eslint` eslint --fix on the project .*✅ `npx tsc --noEmit` passes \|/,
    );
    expect(body).toContain(
      '🛑 **Stopped:** fixed on attempt 1, but publishing it failed: pull request #9 moved on to 1234567 since the fix was made for abcdef1. Nothing was pushed',
    );
  });

  it('says so when the auto-fix workflow ends without a report', async () => {
    const pr = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Two',
      head: 'two',
      files: { 'b.ts': 'b\n' },
    });
    recordWorkflowRun(app.github, SHOP, { ...failing(TYPE_ERROR), branch: 'two', event: 'pull_request' });
    await ask(SHOP, pr.number, '/auto-fix');
    const dispatch = dispatchesOf(SHOP).at(-1);
    expect(dispatch?.inputs['attempts']).toBe('3');
    app.github.completeWorkflowRun(dispatch?.runId ?? 0, 'cancelled');
    const record = repo(SHOP).workflowRuns.find((r) => r.id === dispatch?.runId);
    if (!record) throw new Error('no auto-fix run');
    await app.deliver('workflow_run', workflowRunCompletedPayload(app.github, SHOP, record));
    expect(botComments(SHOP, pr.number).at(-1)?.body).toContain(
      'ended (`cancelled`) without reporting its attempts here; its jobs: `autodev auto-fix` ❌ cancelled',
    );
  });

  it('asks for a fix pull request when the pull request comes from a fork', async () => {
    const pr = openPullRequestAs(app.github, SHOP, 'forker', {
      title: 'From a fork',
      head: 'main',
      files: { 'src/cart.ts': 'broken\n' },
      fork: FORK,
    });
    const failed = recordWorkflowRun(app.github, SHOP, {
      ...failing(TESTS),
      branch: 'main',
      headSha: pr.headSha,
      event: 'pull_request',
    });
    await ask(SHOP, pr.number, '/auto-fix');
    expect(dispatchesOf(SHOP).at(-1)?.inputs).toMatchObject({
      pull_request: String(pr.number),
      run_id: String(failed.id),
    });
    expect(botComments(SHOP, pr.number).at(-1)?.body).toContain('comes from forker/shop');
  });

  it('uses the run recorded in a failure issue', async () => {
    const issue = failureIssues(SHOP).find((i) => i.state === 'open' && i.labels.includes('test_failure'));
    const marker = parseMarker(issue?.body ?? '');
    await ask(SHOP, issue?.number ?? 0, '/auto-fix');
    expect(dispatchesOf(SHOP).at(-1)?.inputs).toMatchObject({
      branch: 'main',
      run_id: String(marker?.run),
      issue: String(issue?.number),
    });
  });

  it('replies clearly when the head has no failed run, or CI is still running', async () => {
    const green = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Green',
      head: 'green',
      files: { 'g.ts': 'g\n' },
    });
    recordWorkflowRun(app.github, SHOP, {
      workflowPath: CI,
      branch: 'green',
      event: 'pull_request',
      jobs: [{ name: 'build', conclusion: 'success' }],
    });
    const before = dispatchesOf(SHOP).length;
    await ask(SHOP, green.number, '/auto-fix');
    expect(botComments(SHOP, green.number).at(-1)?.body).toMatch(
      /Every CI workflow run on `[0-9a-f]{7}` passed/,
    );

    const busy = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Busy',
      head: 'busy',
      files: { 'h.ts': 'h\n' },
    });
    recordWorkflowRun(app.github, SHOP, {
      workflowPath: CI,
      branch: 'busy',
      event: 'pull_request',
      status: 'in_progress',
      jobs: [{ name: 'build', conclusion: 'success' }],
    });
    await ask(SHOP, busy.number, '/auto-fix');
    expect(botComments(SHOP, busy.number).at(-1)?.body).toContain('CI is still running');

    const none = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'None',
      head: 'none',
      files: { 'n.ts': 'n\n' },
    });
    await ask(SHOP, none.number, '/auto-fix');
    expect(botComments(SHOP, none.number).at(-1)?.body).toContain('No CI workflow has run');
    expect(dispatchesOf(SHOP)).toHaveLength(before);
  });

  it('refuses a commenter without write permission, as for every command', async () => {
    const pr = openPullRequestAs(app.github, SHOP, 'maintainer', {
      title: 'Refused',
      head: 'refused',
      files: { 'r.ts': 'r\n' },
    });
    recordWorkflowRun(app.github, SHOP, { ...failing(TYPE_ERROR), branch: 'refused', event: 'pull_request' });
    const before = dispatchesOf(SHOP).length;
    await ask(SHOP, pr.number, '/auto-fix', 'reader');
    expect(dispatchesOf(SHOP)).toHaveLength(before);
    expect(botComments(SHOP, pr.number).at(-1)?.body).toContain('did not act on this');
  });
});
