/**
 * Where finishing learns how each wave was integrated. The integrate job (app/integrate/) publishes its
 * result on the state branch (state-branch-integrations.ts, the default source); a wave nobody reported
 * on makes the pull request say so rather than claim anything.
 */
import type { GateResult } from '../agents/task-result.js';
import type { Run } from '../runs/run.js';

export type MergeStatus = 'merged' | 'resolved' | 'conflicted' | 'missing';

export interface TaskMerge {
  taskId: string;
  status: MergeStatus;
  /** Files that conflicted (resolved or not). */
  files?: string[];
  note?: string;
  /** Best-of-N: which candidate (`<task>.c<n>`) won and why; the losers' branches deleted. */
  competition?: { winner?: string; reason: string; deleted?: string[] };
}

/**
 * One wave's integration, shaped like app/integrate's IntegrationResult so that result can be handed
 * over as it is; declared here so finishing compiles without depending on the integrate job's code.
 */
export interface WaveIntegration {
  runId: string;
  branch: string;
  head: string;
  merges: TaskMerge[];
  gates: GateResult[];
  passed: boolean;
}

export interface IntegrationSource {
  /** The integration of wave `wave` (its number), or null when it was not reported. */
  forWave(run: Run, wave: number): Promise<WaveIntegration | null>;
}

export const unreportedIntegrations: IntegrationSource = {
  forWave: async () => null,
};

/** Each dispatched wave with what was reported about it, oldest first. */
export async function integrationsOf(
  source: IntegrationSource,
  run: Run,
): Promise<{ wave: number; result: WaveIntegration | null }[]> {
  const waves = run.waves ?? [];
  const results = await Promise.all(waves.map((w) => source.forWave(run, w.number)));
  return waves.map((w, i) => ({ wave: w.number, result: results[i] ?? null }));
}
