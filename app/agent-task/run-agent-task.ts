/**
 * One task, start to end, the same way in an Actions job and on this machine: a worktree on
 * `autodev/<run>/<task>`, the agent in a sandboxed workspace, the validation gates (with the failing
 * output fed back for another attempt), one commit, a push, and a check run that reports how it went.
 *
 * Decisions:
 * - Only work that passed every gate is committed and pushed, so a task branch on the remote always
 *   means "gates passed"; a failed task leaves its reason and the gate output on the check run.
 * - Everything that leaves (check run, commit message, result, log lines) is redacted here at the
 *   boundary, whatever the workspace and the backend already did.
 */
import type { AgentBackend, AgentContext, AgentLimits, AgentTask } from '../agents/agent-backend.js';
import { buildRepoMap, noMemory, readConventions, type Memory } from '../agents/agent-context.js';
import type { GateResult, TaskResult } from '../agents/task-result.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { childLog, silentLog, type Log } from '../core/logger.js';
import type { RepoRef } from '../runs/run.js';
import { taskBranchName } from '../workspace/git-worktrees.js';
import { redactSecrets, secretValuesFromEnv } from '../workspace/redact.js';
import type { Workspace, WorkspacePolicy } from '../workspace/workspace.js';
import type { Worktree, WorktreeManager } from '../workspace/worktree-manager.js';
import { commitAndPush, type PublishRequest } from './commit-and-push.js';
import { commitMessage } from './commit-message.js';
import { errorFeedback, failingGatesReason, gateFeedback, refusedGatesReason } from './gate-feedback.js';
import { auditedWorkspace, type AgentAction } from './audited-workspace.js';
import { redactDeep, redactingLog } from './redacting-log.js';
import { gateCommands, refusedGates, runGates, runSetup } from './run-gates.js';
import { finishTaskCheck, startTaskCheck, type CheckRuns } from './task-check-run.js';

export const DEFAULT_ATTEMPTS = 3;

export interface AgentTaskDeps {
  worktrees: Pick<WorktreeManager, 'create'>;
  createWorkspace(worktree: Worktree, policy: WorkspacePolicy): Workspace;
  backend: AgentBackend;
  /** Where check runs go; without it (local mode with no code host) the task reports only its result. */
  checks?: CheckRuns;
  /** Secrets are read from it (secretValuesFromEnv); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  memory?: Memory;
  /** Told of every action the agent takes in its workspace (the audit trail). */
  audit?: (action: AgentAction) => void;
  /** Defaults to git commit + git push (commit-and-push.ts). */
  publish?: (request: PublishRequest) => Promise<{ commit: string } | null>;
  log?: Log;
  now?: () => number;
}

export interface AgentTaskInput {
  task: AgentTask;
  repo: RepoRef;
  config: AutodevConfig;
  /** Full sha of the commit the branch starts from; the check run is reported on it. */
  base: string;
  /** Backend runs at most, each after the previous one's gates failed. */
  attempts?: number;
  /** Remote the branch is pushed to. */
  remote?: string;
  limits?: Partial<AgentLimits>;
  /** Values to redact besides the environment's (e.g. the GitHub token given as an input). */
  secrets?: string[];
  /** Link from the check run, e.g. the job's log. */
  detailsUrl?: string;
  signal?: AbortSignal;
}

interface Progress {
  attempts: number;
  gates: GateResult[];
  tokens: number;
  costUsd: number;
  backend: string;
  summary: string;
}

type Verdict = { ok: true } | { ok: false; reason: string };

export async function runAgentTask(deps: AgentTaskDeps, input: AgentTaskInput): Promise<TaskResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const { task } = input;
  const secrets = [...secretValuesFromEnv(deps.env ?? process.env), ...(input.secrets ?? [])];
  const redact = (text: string) => redactSecrets(text, secrets);
  const log = redactingLog(childLog(deps.log ?? silentLog, { task: task.taskId }), redact);
  const branch = taskBranchName(task.runId, task.taskId);
  const progress: Progress = {
    attempts: 0,
    gates: [],
    tokens: 0,
    costUsd: 0,
    backend: deps.backend.name,
    summary: '',
  };

  const check = await startTaskCheck(deps.checks, input, redact, log);
  let verdict: Verdict;
  let commit: string | undefined;
  let worktree: Worktree | undefined;
  try {
    worktree = await deps.worktrees.create({ runId: task.runId, taskId: task.taskId, base: input.base });
    const workspace = deps.createWorkspace(worktree, policyOf(input.config, secrets));
    verdict = await attemptTask(deps, input, workspace, progress, secrets, log);
    if (verdict.ok) {
      const message = redact(commitMessage({ ...task, summary: progress.summary }));
      const published = await (deps.publish ?? commitAndPush)({
        dir: worktree.path,
        branch: worktree.branch,
        message,
        remote: input.remote ?? 'origin',
      });
      if (published) commit = published.commit;
      else
        verdict = {
          ok: false,
          reason: 'the agent finished without changing any file, so there is nothing to commit',
        };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: message }, 'the task stopped on an error');
    verdict = { ok: false, reason: `autodev could not finish the task: ${message}` };
  } finally {
    // A worktree left behind holds its branch checked out and fills the runner's disk.
    await worktree
      ?.remove()
      .catch((error: unknown) => log.warn({ err: String(error) }, 'could not remove the worktree'));
  }

  const result: TaskResult = redactDeep(
    {
      runId: task.runId,
      taskId: task.taskId,
      status: verdict.ok ? 'succeeded' : 'failed',
      ...(verdict.ok ? {} : { reason: verdict.reason }),
      branch,
      ...(commit ? { commit } : {}),
      backend: progress.backend,
      summary: progress.summary,
      attempts: progress.attempts,
      gates: progress.gates,
      tokens: progress.tokens,
      costUsd: progress.costUsd,
      durationMs: Math.max(0, now() - started),
    },
    redact,
  );
  await finishTaskCheck(check, input.task.title, result, redact, log);
  log.info(
    { status: result.status, attempts: result.attempts, commit: result.commit },
    result.reason ?? 'task done',
  );
  return result;
}

