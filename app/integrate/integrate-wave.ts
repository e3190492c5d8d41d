/**
 * Merges a wave's task branches into the run's integration branch `autodev/<run>/integration`: one
 * `--no-ff` merge commit per task, in dependency order, in a worktree of its own. A conflict goes to the
 * integrator agent when there is one (resolve-conflict.ts checks its work); a conflict it cannot resolve
 * is aborted and reported, and the remaining tasks are still merged. Then the gates run on the
 * integrated tree and the branch is pushed.
 *
 * Decisions:
 * - Every task of the wave gets a result: a branch the remote does not have is 'missing', never dropped.
 * - A task already on the integration branch (a re-run of this job) counts as merged, with the merge
 *   that brought it: re-running an integration is safe and creates nothing twice.
 * - The push is forced only over the head this integration started from (`--force-with-lease`).
 */
import type { AgentBackend } from '../agents/agent-backend.js';
import type { GateResult } from '../agents/task-result.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { childLog, silentLog, type Log } from '../core/logger.js';
import { redactDeep, redactingLog } from '../agent-task/redacting-log.js';
import { policyOf } from '../agent-task/run-agent-task.js';
import { gateCommands, runGates, runSetup } from '../agent-task/run-gates.js';
import { integrationBranchName } from '../workspace/git-worktrees.js';
import { redactSecrets, secretValuesFromEnv } from '../workspace/redact.js';
import type { createWorkspace } from '../workspace/sandboxed-workspace.js';
import type { Workspace } from '../workspace/workspace.js';
import type { WorktreeManager } from '../workspace/worktree-manager.js';
import { integratorTask, readConflictedFiles, type TaskIntent } from './conflict-context.js';
import * as gitOps from './integration-git.js';
import { mergeMessage } from './merge-message.js';
import { mergeOrder } from './merge-order.js';
import {
  competitionReport,
  deleteLosers,
  judge,
  measureCandidates,
  type CandidateBranch,
  type CompetitionReport,
} from './competition.js';
import { resolveConflict } from './resolve-conflict.js';

export interface IntegrationTask {
  taskId: string;
  title: string;
  description: string;
  acceptance: string[];
  /** The branch holding the task's work, usually `autodev/<run>/<task-id>`. */
  branch: string;
  dependsOn: string[];
  /** Best-of-N: the competing candidates' branches; the winner's is merged instead of `branch`. */
  candidates?: CandidateBranch[];
}

/** The feature the wave belongs to, as the plan file tells it; the integrator's prompt needs it. */
export interface IntegrationPlan {
  issueNumber: number;
  /** owner/name. */
  repository: string;
  goal: string;
  context?: string;
  /** The whole feature's acceptance criteria. */
  acceptance: string[];
}

export interface TaskMergeResult {
  taskId: string;
  status: 'merged' | 'resolved' | 'conflicted' | 'missing';
  /** The merge commit on the integration branch. */
  commit?: string;
  /** Merged: the paths the merge changed. Resolved or conflicted: the paths that conflicted. */
  files?: string[];
  /** Why it is missing or conflicted; what the integrator did when resolved. */
  note?: string;
  /** The gates run on the integrator's resolution, when it got that far. */
  gates?: GateResult[];
  /** Best-of-N: how the candidates were judged, which won and why. */
  competition?: CompetitionReport;
}

export interface IntegrationResult {
  runId: string;
  branch: string;
  /** The integration branch's head as pushed. */
  head: string;
  /** One per task of the wave, in merge order. */
  merges: TaskMergeResult[];
  /** The configured gates, run on the integrated tree after every merge. */
  gates: GateResult[];
  /** Every gate passed (true when none is configured). */
  passed: boolean;
}

export interface IntegrateWaveDeps {
  worktrees: Pick<WorktreeManager, 'create'>;
  createWorkspace: typeof createWorkspace;
  /** Resolves conflicts; without one a conflicted task is reported as 'conflicted'. */
  integrator?: AgentBackend;
  log?: Log;
}

export interface IntegrateWaveInput {
  /** The repository (a checkout) whose remote holds the task branches. */
  repoPath: string;
  /** Remote name; default `origin`. */
  remote?: string;
  runId: string;
  /** Where the integration branch starts when neither the remote nor the repository has it yet. */
  baseRef: string;
  tasks: IntegrationTask[];
  config: AutodevConfig;
  /** Values to redact besides the environment's secrets (e.g. the GitHub token given as an input). */
  secrets?: string[];
  plan?: IntegrationPlan;
}

