/**
 * Plays GitHub Actions for the agents workflow in the sandbox: every workflow_dispatch the app makes
 * is run on this machine the way .github/workflows/autodev-agents.yml runs it — the committed agent
 * bundle once per task of the wave (at most max_parallel at once), then the integrate bundle — against
 * a real bare git repository standing in for the repository's git remote. What they push is brought
 * into the simulator, the workflow run's jobs end as the steps did, and the app is told with a signed
 * workflow_run.completed, so the whole loop runs with no hand-written wave results.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WaveIntegration } from '../../app/finish/integration-source.js';
import { packageRoot } from '../../app/cli/repo-root.js';
import { createSemaphore, runBundledAction } from '../../app/runners/local-runner.js';
import { integrationBranchName, taskBranchName } from '../../app/workspace/git-worktrees.js';
import { workflowRunCompleted } from '../support/event-payloads.js';
import { deliverWebhook } from './deliver-webhook.js';
import { branchSha, readFile, resolveCommit } from './git-store.js';
import type { GitHubSimulator } from './github-simulator.js';
import { importBranch, readBranchTree } from './import-branch.js';
import {
  type DispatchRecord,
  findRepository,
  nextId,
  type RepositoryRecord,
  timestamp,
} from './simulator-state.js';

const execute = promisify(execFile);
const AGENTS_WORKFLOW = '.github/workflows/autodev-agents.yml';
/** The package's actions/ folder, found the same way from test/sandbox/ and from the compiled lib/. */
const ACTIONS_ROOT = join(packageRoot(import.meta.url), 'actions');

export interface RunnerEmulatorOptions {
  github: GitHubSimulator;
  /** Where workflow_run deliveries go; a function so a restarted app can take over mid-run. */
  appWebhookUrl: string | (() => string);
  secret: string;
  repo: { owner: string; repo: string; installationId?: number };
  /** The repository's git remote: checkouts clone it, the actions push to it. */
  bareRepoPath: string;
  /** AUTODEV_AGENT_SCRIPT for the agent and integrator (the scripted backend). */
  agentScript: string;
  pollMs?: number;
  /** Per step; a hung agent must not hang the test. */
  stepTimeoutMs?: number;
  /** Called with each step's log when it fails (default: stderr), to make a failing loop debuggable. */
  onStepFailure?: (step: string, log: string) => void;
}

