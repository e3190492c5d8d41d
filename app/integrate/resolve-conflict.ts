/**
 * One conflicted merge handed to the integrator agent, and autodev's own check of what it did. The
 * agent's word is not taken for it: the merge must still be in progress (the agent does not commit),
 * no conflict markers may remain, `git diff --check` must be clean, every path must stage as merged and
 * the gates must pass on the combined tree. Only then is the merge committed; otherwise the caller
 * aborts it and reports why.
 */
import type { AgentBackend, AgentContext, AgentTask } from '../agents/agent-backend.js';
import { buildRepoMap, readConventions } from '../agents/agent-context.js';
import type { GateResult } from '../agents/task-result.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import { runGates, type GateCommand } from '../agent-task/run-gates.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  commitMerge,
  conflictedFiles,
  diffCheck,
  markerLines,
  mergeInProgress,
  stageAll,
  worktreeText,
} from './integration-git.js';

export interface ResolveConflictInput {
  /** The integration worktree, with the merge stopped on its conflicts. */
  dir: string;
  workspace: Workspace;
  task: AgentTask;
  files: string[];
  gates: GateCommand[];
  config: AutodevConfig;
  secrets: string[];
  /** The merge commit's message, should the resolution hold. */
  message: string;
}

export type Resolution =
  | { resolved: true; commit: string; summary: string; gates: GateResult[] }
  | { resolved: false; why: string; gates: GateResult[] };

/** An integrator works on one merge: a fraction of a task's turns and time is plenty. */
const INTEGRATOR_LIMITS = { maxTurns: 40, maxWallMs: 20 * 60_000 };

export async function resolveConflict(
  integrator: AgentBackend,
  input: ResolveConflictInput,
  log: Log,
): Promise<Resolution> {
  const { dir, workspace } = input;
  const context: AgentContext = {
    task: input.task,
    workspace,
    conventions: await readConventions(workspace),
    repoMap: await buildRepoMap(workspace),
    memory: [],
    limits: {
      ...INTEGRATOR_LIMITS,
      maxTokens: input.config.budget.tokens,
      maxDollars: input.config.budget.dollars,
    },
    secrets: input.secrets,
  };
  let summary: string;
  try {
    const outcome = await integrator.run(context);
    summary = outcome.summary;
    log.info({ status: outcome.status, backend: outcome.backend }, `integrator ${outcome.status}`);
    if (outcome.status !== 'finished') {
      return unresolved(`the integrator ended with status ${outcome.status}: ${outcome.summary}`);
    }
  } catch (error) {
    return unresolved(`the integrator failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (!(await mergeInProgress(dir))) {
    return unresolved('the integrator concluded or aborted the merge itself; autodev commits merges');
  }
  const leftovers = await leftoverMarkers(dir, input.files);
  if (leftovers.length > 0) return unresolved(`conflict markers remain in ${leftovers.join(', ')}`);
  const check = await diffCheck(dir);
  if (check !== undefined) return unresolved(`\`git diff --check\` is not clean: ${check}`);
  await stageAll(dir);
  const unmerged = await conflictedFiles(dir);
  if (unmerged.length > 0) return unresolved(`git still reports ${unmerged.join(', ')} as unmerged`);

  const gates = await runGates(workspace, input.gates);
  const failed = gates.filter((gate) => !gate.passed);
  if (failed.length > 0) {
    const list = failed.map((gate) => `${gate.name} (\`${gate.command}\`, exit code ${gate.exitCode})`);
    return { resolved: false, why: `the resolution fails the gates: ${list.join(', ')}`, gates };
  }
  const note = `Conflicts in ${input.files.join(', ')} resolved by the integrator agent.`;
  const commit = await commitMerge(dir, withNote(input.message, note));
  return { resolved: true, commit, summary, gates };
}

function unresolved(why: string): Resolution {
  return { resolved: false, why, gates: [] };
}

/** `path (lines 3, 9)` for each file that still holds a marker line. */
async function leftoverMarkers(dir: string, files: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of files) {
    const text = await worktreeText(dir, path).catch(() => undefined);
    const lines = text === undefined ? [] : markerLines(text);
    if (lines.length > 0) found.push(`${path} (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')})`);
  }
  return found;
}

/** The note goes in the body, above the trailers, so `autodev-run:` stays the last paragraph. */
function withNote(message: string, note: string): string {
  const parts = message.trimEnd().split('\n\n');
  const trailers = parts.pop() ?? '';
  return `${[...parts, note, trailers].join('\n\n')}\n`;
}
