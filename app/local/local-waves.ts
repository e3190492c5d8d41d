/**
 * The waves of a local run: the ready tasks run through the local runner (bounded parallelism), each
 * through runAgentTask exactly as an Actions job runs it; then the wave is merged into the run's
 * integration branch, and the next wave starts from that branch's head. Every step goes through the
 * run's state machine, so the live view and run.json always show what really happened.
 *
 * Branches: task worktrees are added to the user's repository itself, so each task branch is a real
 * local branch and the agent's commit lands on it directly; nothing is pushed. integrateWave works
 * through a remote (ls-remote, fetch, push with lease), so the run names the repository itself as a
 * remote (`remote`, see self-remote.ts): its fetch sees the local task branches, and its final push
 * finds the integration branch already at the merged head (the worktree committed onto it), which git
 * reports as up to date.
 */
import type { AgentBackend } from '../agents/agent-backend.js';
import type { TaskResult } from '../agents/task-result.js';
import { commitAll, type PublishRequest } from '../agent-task/commit-and-push.js';
import { runAgentTask } from '../agent-task/run-agent-task.js';
import type { CheckRuns } from '../agent-task/task-check-run.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import { readyTasks } from '../dispatch/wave-outcome.js';
import type {
  IntegrateWaveDeps,
  IntegrateWaveInput,
  IntegrationResult,
  IntegrationTask,
} from '../integrate/integrate-wave.js';
import { runWave } from '../runners/local-runner.js';
import type { Task } from '../runs/run.js';
import { taskBranchName } from '../workspace/git-worktrees.js';
import { createWorkspace } from '../workspace/sandboxed-workspace.js';
import type { WorktreeManager } from '../workspace/worktree-manager.js';
import { localAgentTask } from './local-agent-task.js';
import type { RunRecord } from './run-record.js';

/** integrateWave's shape, so a test can stand in for it. */
export type WaveIntegrator = (
  deps: IntegrateWaveDeps,
  input: IntegrateWaveInput,
) => Promise<IntegrationResult>;

export interface WavesContext {
  record: RunRecord;
  repoPath: string;
  /** The commit the run starts from. */
  base: string;
  /** A remote that is the repository itself, for integrateWave. */
  remote: string;
  config: AutodevConfig;
  /** One backend per task: a scripted backend counts its attempts per task. */
  backends: ReadonlyMap<string, AgentBackend>;
  integrator?: AgentBackend;
  backendLabel: string;
  parallelism: number;
  attempts?: number;
  env: NodeJS.ProcessEnv;
  worktrees: WorktreeManager;
  checks?: CheckRuns;
  integrate: WaveIntegrator;
  log: Log;
  signal?: AbortSignal;
  /** Who the run's cancellation is attributed to (the local user). */
  user: string;
  now: () => Date;
  note(text: string): void;
}

export interface WavesOutcome {
  /** Each integrated wave's result, oldest first (the last one's gates ran on all the merged work). */
  integrations: { wave: number; result: IntegrationResult }[];
}

export async function runWaves(ctx: WavesContext): Promise<WavesOutcome> {
  const outcome: WavesOutcome = { integrations: [] };
  await waves(ctx, outcome);
  return outcome;
}

async function waves(ctx: WavesContext, outcome: WavesOutcome): Promise<void> {
  const { record } = ctx;
  const reports = new Map<string, string>();
  const agents = new Map<string, number>();
  let base = ctx.base;
  for (let number = 1; ; number++) {
    if (ctx.signal?.aborted) return cancel(ctx);
    const ready = readyTasks(record.run);
    if (ready.length === 0) {
      const stuck = record.run.tasks.filter((t) => t.state === 'queued').map((t) => t.id);
      record.apply({
        type: 'failed',
        reason: `Tasks ${stuck.join(', ')} wait on each other and can never start.`,
      });
      return;
    }
    const at = ctx.now().toISOString();
    record.apply({
      type: 'wave-dispatched',
      wave: { number, taskIds: ready.map((t) => t.id), workflowRuns: [], dispatchedAt: at },
    });
    const agentName = (task: Task) => {
      const count = (agents.get(task.role) ?? 0) + 1;
      agents.set(task.role, count);
      return `${task.role}-${count}`;
    };
    const settled = await runWave(ready, {
      parallelism: ctx.parallelism,
      runTask: (task) => runTask(ctx, task, base, reports, agentName),
    });
    settled.forEach((settledTask, index) => {
      const task = ready[index];
      const current = record.run.tasks.find((t) => t.id === task?.id);
      // runTask records its own ending; this is only for an error thrown past it.
      if (settledTask.status === 'rejected' && current?.state === 'running') {
        const reason = `autodev could not run the task: ${messageOf(settledTask.reason)}`;
        record.apply({ type: 'task-finished', taskId: current.id, state: 'failed', reason, at: now(ctx) });
      }
    });
    if (ctx.signal?.aborted) return cancel(ctx);
    const failed = record.run.tasks.filter((t) => t.state === 'failed');
    if (failed.length > 0) return failRun(ctx, failed);

    record.apply({ type: 'integrating' });
    const integration = await ctx.integrate(
      {
        worktrees: ctx.worktrees,
        createWorkspace,
        log: ctx.log,
        ...(ctx.integrator ? { integrator: ctx.integrator } : {}),
      },
      {
        repoPath: ctx.repoPath,
        remote: ctx.remote,
        runId: record.run.id,
        baseRef: ctx.base,
        tasks: ready.map((task) => integrationTask(ctx, task)),
        config: ctx.config,
        plan: {
          issueNumber: record.run.issueNumber,
          repository: `${record.run.repo.owner}/${record.run.repo.repo}`,
          goal: record.run.plan?.goal || record.run.trigger.spec,
          ...(record.run.plan?.context ? { context: record.run.plan.context } : {}),
          acceptance: record.run.plan?.acceptanceCriteria ?? [],
        },
      },
    );
    outcome.integrations.push({ wave: number, result: integration });
    // `passed` speaks for the gates only; work left unmerged fails the run just the same.
    const unmerged = integration.merges.some((m) => m.status === 'conflicted' || m.status === 'missing');
    if (unmerged || !integration.passed) {
      record.apply({ type: 'failed', reason: integrationFailure(integration, number) });
      return;
    }
    base = integration.head;
    const gates = integration.gates.map((g) => `${g.command} ${g.passed ? 'passed' : 'failed'}`).join(', ');
    ctx.note(`Wave ${number} merged into ${integration.branch}${gates ? ` (${gates})` : ''}.`);
    if (!record.run.tasks.some((t) => t.state === 'queued')) {
      record.apply({ type: 'succeeded' });
      return;
    }
    record.apply({ type: 'started' });
  }
}

