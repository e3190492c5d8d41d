import { describe, expect, it } from '@jest/globals';
import { chooseBackend } from '../../app/learning/choose-backend.js';
import { mulberry32 } from '../../app/learning/random.js';
import type {
  ArmStats,
  MemoryStore,
  OutcomeInput,
  OutcomeStatsQuery,
} from '../../app/memory/memory-store.js';

/** outcomeStats over a list of outcomes, grouped like the SQL stores group them. */
function storeOf(
  outcomes: OutcomeInput[],
): Pick<MemoryStore, 'outcomeStats'> & { queries: OutcomeStatsQuery[] } {
  const queries: OutcomeStatsQuery[] = [];
  return {
    queries,
    async outcomeStats(query) {
      queries.push(query);
      const arms = new Map<string, { s: number; f: number; ms: number }>();
      for (const o of outcomes) {
        if (query.repo !== undefined && o.repo !== query.repo) continue;
        if (query.taskKind !== undefined && o.taskKind !== query.taskKind) continue;
        const name = o[query.by];
        if (!name) continue;
        const a = arms.get(name) ?? { s: 0, f: 0, ms: 0 };
        if (o.success) a.s += 1;
        else a.f += 1;
        a.ms += o.durationMs;
        arms.set(name, a);
      }
      return [...arms].map(([arm, a]): ArmStats => ({
        arm,
        successes: a.s,
        failures: a.f,
        meanDurationMs: a.ms / (a.s + a.f),
      }));
    },
  };
}

function outcomes(
  repo: string,
  taskKind: string,
  backend: string,
  wins: number,
  losses: number,
  minutes: number,
) {
  return Array.from({ length: wins + losses }, (_, i): OutcomeInput => ({
    repo,
    runId: `run-${i}`,
    taskId: `t${i}`,
    scope: 'task',
    taskKind,
    success: i < wins,
    failureClass: i < wins ? null : 'gate_failed',
    backend,
    durationMs: minutes * 60_000,
    tokens: 1000,
    costUsd: 0.01,
  }));
}

async function picks(store: Pick<MemoryStore, 'outcomeStats'>, repo: string, taskKind: string, n: number) {
  const rng = mulberry32(5);
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { backend } = await chooseBackend(store, { repo, taskKind, candidates: ['claude', 'codex'] }, rng);
    counts[backend] = (counts[backend] ?? 0) + 1;
  }
  return counts;
}

describe('chooseBackend', () => {
  const history = [
    ...outcomes('acme/web', 'coder', 'claude', 18, 2, 12),
    ...outcomes('acme/web', 'coder', 'codex', 4, 16, 5),
    // For tests the record is the other way round: the kind of task matters.
    ...outcomes('acme/web', 'tester', 'claude', 2, 18, 9),
    ...outcomes('acme/web', 'tester', 'codex', 17, 3, 4),
  ];

  it("prefers the backend that succeeds on this repository's tasks of this kind", async () => {
    const store = storeOf(history);
    const coder = await picks(store, 'acme/web', 'coder', 200);
    const tester = await picks(store, 'acme/web', 'tester', 200);
    expect(coder.claude).toBeGreaterThan(190);
    expect(tester.codex).toBeGreaterThan(190);
  });

  it("estimates the duration from the chosen backend's history", async () => {
    const choice = await chooseBackend(
      storeOf(history),
      { repo: 'acme/web', taskKind: 'coder', candidates: ['claude'] },
      mulberry32(1),
    );
    expect(choice).toMatchObject({ backend: 'claude', estimatedMinutes: 12, history: 'repo' });
    expect(choice.reason).toContain('18 of 20 succeeded');
  });

  it('learns from every repository for a repository with no history', async () => {
    const store = storeOf(history);
    const choice = await chooseBackend(
      store,
      { repo: 'acme/new', taskKind: 'coder', candidates: ['claude', 'codex'] },
      mulberry32(2),
    );
    expect(choice.history).toBe('all-repos');
    expect(choice.reason).toContain('history of all repositories');
    expect(store.queries).toEqual([
      { repo: 'acme/new', taskKind: 'coder', by: 'backend' },
      { taskKind: 'coder', by: 'backend' },
    ]);
    expect((await picks(store, 'acme/new', 'coder', 100)).claude).toBeGreaterThan(90);
  });

  it('tries every backend and has no estimate when nothing was recorded', async () => {
    const store = storeOf([]);
    const choice = await chooseBackend(store, {
      repo: 'acme/web',
      taskKind: 'coder',
      candidates: ['claude'],
    });
    expect(choice).toMatchObject({ backend: 'claude', estimatedMinutes: null, history: 'none' });
    const counts = await picks(store, 'acme/web', 'coder', 200);
    expect(counts.claude).toBeGreaterThan(60);
    expect(counts.codex).toBeGreaterThan(60);
  });

  it('says what to configure when no backend is allowed', async () => {
    await expect(
      chooseBackend(storeOf(history), { repo: 'acme/web', taskKind: 'coder', candidates: [] }),
    ).rejects.toThrow('no agent backend to choose from for coder tasks in acme/web: configure at least one');
  });
});
