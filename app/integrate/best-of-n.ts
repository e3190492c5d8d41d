/**
 * Competition mode: several agents did the same task, each on its own branch, and one result is kept.
 * `judgeCandidates` is pure: it ranks the candidates and says in one sentence which criterion decided.
 * `pickWinnerAndCleanUp` also deletes the losers' branches on the remote.
 *
 * The order, each criterion deciding only when all earlier ones tie:
 * 1. a pushed branch (status succeeded): a candidate without one has nothing to merge;
 * 2. the test gate passed: tests are the strongest evidence the task is done;
 * 3. more gates passed;
 * 4. the lint gate passed;
 * 5. more tests added;
 * 6. a smaller diff: less to review, less to conflict with;
 * 7. the order the candidates were given (stable).
 */
import type { GateResult, TaskResult } from '../agents/task-result.js';
import { git } from '../agent-task/commit-and-push.js';
import { remoteHeads } from './integration-git.js';

export interface Candidate {
  taskId: string;
  /** Names the candidate in reports, e.g. `codex-2`. */
  candidateId: string;
  backend: string;
  result: TaskResult;
  testsAdded: number;
  diffLines: number;
}

export interface Judgement<C extends Candidate = Candidate> {
  /** Undefined when no candidate pushed a branch: there is nothing to keep. */
  winner: C | undefined;
  /** Best first. */
  ranking: C[];
  /** The deciding criterion, in a sentence: "codex-2 won: both passed the gates, it added 3 tests against 1". */
  reason: string;
}

interface Criterion {
  /** Larger is better. */
  score(candidate: Candidate): number;
  /** Why `winner` beat `other` on this criterion. */
  explain(winner: Candidate, other: Candidate): string;
}

const pushed = (c: Candidate): boolean => c.result.status === 'succeeded' && c.result.commit !== undefined;
const gate = (c: Candidate, name: GateResult['name']): boolean =>
  c.result.gates.some((g) => g.name === name && g.passed);
const passedCount = (c: Candidate): number => c.result.gates.filter((g) => g.passed).length;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function gatesAlike(a: Candidate, b: Candidate): string {
  const total = Math.max(a.result.gates.length, b.result.gates.length);
  if (total === 0) return 'neither had gates to run';
  const count = passedCount(a);
  return count === total ? 'both passed the gates' : `both passed ${count} of ${plural(total, 'gate')}`;
}

const CRITERIA: readonly Criterion[] = [
  {
    score: (c) => Number(pushed(c)),
    explain: (_winner, o) =>
      `it succeeded and ${o.candidateId} did not (${o.result.reason ?? o.result.status})`,
  },
  {
    score: (c) => Number(gate(c, 'test')),
    explain: (_winner, o) => `its tests passed and ${o.candidateId}'s did not`,
  },
  {
    score: passedCount,
    explain: (w, o) => `it passed ${plural(passedCount(w), 'gate')} against ${passedCount(o)}`,
  },
  {
    score: (c) => Number(gate(c, 'lint')),
    explain: (w, o) => `${gatesAlike(w, o)}, its lint passed and ${o.candidateId}'s did not`,
  },
  {
    score: (c) => c.testsAdded,
    explain: (w, o) =>
      `${gatesAlike(w, o)}, it added ${plural(w.testsAdded, 'test')} against ${o.testsAdded}`,
  },
  {
    score: (c) => -c.diffLines,
    explain: (w, o) =>
      `${gatesAlike(w, o)} and added ${plural(w.testsAdded, 'test')}, its diff is smaller (${plural(w.diffLines, 'line')} against ${o.diffLines})`,
  },
];

/** Index of the first criterion on which a and b differ, or -1 when they tie on all. */
function decidingCriterion(a: Candidate, b: Candidate): number {
  return CRITERIA.findIndex((criterion) => criterion.score(a) !== criterion.score(b));
}

function compare(a: Candidate, b: Candidate): number {
  const index = decidingCriterion(a, b);
  if (index === -1) return 0;
  const criterion = CRITERIA[index] as Criterion;
  return criterion.score(b) - criterion.score(a);
}

export function judgeCandidates<C extends Candidate>(candidates: readonly C[]): Judgement<C> {
  const first = candidates[0];
  if (first === undefined) throw new Error('There are no candidates to judge.');
  const other = candidates.find((c) => c.taskId !== first.taskId);
  if (other !== undefined) {
    throw new Error(
      `Candidates of different tasks (${first.taskId}, ${other.taskId}) cannot compete; judge each task's candidates apart.`,
    );
  }
  // Array.prototype.sort is stable, so ties keep the order the candidates were given.
  const ranking = [...candidates].sort(compare);
  const best = ranking[0] as C;
  if (!pushed(best)) {
    const why = ranking.map((c) => `${c.candidateId} (${c.result.reason ?? c.result.status})`);
    return { winner: undefined, ranking, reason: `No candidate succeeded: ${why.join('; ')}.` };
  }
  const runnerUp = ranking[1];
  if (runnerUp === undefined) {
    return { winner: best, ranking, reason: `${best.candidateId} won: it was the only candidate.` };
  }
  const index = decidingCriterion(best, runnerUp);
  const because =
    index === -1
      ? `it and ${runnerUp.candidateId} tie on every criterion, and it was listed first`
      : (CRITERIA[index] as Criterion).explain(best, runnerUp);
  // With more than two, "both" needs saying who the other one is.
  const against = ranking.length > 2 && index !== -1 ? ` (next best: ${runnerUp.candidateId})` : '';
  return { winner: best, ranking, reason: `${best.candidateId} won: ${because}${against}.` };
}

export interface CleanUpOptions {
  /** A checkout whose remote holds the candidates' branches. */
  repoPath: string;
  /** Default `origin`. */
  remote?: string;
  /** Judge and report what would be deleted, delete nothing. */
  dryRun?: boolean;
}

/**
 * Judges, then deletes the losers' branches on the remote (one push). Only branches of the candidates'
 * own run are ever deleted, never the winner's, and nothing at all when there is no winner: then every
 * branch stays for a person to look at.
 */
export async function pickWinnerAndCleanUp<C extends Candidate>(
  options: CleanUpOptions,
  candidates: readonly C[],
): Promise<Judgement<C> & { deleted: string[] }> {
  const judgement = judgeCandidates(candidates);
  const { winner } = judgement;
  if (winner === undefined) return { ...judgement, deleted: [] };
  const prefix = `autodev/${winner.result.runId}/`;
  const losers = judgement.ranking
    .filter((c) => c !== winner && c.result.branch !== winner.result.branch)
    .map((c) => c.result.branch)
    .filter((branch) => branch.startsWith(prefix));
  const remote = options.remote ?? 'origin';
  // Only what the remote has: a failed candidate never pushed, and a re-run finds them gone already.
  const existing = [...(await remoteHeads(options.repoPath, remote, losers)).keys()];
  if (existing.length > 0 && !options.dryRun) {
    await git(options.repoPath, ['push', '--no-verify', '--quiet', remote, '--delete', ...existing], {
      stage: 'push',
    });
  }
  return { ...judgement, deleted: existing };
}
