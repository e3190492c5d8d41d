/**
 * What the integrator agent is told about one conflicted merge: the task already on the integration
 * branch ("ours": the tasks of this wave merged so far that touched the conflicted files), the task
 * coming in ("theirs"), and each conflicted file three ways — as git left it with markers, our side and
 * their side. Reading the sides is git; shaping them into the prompt inputs is pure.
 *
 * The files and the agents' reports are the work of other agents: reports are fenced as untrusted data;
 * file text is only delimited (byte-exact matters for a merge) and the prompt says it is information.
 */
import type { AgentTask } from '../agents/agent-backend.js';
import { clipMiddle } from '../agents/text-format.js';
import { fenceCode, fenceUntrusted } from '../prompts/untrusted-text.js';
import { conflictSide, worktreeText } from './integration-git.js';
import type { IntegrationPlan, IntegrationTask } from './integrate-wave.js';

/** A task with what its agent said about its work (its commit messages). */
export interface TaskIntent {
  task: IntegrationTask;
  report: string;
}

export interface ConflictedFile {
  path: string;
  /** The worktree's text with conflict markers; undefined when the merge left no file there. */
  merged?: string;
  ours?: string;
  theirs?: string;
}

/** Per text block: a conflicted lockfile or bundle must not crowd the other files out of the prompt. */
const MAX_BLOCK_CHARS = 16_000;
/** Files past this many are named but not shown: the agent can still read them in the worktree. */
const MAX_FILES_SHOWN = 12;
const DELETED = 'deleted on this side';

export async function readConflictedFiles(dir: string, paths: readonly string[]): Promise<ConflictedFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      const [merged, ours, theirs] = await Promise.all([
        worktreeText(dir, path),
        conflictSide(dir, 2, path),
        conflictSide(dir, 3, path),
      ]);
      return {
        path,
        ...(merged === undefined ? {} : { merged }),
        ...(ours === undefined ? {} : { ours }),
        ...(theirs === undefined ? {} : { theirs }),
      };
    }),
  );
}

export interface IntegratorTaskInput {
  runId: string;
  /** The integration branch. */
  branch: string;
  incoming: TaskIntent;
  /** Tasks merged earlier in this wave whose changes touched the conflicted files. */
  ours: TaskIntent[];
  conflicts: ConflictedFile[];
  /** The configured gate commands, so the agent can run them before it finishes. */
  gates: string[];
  plan?: IntegrationPlan;
}

/** The integrator's task: role `integrator`, its template's inputs in `promptInputs`. */
export function integratorTask(input: IntegratorTaskInput): AgentTask {
  const { incoming, plan } = input;
  const files = input.conflicts.map((file) => file.path);
  return {
    runId: input.runId,
    taskId: incoming.task.taskId,
    issueNumber: plan?.issueNumber ?? 0,
    repository: plan?.repository ?? '',
    title: `Resolve the conflicts of merging ${incoming.task.taskId}`,
    role: 'integrator',
    description: `Merge ${incoming.task.branch} into ${input.branch}: resolve the conflicts in ${files.join(', ')} so both tasks' intents survive.`,
    acceptance: incoming.task.acceptance,
    files,
    goal: plan?.goal ?? incoming.task.title,
    ...(plan?.context ? { context: plan.context } : {}),
    validationGates: input.gates,
    featureAcceptance: plan?.acceptance.length ? plan.acceptance : incoming.task.acceptance,
    promptInputs: {
      branch: input.branch,
      ours_task: oursText(input.ours),
      theirs_task: intentText(incoming),
      conflicts: conflictsText(input.conflicts, incoming.task.taskId),
    },
  };
}

function oursText(ours: TaskIntent[]): string {
  if (ours.length === 0) {
    return 'No task merged earlier in this wave touched these files: our side is the integration branch as earlier waves and the base branch left it.';
  }
  return ours.map(intentText).join('\n\n');
}

export function intentText({ task, report }: TaskIntent): string {
  const lines = [
    `id: ${task.taskId}`,
    `title: ${task.title}`,
    `branch: ${task.branch}`,
    `description: ${task.description}`,
    'acceptance:',
    ...(task.acceptance.length ? task.acceptance.map((line) => `  - ${line}`) : ['  (none listed)']),
  ];
  if (report !== '') {
    lines.push(
      'report (its commit messages):',
      fenceUntrusted(clipMiddle(report, 4_000), `the commit messages of ${task.branch}`),
    );
  }
  return lines.join('\n');
}

function conflictsText(files: ConflictedFile[], incomingId: string): string {
  const shown = files.slice(0, MAX_FILES_SHOWN).map((file) => {
    const parts = [`### \`${file.path}\``];
    parts.push(block('As git left it in the worktree, with conflict markers', file.merged, 'no file there'));
    parts.push(block(`Ours: the integration branch (\`git show :2:${file.path}\`)`, file.ours, DELETED));
    parts.push(block(`Theirs: ${incomingId} (\`git show :3:${file.path}\`)`, file.theirs, DELETED));
    return parts.join('\n\n');
  });
  const rest = files.slice(MAX_FILES_SHOWN).map((file) => `- \`${file.path}\``);
  if (rest.length > 0) {
    shown.push(`More conflicted files, not shown here (read them in the worktree):\n${rest.join('\n')}`);
  }
  return shown.join('\n\n');
}

function block(label: string, text: string | undefined, absent: string): string {
  if (text === undefined) return `${label}: (${absent})`;
  // git writes no markers into a binary file, and its bytes would only spend the model's context.
  if (text.includes('\0')) return `${label}: (a binary file, not shown)`;
  return `${label}:\n\n${fenceCode(clipMiddle(text, MAX_BLOCK_CHARS))}`;
}
