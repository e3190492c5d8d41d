/**
 * Does the local runner keep agents busy? 16 tasks whose agent sleeps 2 s, 4 at a time, through the real
 * pipeline (runWave → runAgentTask: a git worktree per task, one commit, a push to a bare origin). Ideal
 * wall time is 16 / 4 × 2 s = 8 s; the pipeline's own time per task is reported as setup (see below).
 *
 *   npx tsx test/bench/parallel-bench.ts
 */
import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentBackend, AgentTask } from '../../app/agents/agent-backend.js';
import { runAgentTask } from '../../app/agent-task/run-agent-task.js';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { runWave } from '../../app/runners/local-runner.js';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import { createTestRepo } from '../agent-task/task-fixtures.js';

const TASKS = 16;
const PARALLELISM = 4;
const AGENT_MS = 2_000;

function sleepingAgent(ms: number): AgentBackend {
  return {
    name: 'sleeping',
    async run(context) {
      await new Promise((done) => setTimeout(done, ms));
      await context.workspace.writeFile(`work/${context.task.taskId}.txt`, `${context.task.taskId}\n`);
      return { status: 'finished', summary: 'slept', tokens: 0, costUsd: 0, turns: 1, backend: 'sleeping' };
    },
  };
}

function task(runId: string, index: number): AgentTask {
  return {
    runId,
    taskId: `t${index}`,
    issueNumber: 1,
    repository: 'bench/bench',
    title: `Task ${index}`,
    role: 'coder',
    description: 'sleep',
    acceptance: [],
    files: [],
    goal: 'benchmark',
    validationGates: [],
  };
}

/**
 * One wave; returns its wall time and the sum of the tasks' own durations (agent + pipeline), so the
 * pipeline's share can be told from how well the wave packs the tasks into its slots.
 */
async function wave(runId: string, repoPath: string, baseDir: string, base: string) {
  const worktrees = new WorktreeManager({ repoPath, baseDir });
  await worktrees.prune();
  const config = autodevConfigSchema.parse({});
  const backend = sleepingAgent(AGENT_MS);
  const tasks = Array.from({ length: TASKS }, (_, i) => task(runId, i + 1));
  let taskMs = 0;
  const started = performance.now();
  const results = await runWave(tasks, {
    parallelism: PARALLELISM,
    runTask: async (t) => {
      const own = performance.now();
      const repo = { owner: 'bench', repo: 'bench' };
      const result = await runAgentTask(
        { worktrees, createWorkspace, backend },
        { task: t, repo, config, base },
      );
      taskMs += performance.now() - own;
      return result;
    },
  });
  const wallMs = performance.now() - started;
  const failed = results.filter((r) => r.status === 'rejected' || r.value.status !== 'succeeded');
  if (failed.length > 0)
    throw new Error(`${failed.length} benchmark tasks failed: ${JSON.stringify(failed[0])}`);
  return { wallMs, taskMs };
}

/**
 * wallMs: the wave. idealMs: 16 / 4 × 2 s of agent time. setupMs: the pipeline's fixed cost per slot —
 * worktree creation and removal, commit, push (including waits on git's locks), i.e. the tasks' own
 * time beyond their agents', divided by the parallelism. ratio: wall / (ideal + setup), 1.0 when no
 * slot ever sits idle. The repository itself is made before the clock starts.
 */
export async function benchParallelWave(): Promise<{
  wallMs: number;
  idealMs: number;
  setupMs: number;
  ratio: number;
}> {
  const repo = await createTestRepo();
  const baseDir = await mkdtemp(join(tmpdir(), 'autodev-bench-wt-'));
  try {
    const { wallMs, taskMs } = await wave('bench', repo.clone, baseDir, repo.base);
    const idealMs = (TASKS / PARALLELISM) * AGENT_MS;
    const setupMs = Math.max(0, taskMs / PARALLELISM - idealMs);
    return { wallMs, idealMs, setupMs, ratio: wallMs / (idealMs + setupMs) };
  } finally {
    await rm(repo.root, { recursive: true, force: true });
    await rm(baseDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchParallelWave();
  const pass = r.wallMs <= 1.02 * r.idealMs + r.setupMs;
  console.log(
    `${pass ? 'PASS' : 'FAIL'}  16 × 2 s agents, parallelism 4: wall ${(r.wallMs / 1000).toFixed(2)} s, ` +
      `ideal ${(r.idealMs / 1000).toFixed(2)} s, setup ${(r.setupMs / 1000).toFixed(2)} s, ` +
      `ratio ${r.ratio.toFixed(3)} (target wall ≤ 1.02 × ideal + setup)`,
  );
  if (!pass) process.exitCode = 1;
}
