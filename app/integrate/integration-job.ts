/**
 * The integration job as a runner (or the local runner) starts it after a wave's agent jobs: the wave's
 * tasks from the plan file, the config from the checked-out repository, the integrator backend from the
 * registry chosen the way the agent job chooses its backend, then integrateWave. Everything it reads
 * comes in through IntegrationJobOptions, so the action stays a thin adapter.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AgentBackend, AgentContext, AgentOutcome } from '../agents/agent-backend.js';
import { backendFor } from '../agents/agent-registry.js';
import { childLog, type Log } from '../core/logger.js';
import { backendDeps, backendName, readConfig } from '../agent-task/agent-job.js';
import { resolveCommit } from '../agent-task/commit-and-push.js';
import { parsePlanFile } from '../agent-task/task-from-plan.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { createWorkspace } from '../workspace/sandboxed-workspace.js';
import { WorktreeManager } from '../workspace/worktree-manager.js';
import { integrateWave, type IntegrationResult } from './integrate-wave.js';
import { integrationPlan, waveTasks } from './wave-from-plan.js';

/** The entry of an AUTODEV_AGENT_SCRIPT object that scripts the integrator (tests and demos only). */
export const INTEGRATOR_SCRIPT_KEY = 'integrator';

export interface IntegrationJobOptions {
  runId: string;
  /** 1-based, as dispatched. */
  wave: number;
  /** The ids the wave was dispatched with; empty: the plan's `wave`-th topological level. */
  taskIds?: string[];
  /** Absolute, or relative to the workspace. */
  planFile: string;
  token: string;
  /** Empty: `scripted` when AUTODEV_AGENT_SCRIPT is set, `builtin` otherwise. */
  backend?: string;
  /** GITHUB_WORKSPACE: the checked-out repository, whose `origin` holds the task branches. */
  workspace: string;
  /** RUNNER_TEMP: the integration worktree goes under it. */
  temp: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export async function runIntegrationJob(options: IntegrationJobOptions): Promise<IntegrationResult> {
  const planPath = resolve(options.workspace, options.planFile);
  const planText = await readFile(planPath, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read the plan file ${planPath}: ${String(error)}`, { cause: error });
  });
  const plan = parsePlanFile(planText, planPath);
  const tasks = waveTasks(plan, options.runId, options.wave, options.taskIds);
  const config = await readConfig(options.workspace);
  return integrateWave(
    {
      worktrees: new WorktreeManager({
        repoPath: options.workspace,
        baseDir: join(options.temp, 'autodev-worktrees'),
      }),
      createWorkspace: (worktree, policy, workspaceOptions) =>
        createWorkspace(worktree, policy, { parentEnv: options.env, ...workspaceOptions }),
      integrator: lazyIntegrator(options, config),
      // Correlates the job's lines with the control plane's (runId, wave on every line).
      log: childLog(options.log, { runId: options.runId, wave: options.wave }),
    },
    {
      repoPath: options.workspace,
      runId: options.runId,
      // Where the integration branch starts in the first wave: the commit the workflow checked out.
      baseRef: await resolveCommit(options.workspace, 'HEAD'),
      tasks,
      config,
      secrets: [options.token],
      plan: integrationPlan(plan),
    },
  );
}

/**
 * The integrator, built when the first conflict needs it. A wave that merges cleanly needs no model,
 * so a missing API key must not fail it; when a conflict does need one, the error becomes that task's
 * reason for staying conflicted.
 */
function lazyIntegrator(options: IntegrationJobOptions, config: AutodevConfig): AgentBackend {
  const name = backendName(options);
  let backend: Promise<AgentBackend> | undefined;
  return {
    name,
    async run(context: AgentContext): Promise<AgentOutcome> {
      backend ??= backendDeps(options, { role: 'integrator', taskId: INTEGRATOR_SCRIPT_KEY }, config).then(
        (deps) => backendFor(name, deps),
      );
      return (await backend).run(context);
    },
  };
}