interface WaveState {
  dir: string;
  workspace: Workspace;
  remote: string;
  branch: string;
  heads: Map<string, string>;
  /** Tasks of this wave that are missing or conflicted: their dependents are not merged either. */
  notMerged: Set<string>;
  /** Tasks merged so far in this wave, with the paths each merge changed. */
  merged: { task: IntegrationTask; commit: string; files: string[] }[];
  secrets: string[];
  log: Log;
}

export async function integrateWave(
  deps: IntegrateWaveDeps,
  input: IntegrateWaveInput,
): Promise<IntegrationResult> {
  const remote = input.remote ?? 'origin';
  const secrets = [...secretValuesFromEnv(process.env), ...(input.secrets ?? [])];
  const redact = (text: string): string => redactSecrets(text, secrets);
  const log = redactingLog(childLog(deps.log ?? silentLog, { run: input.runId }), redact);
  const ordered = mergeOrder(input.tasks);
  const branch = integrationBranchName(input.runId);

  // One round trip tells which branches exist, one more fetches them all.
  const heads = await gitOps.remoteHeads(input.repoPath, remote, [
    branch,
    ...ordered.flatMap((t) => [t.branch, ...(t.candidates ?? []).map((c) => c.branch)]),
  ]);
  await gitOps.fetchBranches(input.repoPath, remote, [...heads.keys()]);
  const remoteHead = heads.get(branch);
  // No taskId: the worktree is on the integration branch, reused when the repository already has it.
  const worktree = await deps.worktrees.create({ runId: input.runId, base: remoteHead ?? input.baseRef });
  try {
    const dir = worktree.path;
    if (remoteHead !== undefined) await gitOps.catchUpWith(dir, remoteHead, `${remote}/${branch}`);
    const state: WaveState = {
      dir,
      workspace: deps.createWorkspace(worktree, policyOf(input.config, secrets)),
      remote,
      branch,
      heads,
      notMerged: new Set(),
      merged: [],
      secrets,
      log,
    };
    // Before any merge, so an integrator's gate runs have the dependencies too.
    const setup = await runSetup(state.workspace, input.config.setup);
    const merges: TaskMergeResult[] = [];
    for (const task of ordered) {
      const merge = task.candidates?.length
        ? await mergeCompetition(deps, input, state, task, task.candidates)
        : await mergeTask(deps, input, state, task);
      if (merge.status === 'missing' || merge.status === 'conflicted') state.notMerged.add(task.taskId);
      log.info({ task: task.taskId, status: merge.status }, merge.note ?? `${task.taskId} ${merge.status}`);
      merges.push(merge);
    }
    const gates =
      setup && !setup.passed
        ? [setup]
        : [...(setup ? [setup] : []), ...(await runGates(state.workspace, gateCommands(input.config.gates)))];
    const passed = gates.every((gate) => gate.passed);
    log.info({ passed, gates: gates.length }, `gates on the integrated tree ${passed ? 'passed' : 'failed'}`);
    const head = await gitOps.head(dir);
    await gitOps.pushWithLease(dir, remote, branch, remoteHead);
    return redactDeep({ runId: input.runId, branch, head, merges, gates, passed }, redact);
  } finally {
    await worktree
      .remove()
      .catch((error: unknown) => log.warn({ err: String(error) }, 'could not remove the worktree'));
  }
}

/** Judges a best-of-N task's candidates, merges the winner, then deletes the losers' branches. */
async function mergeCompetition(
  deps: IntegrateWaveDeps,
  input: IntegrateWaveInput,
  state: WaveState,
  task: IntegrationTask,
  candidates: CandidateBranch[],
): Promise<TaskMergeResult> {
  const measured = await measureCandidates({
    dir: state.dir,
    remote: state.remote,
    runId: input.runId,
    taskId: task.taskId,
    base: 'HEAD',
    heads: state.heads,
    candidates,
    config: input.config,
  });
  const judgement = judge(measured);
  state.log.info({ task: task.taskId, winner: judgement.winner?.candidateId }, judgement.reason);
  if (!judgement.winner) {
    // Every candidate's branch stays (none exists, or a person should look): nothing is deleted.
    return {
      taskId: task.taskId,
      status: 'missing',
      competition: competitionReport(judgement, []),
    };
  }
  const merge = await mergeTask(deps, input, state, { ...task, branch: judgement.winner.result.branch });
  const won = merge.status === 'merged' || merge.status === 'resolved';
  // A winner that could not be merged leaves the others for a person (or a /retry) to fall back on.
  const deleted = won ? await deleteLosers(input.repoPath, state.remote, measured) : [];
  return { ...merge, competition: competitionReport(judgement, deleted) };
}