export interface RunnerEmulator {
  /** Workflow runs finished and reported so far. */
  readonly processed: number;
  /** What each wave's integrate step reported, by `<run id>/<wave>` (the job's result artifact). */
  readonly integrations: ReadonlyMap<string, WaveIntegration>;
  /** Resolves once no dispatch is waiting or being run. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execute('git', args, { cwd: dir });
  return stdout.trim();
}

/** The plan file as the workflow's "Fetch the plan" step finds it on the state branch. */
function planText(repo: RepositoryRecord, dispatch: DispatchRecord): string {
  const branch = String(dispatch.inputs['state_branch'] ?? 'autodev-state');
  const path = String(dispatch.inputs['plan_path'] ?? '');
  const head = branchSha(repo, branch);
  const text = head ? readFile(repo, head, path) : undefined;
  if (text === undefined) throw new Error(`no ${path} on ${branch} for workflow run ${dispatch.runId}`);
  return text;
}

/**
 * Lets the simulator know a commit of the real repository by its real sha (as a copy of the
 * simulator commit with the same tree): the agent starts its check run on the sha it branched from.
 */
function aliasCommit(repo: RepositoryRecord, realSha: string, simulatorSha: string): void {
  const commit = repo.commits[simulatorSha];
  if (commit && !repo.commits[realSha]) repo.commits[realSha] = { ...commit, sha: realSha };
}

export function startRunnerEmulator(options: RunnerEmulatorOptions): RunnerEmulator {
  const { github, repo: target } = options;
  const seen = new Set<number>();
  const integrations = new Map<string, WaveIntegration>();
  let processed = 0;
  let busy: Promise<void> = Promise.resolve();
  let pending = 0;
  let stopped = false;
  const report =
    options.onStepFailure ??
    ((step: string, log: string) => process.stderr.write(`${step} failed:\n${log}\n`));

  const record = (): RepositoryRecord => {
    const repo = findRepository(github.state(), target.owner, target.repo);
    if (!repo) throw new Error(`the simulator has no repository ${target.owner}/${target.repo}`);
    return repo;
  };
  const webhookUrl = () =>
    typeof options.appWebhookUrl === 'string' ? options.appWebhookUrl : options.appWebhookUrl();

  /** actions/checkout with fetch-depth 0: a full clone whose origin is the remote the actions push to. */
  async function checkout(root: string, name: string): Promise<string> {
    const dir = join(root, name);
    await execute('git', ['clone', '--quiet', options.bareRepoPath, dir]);
    return dir;
  }

  async function runStep(
    action: 'agent' | 'integrate',
    inputs: Record<string, string>,
    workspace: string,
    temp: string,
    runId: number,
  ) {
    const repo = record();
    const sha = await git(workspace, 'rev-parse', 'HEAD');
    aliasCommit(repo, sha, resolveCommit(repo, repo.defaultBranch) ?? '');
    const step = await runBundledAction({
      actionDir: join(ACTIONS_ROOT, action),
      inputs,
      env: { AUTODEV_AGENT_SCRIPT: options.agentScript },
      runner: {
        workspace,
        repository: `${target.owner}/${target.repo}`,
        apiUrl: github.url,
        temp,
        token: github.createInstallationToken(),
        runId: String(runId),
        sha,
      },
      timeoutMs: options.stepTimeoutMs ?? 60_000,
    });
    if (step.exitCode !== 0) report(`${action} ${JSON.stringify(inputs)}`, `${step.stdout}${step.stderr}`);
    return step;
  }

  /** Brings a branch of the bare repository into the simulator, if the actions pushed it. */
  async function sync(branch: string, message: string): Promise<void> {
    const realSha = await git(
      options.bareRepoPath,
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${branch}`,
    ).catch(() => '');
    if (!realSha) return;
    const repo = record();
    const files = await readBranchTree(options.bareRepoPath, branch);
    const commit = importBranch(repo, branch, files, {
      message,
      author: 'autodev[bot]',
      date: timestamp(),
    });
    aliasCommit(repo, realSha, commit.sha);
  }

  async function runWave(dispatch: DispatchRecord): Promise<void> {
    const root = await mkdtemp(join(tmpdir(), 'autodev-emulated-run-'));
    try {
      const runId = String(dispatch.inputs['run_id']);
      const wave = String(dispatch.inputs['wave']);
      const tasks = JSON.parse(String(dispatch.inputs['tasks'])) as string[];
      const planFile = join(root, 'autodev-plan.json');
      await writeFile(planFile, planText(record(), dispatch));
      github.startWorkflowRun(dispatch.runId);

      // The matrix: one job per task, each on its own runner (own checkout, own RUNNER_TEMP).
      const enter = createSemaphore(Math.max(1, Number(dispatch.inputs['max_parallel'] ?? 4) || 1));
      const agents = await Promise.all(
        tasks.map((taskId) =>
          enter(async () => {
            const workspace = await checkout(root, `agent-${taskId}`);
            const temp = await mkdtemp(join(root, `temp-${taskId}-`));
            const step = await runStep(
              'agent',
              { 'run-id': runId, 'task-id': taskId, 'plan-file': planFile },
              workspace,
              temp,
              dispatch.runId,
            );
            return { taskId, succeeded: step.exitCode === 0 && step.outputs['status'] === 'succeeded' };
          }),
        ),
      );

      // `needs: agent` with `if: always()`: integrate runs whatever the agents did.
      const workspace = await checkout(root, 'integrate');
      const temp = await mkdtemp(join(root, 'temp-integrate-'));
      const integrate = await runStep(
        'integrate',
        { 'run-id': runId, wave, 'plan-file': planFile, tasks: JSON.stringify(tasks) },
        workspace,
        temp,
        dispatch.runId,
      );
      if (integrate.outputs['result']) {
        integrations.set(`${runId}/${wave}`, JSON.parse(integrate.outputs['result']) as WaveIntegration);
      }

      for (const { taskId } of agents) await sync(taskBranchName(runId, taskId), `autodev task ${taskId}`);
      await sync(integrationBranchName(runId), `autodev integrate wave ${wave}`);

      finishRun(dispatch.runId, [
        ...agents.map((a) => ({ name: `autodev task ${a.taskId}`, ok: a.succeeded })),
        { name: `autodev integrate wave ${wave}`, ok: integrate.exitCode === 0 },
      ]);
      const conclusion = agents.every((a) => a.succeeded) && integrate.exitCode === 0 ? 'success' : 'failure';
      const delivered = await deliverWebhook({
        url: webhookUrl(),
        secret: options.secret,
        name: 'workflow_run',
        payload: workflowRunCompleted(
          target,
          { id: dispatch.runId, path: AGENTS_WORKFLOW, conclusion, name: 'autodev agents' },
          { login: dispatch.actor },
        ),
      });
      if (delivered.status >= 300) {
        throw new Error(`the app answered ${delivered.status} to workflow_run ${dispatch.runId}`);
      }
      processed++;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  /** The run's jobs end as the steps did, and the run completes (GitHub's view of the wave). */
  function finishRun(runId: number, jobs: { name: string; ok: boolean }[]): void {
    const state = github.state();
    const run = record().workflowRuns.find((r) => r.id === runId);
    if (!run) throw new Error(`no workflow run ${runId}`);
    const now = timestamp();
    run.jobs = jobs.map((job) => ({
      id: nextId(state),
      name: job.name,
      status: 'completed',
      conclusion: job.ok ? 'success' : 'failure',
      startedAt: run.createdAt,
      completedAt: now,
    }));
    run.status = 'completed';
    run.conclusion = jobs.every((j) => j.ok) ? 'success' : 'failure';
    run.updatedAt = now;
  }

  function poll(): void {
    if (stopped) return;
    const repo = record();
    const workflow = repo.workflows.find((w) => w.path === AGENTS_WORKFLOW);
    for (const dispatch of repo.dispatches) {
      if (dispatch.workflowId !== workflow?.id || seen.has(dispatch.runId)) continue;
      seen.add(dispatch.runId);
      // A runner only picks up queued runs: ones an earlier emulator already finished are history.
      if (repo.workflowRuns.find((r) => r.id === dispatch.runId)?.status !== 'queued') continue;
      pending++;
      // One wave at a time: the app only dispatches the next wave after this one reports anyway.
      busy = busy
        .then(() => runWave(dispatch))
        .catch((error: unknown) => report(`workflow run ${dispatch.runId}`, String(error)))
        .finally(() => pending--);
    }
  }

  const timer = setInterval(() => {
    try {
      poll();
    } catch (error) {
      // A throw inside setInterval would take the whole process down; report it like a failed step.
      report('polling the simulator', String(error));
    }
  }, options.pollMs ?? 50);

  return {
    get processed() {
      return processed;
    },
    integrations,
    async idle() {
      poll();
      while (pending > 0) {
        await busy;
        poll();
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}