async function runTask(
  ctx: WavesContext,
  task: Task,
  base: string,
  reports: Map<string, string>,
  agentName: (task: Task) => string,
): Promise<TaskResult | undefined> {
  // A task still waiting for a slot when Ctrl-C came never starts; the run's end marks it skipped.
  if (ctx.signal?.aborted) return undefined;
  const { record } = ctx;
  const backend = ctx.backends.get(task.id);
  if (!backend) throw new Error(`no agent backend was prepared for task ${task.id}`);
  const branch = taskBranchName(record.run.id, task.id);
  record.apply({
    type: 'task-started',
    taskId: task.id,
    agent: agentName(task),
    backend: ctx.backendLabel,
    at: now(ctx),
    links: { branch },
  });
  const result = await runAgentTask(
    {
      worktrees: ctx.worktrees,
      createWorkspace: (worktree, policy) => createWorkspace(worktree, policy, { parentEnv: ctx.env }),
      backend,
      ...(ctx.checks ? { checks: ctx.checks } : {}),
      env: ctx.env,
      log: ctx.log,
      publish: commitOnly,
    },
    {
      task: localAgentTask(record.run, task, reports),
      repo: record.run.repo,
      config: ctx.config,
      base,
      ...(ctx.attempts === undefined ? {} : { attempts: ctx.attempts }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  if (result.summary) reports.set(task.id, result.summary);
  record.apply({
    type: 'task-finished',
    taskId: task.id,
    state: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    tokens: result.tokens,
    costUsd: result.costUsd,
    at: now(ctx),
  });
  return result;
}

/**
 * The worktree is on the task's branch in the user's repository, so the commit is the publication.
 * Local runs belong to no issue: the commit message's `Refs #0` trailer would point at nothing.
 */
async function commitOnly(request: PublishRequest): Promise<{ commit: string } | null> {
  const commit = await commitAll({ ...request, message: request.message.replace(/^Refs #0\n/m, '') });
  return commit === null ? null : { commit };
}

function integrationTask(ctx: WavesContext, task: Task): IntegrationTask {
  const brief = ctx.record.run.plan?.briefs?.[task.id];
  return {
    taskId: task.id,
    title: task.title,
    description: brief?.description || task.title,
    acceptance: brief?.acceptance ?? [],
    branch: taskBranchName(ctx.record.run.id, task.id),
    dependsOn: [...task.dependsOn],
  };
}

/** Tasks that depend on a failed one are skipped with that reason; the run's end skips the rest. */
function failRun(ctx: WavesContext, failed: Task[]): void {
  const failedIds = new Set(failed.map((t) => t.id));
  for (let grew = true; grew;) {
    grew = false;
    for (const task of ctx.record.run.tasks) {
      const cause = task.dependsOn.find((dep) => failedIds.has(dep));
      if (task.state !== 'queued' || cause === undefined) continue;
      const reason = `waits for failed task ${cause}`;
      ctx.record.apply({ type: 'task-finished', taskId: task.id, state: 'skipped', reason, at: now(ctx) });
      failedIds.add(task.id);
      grew = true;
    }
  }
  const list = failed.map((t) => `task ${t.id} ("${t.title}") failed: ${t.reason ?? 'no reason given'}`);
  ctx.record.apply({ type: 'failed', reason: `${list.join('; ')}` });
}

function integrationFailure(integration: IntegrationResult, wave: number): string {
  const problems = integration.merges
    .filter((m) => m.status === 'conflicted' || m.status === 'missing')
    .map((m) => {
      const files = m.files?.length ? ` in ${m.files.join(', ')}` : '';
      // integrateWave's note already names the files when it has them.
      return `task ${m.taskId} ${m.status === 'missing' ? 'has no branch to merge' : 'conflicted'}${m.note ? `: ${m.note}` : files}`;
    });
  const gates = integration.gates
    .filter((g) => !g.passed)
    .map((g) => `the gate \`${g.command}\` failed on the merged code (exit code ${g.exitCode})`);
  const why = [...problems, ...gates].join('; ') || 'the integration did not pass';
  return `Merging wave ${wave} into ${integration.branch} failed: ${why}.`;
}

function cancel(ctx: WavesContext): void {
  ctx.record.apply({ type: 'cancelled', by: ctx.user });
}

function now(ctx: WavesContext): string {
  return ctx.now().toISOString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
