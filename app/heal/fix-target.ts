/**
 * What an `/auto-fix` fixes and where the fix goes. A pull request from a branch of this repository
 * gets the fix pushed onto that branch. Anything else gets a fix pull request from a branch autodev owns:
 * a fork's branch is the contributor's (and the token cannot write to it anyway), and a failing default
 * branch is never pushed to directly. Pure, apart from resolveFixTarget reading the pull request.
 */
import type { RepoRef } from '../runs/run.js';
import type { CiScm } from '../scm/scm.js';

export type FixTarget =
  | {
      kind: 'pull-request';
      number: number;
      headRef: string;
      headSha: string;
      /** owner/name of the head repository; null when the fork was deleted. */
      headRepo: string | null;
      baseRef: string;
      /** The head lives outside this repository: its code runs without secrets and is never pushed to. */
      fork: boolean;
    }
  | { kind: 'branch'; branch: string; headSha: string; fork: false };

export type PublishPlan =
  { kind: 'push'; branch: string } | { kind: 'pull-request'; branch: string; base: string };

export type TargetInput = { pullRequest: number } | { branch: string; headSha: string };

export async function resolveFixTarget(
  scm: Pick<CiScm, 'getPullRequest'>,
  repository: RepoRef,
  input: TargetInput,
): Promise<FixTarget> {
  if ('branch' in input) return { kind: 'branch', branch: input.branch, headSha: input.headSha, fork: false };
  const pr = await scm.getPullRequest(repository, input.pullRequest);
  if (pr.state !== 'open') {
    throw new Error(`pull request #${pr.number} is closed: autodev fixes only open pull requests.`);
  }
  return {
    kind: 'pull-request',
    number: pr.number,
    headRef: pr.headRef,
    headSha: pr.headSha,
    headRepo: pr.headRepo,
    baseRef: pr.baseRef,
    fork: pr.headRepo?.toLowerCase() !== `${repository.owner}/${repository.repo}`.toLowerCase(),
  };
}

/** Where the verified fix goes; never a push to a fork's branch or to a branch without a pull request. */
export function publishPlan(target: FixTarget): PublishPlan {
  if (target.kind === 'pull-request') {
    if (!target.fork) return { kind: 'push', branch: target.headRef };
    return { kind: 'pull-request', branch: `autodev/auto-fix/pr-${target.number}`, base: target.baseRef };
  }
  return {
    kind: 'pull-request',
    branch: `autodev/auto-fix/${target.branch}-${target.headSha.slice(0, 7)}`,
    base: target.branch,
  };
}

/** "pull request #34", "pull request #34 from the fork mona/app", "the branch main" — for prompts and bodies. */
export function describeTarget(target: FixTarget): string {
  if (target.kind === 'branch') return `the branch ${target.branch}`;
  if (!target.fork) return `pull request #${target.number}`;
  return `pull request #${target.number} from the fork ${target.headRepo ?? '(deleted)'}`;
}
