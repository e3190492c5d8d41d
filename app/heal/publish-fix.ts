/**
 * The publish half of the auto-fix workflow: takes the patch the heal half made, applies it to the
 * target's head commit in a throwaway worktree of the trusted checkout, and pushes it — onto the pull
 * request's branch when it lives in this repository, else to a branch autodev owns with a fix pull
 * request. This half holds the write token and runs none of the head's code: git only reads the head's
 * objects and applies a patch, and the patch is treated as untrusted (it came from a job that ran that
 * code), so its paths are checked against the repository's policy before anything is committed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commitAll, git, GitPublishError } from '../agent-task/commit-and-push.js';
import { policyOf } from '../agent-task/run-agent-task.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { RepoRef } from '../runs/run.js';
import type { CiScm, PullRequestScm } from '../scm/scm.js';
import { changedPathViolations } from '../workspace/path-policy.js';
import {
  describeTarget,
  publishPlan,
  resolveFixTarget,
  type FixTarget,
  type TargetInput,
} from './fix-target.js';

export interface PublishFixOptions {
  scm: Pick<CiScm, 'getPullRequest'> &
    Pick<PullRequestScm, 'findPullRequest' | 'createPullRequest' | 'updatePullRequest'>;
  repository: RepoRef;
  target: TargetInput;
  /** The head commit the patch was made against (from the heal result). */
  headSha: string;
  patchFile: string;
  /** Commit message (from the heal result); redacted by the caller. */
  message: string;
  /** The trusted checkout whose `remote` is this repository. */
  dir: string;
  config: AutodevConfig;
  remote?: string;
  /** The fix pull request's body (for a fork or a branch). */
  body?: string;
}

export type PublishResult =
  | { kind: 'pushed'; branch: string; commit: string }
  | { kind: 'pull-request'; branch: string; commit: string; number: number; url: string; created: boolean };

export class PublishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
  }
}

export async function publishFix(options: PublishFixOptions): Promise<PublishResult> {
  const remote = options.remote ?? 'origin';
  const target = await resolveFixTarget(options.scm, options.repository, options.target);
  if (target.headSha !== options.headSha) {
    throw new PublishError(
      `${describeTarget(target)} moved on to ${target.headSha.slice(0, 7)} since the fix was made for ` +
        `${options.headSha.slice(0, 7)}; nothing was pushed. Run /auto-fix again.`,
    );
  }
  await git(options.dir, ['fetch', '--no-tags', '--quiet', remote, sourceRef(target)], { stage: 'read' });
  const worktree = await mkdtemp(join(tmpdir(), 'autodev-publish-'));
  try {
    await git(options.dir, ['worktree', 'add', '--detach', '--quiet', worktree, target.headSha]);
    await git(worktree, ['apply', '--index', '--whitespace=nowarn', resolve(options.patchFile)], {
      stage: 'commit',
    }).catch((error: unknown) => {
      throw new PublishError(`the fix does not apply to ${target.headSha.slice(0, 7)}: ${String(error)}`, {
        cause: error,
      });
    });
    const paths = (await git(worktree, ['diff', '--cached', '--name-only', '-z']))
      .split('\0')
      .filter(Boolean);
    const violations = changedPathViolations(paths, policyOf(options.config, []));
    if (violations.length > 0) {
      throw new PublishError(
        `the fix changes files autodev may not change, so nothing was pushed: ${violations.join(' ')}`,
      );
    }
    const plan = publishPlan(target);
    const commit = await commitAll({ dir: worktree, branch: plan.branch, message: options.message });
    if (!commit) throw new PublishError('the fix is empty: the patch changes nothing.');
    if (plan.kind === 'push') {
      // Not forced: a branch that moved on since keeps its new commits, and the push fails instead.
      await git(worktree, ['push', '--no-verify', '--porcelain', remote, `HEAD:refs/heads/${plan.branch}`], {
        stage: 'push',
      }).catch((error: unknown) => {
        if (!(error instanceof GitPublishError)) throw error;
        throw new PublishError(
          `pushing the fix to ${plan.branch} failed (did the branch move on?): ${error.message}`,
          {
            cause: error,
          },
        );
      });
      return { kind: 'pushed', branch: plan.branch, commit };
    }
    // autodev's own branch: a re-run replaces the previous fix.
    await git(
      worktree,
      ['push', '--no-verify', '--force', '--porcelain', remote, `HEAD:refs/heads/${plan.branch}`],
      {
        stage: 'push',
      },
    );
    const title = options.message.split('\n')[0] ?? 'fix(ci)';
    const body = options.body ?? `autodev's fix for the failing checks of ${describeTarget(target)}.`;
    const existing = await options.scm.findPullRequest(options.repository, plan.branch, plan.base);
    if (existing) {
      await options.scm.updatePullRequest(options.repository, existing.number, { title, body });
      return {
        kind: 'pull-request',
        branch: plan.branch,
        commit,
        number: existing.number,
        url: existing.url,
        created: false,
      };
    }
    const created = await options.scm.createPullRequest(options.repository, {
      head: plan.branch,
      base: plan.base,
      title,
      body,
      draft: false,
    });
    return {
      kind: 'pull-request',
      branch: plan.branch,
      commit,
      number: created.number,
      url: created.url,
      created: true,
    };
  } finally {
    await git(options.dir, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await rm(worktree, { recursive: true, force: true });
  }
}

/** What to fetch so the head commit is present: GitHub keeps every pull request's head, forks' too. */
function sourceRef(target: FixTarget): string {
  return target.kind === 'pull-request' ? `refs/pull/${target.number}/head` : `refs/heads/${target.branch}`;
}
