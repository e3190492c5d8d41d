/**
 * One agent job as a runner (or the local runner) starts it: the task from the plan file, the config
 * from the checked-out repository, a worktree next to the checkout, the backend by name, check runs
 * through GitHub, then runAgentTask. Everything a job reads comes in through AgentJobOptions, so the
 * action stays a thin adapter and local mode runs the same code.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getOctokit } from '@actions/github';
import { backendFor, type AgentBackendDeps } from '../agents/agent-registry.js';
import type { ScriptedAttempt } from '../agents/scripted-backend.js';
import type { TaskResult } from '../agents/task-result.js';
import type { AgentTask } from '../agents/agent-backend.js';
import { parseConfig } from '../config/load-config.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { childLog, type Log } from '../core/logger.js';
import { ModelRegistry } from '../models/model-registry.js';
import { RunBudget } from '../models/run-budget.js';
import type { AgentRole, RepoRef } from '../runs/run.js';
import { GitHubScm } from '../scm/github-scm.js';
import { createWorkspace } from '../workspace/sandboxed-workspace.js';
import { integrationBranchName, taskBranchName } from '../workspace/git-worktrees.js';
import { WorktreeManager } from '../workspace/worktree-manager.js';
import { GitPublishError, resolveCommit } from './commit-and-push.js';
import { jobMemoryFromEnv } from './job-memory.js';
import { runAgentTask } from './run-agent-task.js';
import { agentTaskFromPlan, parsePlanFile } from './task-from-plan.js';
import { parseJobId } from '../dispatch/job-names.js';

/** Test and demo only: a JSON file of scripted attempts that selects the `scripted` backend. */
export const AGENT_SCRIPT_VARIABLE = 'AUTODEV_AGENT_SCRIPT';
const CONFIG_PATH = '.github/autodev.yml';

export interface AgentJobOptions {
  runId: string;
  taskId: string;
  /** Absolute, or relative to the workspace. */
  planFile: string;
  token: string;
  /** Empty: `scripted` when AUTODEV_AGENT_SCRIPT is set, `builtin` otherwise. */
  backend?: string;
  attempts?: number;
  /** Ref or sha the branch starts from; default: see resolveTaskBase. */
  base?: string;
  /** GITHUB_WORKSPACE: the checked-out repository, whose `origin` receives the branch. */
  workspace: string;
  /** RUNNER_TEMP: worktrees go under it. */
  temp: string;
  repository: RepoRef;
  apiUrl: string;
  /** A link from the check run to the job, when known. */
  detailsUrl?: string;
  /** An HTTP(S) proxy is configured: keep @actions/github's proxy-aware fetch. */
  behindProxy?: boolean;
  env: NodeJS.ProcessEnv;
  log: Log;
}

export async function runAgentJob(
  options: AgentJobOptions,
): Promise<{ task: AgentTask; result: TaskResult }> {
  const planPath = resolve(options.workspace, options.planFile);
  const planText = await readFile(planPath, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read the plan file ${planPath}: ${String(error)}`, { cause: error });
  });
  const plan = parsePlanFile(planText, planPath);
  const task = agentTaskFromPlan(plan, options.runId, options.taskId);
  const { taskId, candidate } = parseJobId(options.taskId);
  const reassignedTo = plan.tasks.find((t) => t.id === taskId)?.backend;
  const contest = contenderConfig(await readConfig(options.workspace), task.role, candidate);
  const config = contest.config;
  const base = await resolveTaskBase(options.workspace, options.runId, options.base);

  const octokit = getOctokit(options.token, {
    baseUrl: options.apiUrl,
    // As in actions-runtime.ts: the platform's fetch unless only @actions/github's honours a proxy.
    ...(options.behindProxy ? {} : { request: { fetch: globalThis.fetch } }),
  });
  const backend = backendFor(
    backendName({
      ...options,
      ...(reassignedTo ? { reassignedTo } : {}),
      ...(contest.backend ? { contender: contest.backend } : {}),
    }),
    await backendDeps(options, task, config),
  );
  const jobMemory = await jobMemoryFromEnv(options.env, options.log);
  const result = await runAgentTask(
    {
      ...(jobMemory ? { memory: jobMemory.memory, audit: jobMemory.audit(task) } : {}),
      worktrees: new WorktreeManager({
        repoPath: options.workspace,
        baseDir: join(options.temp, 'autodev-worktrees'),
      }),
      createWorkspace: (worktree, policy) => createWorkspace(worktree, policy, { parentEnv: options.env }),
      backend,
      checks: new GitHubScm({ request: (route, parameters) => octokit.request(route, parameters) }),
      env: options.env,
      // Correlates the job's lines with the control plane's (runId, taskId on every line).
      log: childLog(options.log, { runId: options.runId, taskId: options.taskId }),
    },
    {
      task,
      repo: options.repository,
      config,
      base,
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      secrets: [options.token],
      ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
    },
  ).finally(() => jobMemory?.close().catch(() => undefined));
  return { task, result };
}

/**
 * The commit a task starts from: the given ref; else the run's integration branch as fetched from
 * origin, so a later wave builds on the merged work of the earlier ones; else the checked-out commit.
 */
export async function resolveTaskBase(workspace: string, runId: string, base?: string): Promise<string> {
  if (base) return resolveCommit(workspace, base);
  try {
    return await resolveCommit(workspace, `refs/remotes/origin/${integrationBranchName(runId)}`);
  } catch (error) {
    if (!(error instanceof GitPublishError)) throw error;
    return resolveCommit(workspace, 'HEAD');
  }
}

/** .github/autodev.yml of the checked-out repository (defaults when absent), or an error listing its problems. */
export async function readConfig(workspace: string): Promise<AutodevConfig> {
  const text = await readFile(join(workspace, CONFIG_PATH), 'utf8').catch((error: unknown) => {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  });
  const parsed = parseConfig(text);
  if (parsed.ok) return parsed.config;
  const problems = parsed.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.problem} ${p.fix}`);
  throw new Error(`${CONFIG_PATH} has problems:\n- ${problems.join('\n- ')}`);
}

