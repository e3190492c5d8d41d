/**
 * Duration estimates learned from recorded outcomes, shown with the plan: for each kind of task the
 * plan holds, how long such tasks took on this repository before and how often they succeeded. A
 * planner decorator adds them, so every planner (LLM, outline, scripted) gets them the same way.
 */
import type { Log } from '../core/logger.js';
import type { MemoryStore } from '../memory/memory-store.js';
import type { Planner } from '../planner/planner.js';
import type { LearnedEstimate } from '../runs/run.js';
import { estimateDuration } from './bandit.js';

/** One estimate per kind with history, in the order the kinds are given. */
export async function learnedEstimates(
  store: Pick<MemoryStore, 'outcomeStats'>,
  repo: string,
  kinds: readonly string[],
): Promise<LearnedEstimate[]> {
  const estimates: LearnedEstimate[] = [];
  for (const kind of [...new Set(kinds)]) {
    const stats = await store.outcomeStats({ repo, taskKind: kind, by: 'backend' });
    const successes = stats.reduce((n, s) => n + s.successes, 0);
    const runs = successes + stats.reduce((n, s) => n + s.failures, 0);
    const ms = estimateDuration(stats);
    if (runs === 0 || ms === null) continue;
    estimates.push({ kind, minutes: Math.round(ms / 6000) / 10, runs, successRate: successes / runs });
  }
  return estimates;
}

/** The planner, its plans carrying what earlier runs learned; history that cannot be read is left out. */
export function withLearnedEstimates(
  planner: Planner,
  store: Pick<MemoryStore, 'outcomeStats'>,
  log?: Log,
): Planner {
  return {
    async plan(request) {
      const plan = await planner.plan(request);
      const repo = `${request.run.repo.owner}/${request.run.repo.repo}`;
      try {
        const learned = await learnedEstimates(
          store,
          repo,
          plan.tasks.map((t) => t.role),
        );
        return learned.length > 0 ? { ...plan, learned } : plan;
      } catch (error) {
        log?.warn({ runId: request.run.id, err: String(error) }, 'no learned estimates: history unreadable');
        return plan;
      }
    },
  };
}