/** The sandbox rules of the config, shared by every agent that works in a worktree. */
export function policyOf(config: AutodevConfig, secrets: string[]): WorkspacePolicy {
  return {
    allowedCommands: config.allowedCommands,
    protectedPaths: config.protectedPaths,
    allowWorkflowEdits: config.allowWorkflowEdits,
    secrets,
  };
}

/** Backend, gates, feedback — until the gates pass, the agent stops on its own, or attempts run out. */
async function attemptTask(
  deps: AgentTaskDeps,
  input: AgentTaskInput,
  workspace: Workspace,
  progress: Progress,
  secrets: string[],
  log: Log,
): Promise<Verdict> {
  const maxAttempts = Math.max(1, input.attempts ?? DEFAULT_ATTEMPTS);
  const gates = gateCommands(input.config.gates);
  const setup = await runSetup(workspace, input.config.setup);
  if (setup && !setup.passed) {
    progress.gates = [setup];
    return {
      ok: false,
      reason: `setup \`${setup.command}\` failed (exit ${setup.exitCode}) before the agent started: ${setup.outputTail.slice(-500)}`,
    };
  }
  const limits = limitsOf(input);
  const redact = (text: string) => redactSecrets(text, secrets);
  const base = {
    task: input.task,
    workspace: deps.audit ? auditedWorkspace(workspace, deps.audit, redact) : workspace,
    conventions: await readConventions(workspace),
    repoMap: await buildRepoMap(workspace),
    // Memory helps but is not required: an unreachable store costs the agent its recall, not the task.
    memory: await (deps.memory ?? noMemory)
      .recall({ repo: input.task.repository, task: input.task, k: 5 })
      .catch((error: unknown) => {
        log.warn({ err: String(error) }, 'the agent works without memory: it could not be read');
        return [];
      }),
    secrets,
    ...(input.signal ? { signal: input.signal } : {}),
  } satisfies Omit<AgentContext, 'limits'>;
  let feedback: string | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    progress.attempts = attempt;
    const context: AgentContext = {
      ...base,
      limits: remaining(limits, progress),
      ...(feedback === undefined ? {} : { feedback }),
    };
    const outcome = await deps.backend.run(context);
    progress.tokens += outcome.tokens;
    progress.costUsd += outcome.costUsd;
    progress.backend = outcome.backend || progress.backend;
    progress.summary = outcome.summary;
    log.info(
      { attempt, status: outcome.status, turns: outcome.turns },
      `attempt ${attempt}: agent ${outcome.status}`,
    );
    if (outcome.status === 'limit') {
      return {
        ok: false,
        reason: `the agent stopped at its ${outcome.limit ?? 'budget'} limit on attempt ${attempt}: ${outcome.summary}`,
      };
    }
    if (outcome.status === 'gave-up') {
      return { ok: false, reason: `the agent gave up on attempt ${attempt}: ${outcome.summary}` };
    }
    if (outcome.status === 'error') {
      if (attempt === maxAttempts) {
        return {
          ok: false,
          reason: `the agent ended attempt ${attempt} of ${maxAttempts} with an error: ${outcome.summary}`,
        };
      }
      feedback = errorFeedback(outcome.summary, attempt);
      continue;
    }
    progress.gates = await runGates(workspace, gates);
    for (const gate of progress.gates) {
      log.info(
        { attempt, gate: gate.name, exitCode: gate.exitCode, ms: gate.durationMs },
        `gate \`${gate.command}\` ${gate.passed ? 'passed' : 'failed'}`,
      );
    }
    if (progress.gates.every((gate) => gate.passed)) return { ok: true };
    const refused = refusedGates(progress.gates);
    if (refused.length > 0) return { ok: false, reason: refusedGatesReason(refused) };
    feedback = gateFeedback(progress.gates, attempt);
  }
  return { ok: false, reason: failingGatesReason(progress.gates, maxAttempts) };
}

const DEFAULT_LIMITS = { maxTurns: 60, maxWallMs: 45 * 60_000 };

function limitsOf(input: AgentTaskInput): AgentLimits {
  return {
    maxTurns: input.limits?.maxTurns ?? DEFAULT_LIMITS.maxTurns,
    maxTokens: input.limits?.maxTokens ?? input.config.budget.tokens,
    maxDollars: input.limits?.maxDollars ?? input.config.budget.dollars,
    maxWallMs: input.limits?.maxWallMs ?? DEFAULT_LIMITS.maxWallMs,
  };
}

/** Tokens and dollars are for the whole task: a later attempt gets what the earlier ones left. */
function remaining(limits: AgentLimits, progress: Progress): AgentLimits {
  return {
    ...limits,
    maxTokens: Math.max(0, limits.maxTokens - progress.tokens),
    maxDollars: Math.max(0, limits.maxDollars - progress.costUsd),
  };
}