async function mergeTask(
  deps: IntegrateWaveDeps,
  input: IntegrateWaveInput,
  state: WaveState,
  task: IntegrationTask,
): Promise<TaskMergeResult> {
  const { dir } = state;
  if (!state.heads.has(task.branch)) {
    return {
      taskId: task.taskId,
      status: 'missing',
      note: `${state.remote} has no branch ${task.branch}: its agent pushed no work (the task failed or has not finished)`,
    };
  }
  // A dependent merged without its dependency would bring half a chain of work (its branch usually
  // starts from the dependency's), so it waits for the dependency to merge.
  const unmerged = task.dependsOn.filter((dep) => state.notMerged.has(dep));
  if (unmerged.length > 0) {
    return {
      taskId: task.taskId,
      status: 'conflicted',
      note: `not merged: it depends on ${unmerged.join(', ')}, which could not be merged in this wave`,
    };
  }
  const ref = gitOps.trackingRef(state.remote, task.branch);
  if (await gitOps.isAncestor(dir, ref, 'HEAD')) {
    const commit = await gitOps.mergeThatBrought(dir, ref);
    return {
      taskId: task.taskId,
      status: 'merged',
      ...(commit ? { commit, files: await gitOps.filesChangedBy(dir, commit) } : {}),
      note: 'already on the integration branch (merged by an earlier integration)',
    };
  }
  const before = await gitOps.head(dir);
  try {
    const attempt = await gitOps.mergeNoFf(dir, ref, mergeMessage(input.runId, task, state.branch));
    if (attempt.kind === 'merged') return recordMerge(state, task, attempt.commit, 'merged');
    if (attempt.kind === 'refused') {
      return { taskId: task.taskId, status: 'conflicted', note: `git refused the merge: ${attempt.error}` };
    }
    if (deps.integrator === undefined) {
      await gitOps.abortMerge(dir, before);
      return {
        taskId: task.taskId,
        status: 'conflicted',
        files: attempt.files,
        note: `conflicts in ${attempt.files.join(', ')}, and no integrator agent is configured to resolve them`,
      };
    }
    return await integrate(deps.integrator, input, state, task, ref, attempt.files, before);
  } catch (error) {
    // An unexpected git failure costs this task, not the wave: back to where it started.
    await gitOps.abortMerge(dir, before).catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    return { taskId: task.taskId, status: 'conflicted', note: `autodev could not merge it: ${message}` };
  }
}

async function integrate(
  integrator: AgentBackend,
  input: IntegrateWaveInput,
  state: WaveState,
  task: IntegrationTask,
  ref: string,
  files: string[],
  before: string,
): Promise<TaskMergeResult> {
  const { dir } = state;
  const touching = state.merged.filter((m) => m.files.some((path) => files.includes(path)));
  const ours: TaskIntent[] = await Promise.all(
    touching.map(async (m) => ({
      task: m.task,
      report: await gitOps.branchLog(dir, `${m.commit}^1..${m.commit}^2`),
    })),
  );
  const incoming: TaskIntent = { task, report: await gitOps.branchLog(dir, `HEAD..${ref}`) };
  const gates = gateCommands(input.config.gates);
  const resolution = await resolveConflict(
    integrator,
    {
      dir,
      workspace: state.workspace,
      task: integratorTask({
        runId: input.runId,
        branch: state.branch,
        incoming,
        ours,
        conflicts: await readConflictedFiles(dir, files),
        gates: gates.map((gate) => gate.command),
        ...(input.plan ? { plan: input.plan } : {}),
      }),
      files,
      gates,
      config: input.config,
      secrets: state.secrets,
      message: mergeMessage(input.runId, task, state.branch),
    },
    childLog(state.log, { task: task.taskId }),
  );
  if (!resolution.resolved) {
    await gitOps.abortMerge(dir, before);
    return {
      taskId: task.taskId,
      status: 'conflicted',
      files,
      note: `conflicts in ${files.join(', ')} not resolved: ${resolution.why}`,
      ...(resolution.gates.length ? { gates: resolution.gates } : {}),
    };
  }
  // The gates may have left output behind; the next merge must start from the committed tree.
  await gitOps.cleanWorktree(dir);
  const merge = await recordMerge(state, task, resolution.commit, 'resolved');
  return {
    ...merge,
    files,
    note: `the integrator resolved the conflicts in ${files.join(', ')}: ${resolution.summary}`,
    gates: resolution.gates,
  };
}

async function recordMerge(
  state: WaveState,
  task: IntegrationTask,
  commit: string,
  status: 'merged' | 'resolved',
): Promise<TaskMergeResult> {
  const files = await gitOps.filesChangedBy(state.dir, commit);
  state.merged.push({ task, commit, files });
  return { taskId: task.taskId, status, commit, files };
}