/**
 * The backend a job uses: the one asked for; else the one the control plane reassigned the task to
 * after its retries; else `scripted` when AUTODEV_AGENT_SCRIPT is set, `builtin` otherwise.
 */
export function backendName(
  options: Pick<AgentJobOptions, 'backend' | 'env'> & { reassignedTo?: string; contender?: string },
): string {
  if (options.backend) return options.backend;
  if (options.reassignedTo) return options.reassignedTo;
  if (options.contender) return options.contender;
  return options.env[AGENT_SCRIPT_VARIABLE] ? 'scripted' : 'builtin';
}

/** What the registry needs to build the backend for a task's role (and its script, in tests and demos). */
export async function backendDeps(
  options: Pick<AgentJobOptions, 'env'>,
  task: Pick<AgentTask, 'role' | 'taskId'>,
  config: AutodevConfig,
): Promise<AgentBackendDeps> {
  const script = options.env[AGENT_SCRIPT_VARIABLE];
  return {
    role: task.role,
    config,
    models: new ModelRegistry(),
    // A job cannot see what the run's other jobs spent; the task's own limits keep each job in check.
    budget: new RunBudget({ tokens: config.budget.tokens, dollars: config.budget.dollars }),
    env: options.env,
    ...(script ? { script: await readScript(script, task.taskId) } : {}),
  };
}

/**
 * Best-of-N: candidate n of a task runs as `competition.contenders[n - 1]` (wrapping round) says — its
 * backend, and its model in place of the role's. Without contenders, or for a task run once, the config
 * is used as it is.
 */
export function contenderConfig(
  config: AutodevConfig,
  role: AgentRole,
  candidate: number | undefined,
): { config: AutodevConfig; backend?: string } {
  const { contenders } = config.competition;
  if (candidate === undefined || contenders.length === 0) return { config };
  const contender = contenders[(candidate - 1) % contenders.length];
  if (!contender) return { config };
  return {
    backend: contender.backend,
    config: contender.model ? { ...config, models: { ...config.models, [role]: contender.model } } : config,
  };
}

/**
 * A list of attempts for every task, or an object of lists by task id (one file drives a wave). A
 * best-of-N candidate (`<task>.c<n>`) takes its own entry when the file has one, else its task's.
 */
async function readScript(path: string, jobId: string): Promise<ScriptedAttempt[]> {
  const data = JSON.parse(await readFile(path, 'utf8')) as unknown;
  const byTask = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : null;
  const taskId = byTask && Object.hasOwn(byTask, jobId) ? jobId : parseJobId(jobId).taskId;
  const attempts = Array.isArray(data) ? data : byTask?.[taskId];
  if (!Array.isArray(attempts)) {
    throw new Error(`${AGENT_SCRIPT_VARIABLE} (${path}) has no list of attempts for task ${taskId}`);
  }
  return attempts as ScriptedAttempt[];
}

/** The result of a job that stopped before its task could start (bad plan file, bad config …). */
export function failedResult(runId: string, taskId: string, reason: string, durationMs = 0): TaskResult {
  return {
    runId,
    taskId,
    status: 'failed',
    reason,
    branch: taskBranchName(runId, taskId),
    backend: '',
    summary: '',
    attempts: 0,
    gates: [],
    tokens: 0,
    costUsd: 0,
    durationMs,
  };
}
