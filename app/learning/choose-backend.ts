/**
 * Which agent backend a task gets: Thompson sampling (bandit.ts) over the outcomes recorded for this
 * kind of task, with a duration estimate for the plan. The repository's own history is used when it has
 * any for these backends; a repository autodev has not worked on yet learns from every repository's.
 */
import type { ArmStats, MemoryStore } from '../memory/memory-store.js';
import { chooseArm, estimateDuration } from './bandit.js';
import type { Rng } from './random.js';

export interface ChooseBackendRequest {
  /** "owner/name". */
  repo: string;
  /** The task's role ("coder", "tester", …), as outcomes record it. */
  taskKind: string;
  /** The configured backends to choose from, in order of preference (ties go to the first). */
  candidates: readonly string[];
}

export type HistoryScope = 'repo' | 'all-repos' | 'none';

export interface BackendChoice {
  backend: string;
  /** One line saying what each backend's record was. */
  reason: string;
  /** Expected minutes for this backend on this kind of task; null without history. */
  estimatedMinutes: number | null;
  /** Whose outcomes the choice learned from. */
  history: HistoryScope;
}

export async function chooseBackend(
  store: Pick<MemoryStore, 'outcomeStats'>,
  request: ChooseBackendRequest,
  rng: Rng = Math.random,
): Promise<BackendChoice> {
  if (request.candidates.length === 0) {
    throw new Error(
      `no agent backend to choose from for ${request.taskKind} tasks in ${request.repo}: configure at ` +
        'least one backend',
    );
  }
  const { stats, history } = await relevantStats(store, request);
  const choice = chooseArm(stats, request.candidates, rng);
  const ms = estimateDuration(stats, choice.arm);
  return {
    backend: choice.arm,
    reason: history === 'all-repos' ? `${choice.reason} (history of all repositories)` : choice.reason,
    estimatedMinutes: ms === null ? null : Math.round(ms / 6000) / 10,
    history,
  };
}

async function relevantStats(
  store: Pick<MemoryStore, 'outcomeStats'>,
  request: ChooseBackendRequest,
): Promise<{ stats: ArmStats[]; history: HistoryScope }> {
  const own = await store.outcomeStats({ repo: request.repo, taskKind: request.taskKind, by: 'backend' });
  if (hasHistory(own, request.candidates)) return { stats: own, history: 'repo' };
  const all = await store.outcomeStats({ taskKind: request.taskKind, by: 'backend' });
  if (hasHistory(all, request.candidates)) return { stats: all, history: 'all-repos' };
  return { stats: [], history: 'none' };
}

function hasHistory(stats: readonly ArmStats[], candidates: readonly string[]): boolean {
  return stats.some((s) => candidates.includes(s.arm) && s.successes + s.failures > 0);
}
