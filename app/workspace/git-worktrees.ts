/**
 * Small pieces of `git worktree` plumbing shared by the WorktreeManager: reading the porcelain list,
 * recognising git's lock contention (worth a retry) and its "branch in use" refusal (worth a clear
 * message), and naming task branches.
 */
import { TASK_ID_PATTERN } from '../planning/task-ids.js';

export interface ListedWorktree {
  path: string;
  /** Full ref (`refs/heads/…`), absent when detached or bare. */
  branch?: string;
}

/** `git worktree list --porcelain`: blocks of `key value` lines separated by a blank line. */
export function parseWorktreeList(porcelain: string): ListedWorktree[] {
  const worktrees: ListedWorktree[] = [];
  let current: ListedWorktree | undefined;
  for (const line of porcelain.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length) };
      worktrees.push(current);
    } else if (line.startsWith('branch ') && current !== undefined) {
      current.branch = line.slice('branch '.length);
    }
  }
  return worktrees;
}

/**
 * Another git process holds a lock git takes for a moment (the index, a ref being created, the
 * config): retrying shortly succeeds. "exists; cannot create" is a ref name clash, not contention.
 */
export function isLockContention(message: string): boolean {
  if (/exists; cannot create/.test(message)) return false;
  return /Unable to create '[^']*\.lock'|index\.lock|could not lock config file|cannot lock ref|Another git process seems to be running/i.test(
    message,
  );
}

/** git's refusal to check out a branch a second time, with the path holding it (wording per version). */
export function branchInUsePath(message: string): string | undefined {
  return /already (?:checked out|used by worktree) at '([^']+)'/.exec(message)?.[1];
}

/** Run ids are the 10 base-36 characters of newRunId; accept the task-id alphabet to stay lenient. */
const RUN_ID_PATTERN = TASK_ID_PATTERN;

/** A best-of-N candidate's job id, `<task>.c<n>` (see app/dispatch/job-names.ts), names a branch too. */
const CANDIDATE_SUFFIX = /\.c[1-9]\d{0,2}$/;

export function invalidIdReason(kind: 'run' | 'task', id: string): string | undefined {
  const pattern = kind === 'run' ? RUN_ID_PATTERN : TASK_ID_PATTERN;
  if (pattern.test(kind === 'task' ? id.replace(CANDIDATE_SUFFIX, '') : id)) return undefined;
  return `The ${kind} id ${JSON.stringify(id)} cannot be part of a branch name: use 1–40 lowercase letters, digits and hyphens, starting with a letter or digit.`;
}

/**
 * Branch names. Git cannot hold both a branch `autodev/<run>` and branches below it, so the run's
 * integration branch is a sibling of its task branches, and `integration` is never a task id.
 */
export const INTEGRATION_BRANCH_LEAF = 'integration';

/** The branch a task's agent works on. */
export function taskBranchName(runId: string, taskId: string): string {
  if (taskId === INTEGRATION_BRANCH_LEAF) throw new Error(`"${taskId}" is reserved and cannot be a task id`);
  return `autodev/${runId}/${taskId}`;
}

/** The branch a run's tasks are merged into, and the pull request is opened from. */
export function integrationBranchName(runId: string): string {
  return `autodev/${runId}/${INTEGRATION_BRANCH_LEAF}`;
}
