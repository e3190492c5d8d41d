/**
 * Best-of-N inside the integration job: a task the plan ran as several candidates (`<task>.c<n>`, each
 * on its own branch) is judged from what the remote holds, and only the winner's branch is merged.
 *
 * What the judge can rely on: an agent pushes its branch only after every configured gate passed
 * (run-agent-task.ts), so a candidate with a branch passed the gates and one without did not finish.
 * Tests added and diff size are read from git, the same way for every backend, rather than taken from
 * what each agent says of itself.
 */
import type { GateResult, TaskResult } from '../agents/task-result.js';
import { git } from '../agent-task/commit-and-push.js';
import { gateCommands } from '../agent-task/run-gates.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { judgeCandidates, pickWinnerAndCleanUp, type Candidate, type Judgement } from './best-of-n.js';
import { trackingRef } from './integration-git.js';

export interface CandidateBranch {
  /** `<task>.c<n>`. */
  candidateId: string;
  branch: string;
}

/** How one candidate fared, as the integration report and the pull request show it. */
export interface CandidateReport {
  candidateId: string;
  branch: string;
  pushed: boolean;
  testsAdded: number;
  diffLines: number;
}

export interface CompetitionReport {
  /** The winning candidate's id; absent when none pushed a branch. */
  winner?: string;
  /** The deciding criterion, in a sentence. */
  reason: string;
  candidates: CandidateReport[];
  /** Losers' branches deleted from the remote (only once the winner merged). */
  deleted: string[];
}

/** Lines that declare a test in the common frameworks: jest/vitest/mocha, pytest, go, rust, JUnit. */
const TEST_DECLARATION =
  /^\+\s*(?:(?:it|test)(?:\.each\([^)]*\))?\s*\(|def\s+test_\w*\s*\(|func\s+Test\w*\s*\(|#\[test\]|@Test\b)/;

/** Added test declarations and changed lines (added + removed) between `base` and `ref`. */
export async function measureCandidate(
  dir: string,
  base: string,
  ref: string,
): Promise<{ testsAdded: number; diffLines: number }> {
  const mergeBase = await git(dir, ['merge-base', base, ref]);
  const range = `${mergeBase.trim()}..${ref}`;
  const numstat = await git(dir, ['diff', '--numstat', range]);
  let diffLines = 0;
  for (const line of numstat.split('\n')) {
    const [added, removed] = line.split('\t');
    // Binary files show "-": they count as one changed line each, not as nothing.
    if (added === undefined || removed === undefined) continue;
    diffLines += added === '-' ? 1 : Number(added) + Number(removed);
  }
  const patch = await git(dir, ['diff', '--unified=0', '--no-color', range]);
  const testsAdded = patch.split('\n').filter((line) => TEST_DECLARATION.test(line)).length;
  return { testsAdded, diffLines };
}

type Measured = Candidate & { report: CandidateReport };

/**
 * The candidates as best-of-n.ts judges them. `heads` are the remote's branch heads (fetched already);
 * `base` is where the integration branch stands, from which each candidate started.
 */
export async function measureCandidates(options: {
  dir: string;
  remote: string;
  runId: string;
  taskId: string;
  base: string;
  heads: ReadonlyMap<string, string>;
  candidates: readonly CandidateBranch[];
  config: AutodevConfig;
}): Promise<Measured[]> {
  // Pushed implies every configured gate passed; that is what the judge's gate criteria see.
  const passedGates: GateResult[] = gateCommands(options.config.gates).map((gate) => ({
    ...gate,
    exitCode: 0,
    durationMs: 0,
    outputTail: '',
    passed: true,
  }));
  return Promise.all(
    options.candidates.map(async (c): Promise<Measured> => {
      const commit = options.heads.get(c.branch);
      const measured = commit
        ? await measureCandidate(options.dir, options.base, trackingRef(options.remote, c.branch))
        : { testsAdded: 0, diffLines: 0 };
      const result: TaskResult = {
        runId: options.runId,
        taskId: options.taskId,
        status: commit ? 'succeeded' : 'failed',
        ...(commit ? { commit } : { reason: 'it pushed no branch' }),
        branch: c.branch,
        backend: '',
        summary: '',
        attempts: 1,
        gates: commit ? passedGates : [],
        tokens: 0,
        costUsd: 0,
        durationMs: 0,
      };
      return {
        taskId: options.taskId,
        candidateId: c.candidateId,
        backend: '',
        result,
        ...measured,
        report: { candidateId: c.candidateId, branch: c.branch, pushed: Boolean(commit), ...measured },
      };
    }),
  );
}

export function judge(measured: readonly Measured[]): Judgement<Measured> {
  return judgeCandidates(measured);
}

/** After the winner merged: the losers' branches go (one push); the report says which. */
export async function deleteLosers(
  repoPath: string,
  remote: string,
  measured: readonly Measured[],
): Promise<string[]> {
  const { deleted } = await pickWinnerAndCleanUp({ repoPath, remote }, measured);
  return deleted;
}

export function competitionReport(judgement: Judgement<Measured>, deleted: string[]): CompetitionReport {
  return {
    ...(judgement.winner ? { winner: judgement.winner.candidateId } : {}),
    reason: judgement.reason,
    candidates: judgement.ranking.map((c) => c.report),
    deleted,
  };
}
