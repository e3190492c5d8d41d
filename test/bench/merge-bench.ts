/**
 * Integration of a wide wave: 10 task branches, each touching its own file, merged by integrateWave
 * into the run's integration branch with no gates configured, so the figure is autodev's git work
 * alone — ls-remote, fetch, the worktree, ten `--no-ff` merges, the push. Setting the branches up is
 * not timed. Target: under 2 s.
 *
 * Run alone: `npx tsx test/bench/merge-bench.ts`. Everything lives in a temp directory removed after.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { integrateWave } from '../../app/integrate/integrate-wave.js';
import { createWorkspace } from '../../app/workspace/sandboxed-workspace.js';
import { WorktreeManager } from '../../app/workspace/worktree-manager.js';
import {
  aTask,
  createWaveRepo,
  moduleFiles,
  pushTaskBranch,
  removeRepo,
  testConfig,
  type WaveRepo,
} from '../integrate/wave-fixtures.js';

const BRANCHES = 10;
const RUN = 'rbench';

export async function benchMerge(): Promise<{ ms: number; branches: number }> {
  let repo: WaveRepo | undefined;
  try {
    repo = await createWaveRepo();
    const tasks = [];
    for (let i = 1; i <= BRANCHES; i++) {
      const id = `t${i}`;
      await pushTaskBranch(repo, RUN, id, moduleFiles(`module${i}`));
      tasks.push(aTask(RUN, id));
    }
    const started = performance.now();
    const result = await integrateWave(
      {
        worktrees: new WorktreeManager({ repoPath: repo.clone, baseDir: join(repo.root, 'worktrees') }),
        createWorkspace,
      },
      { repoPath: repo.clone, runId: RUN, baseRef: repo.base, tasks, config: testConfig({}) },
    );
    const ms = performance.now() - started;
    // A figure from a run that did not merge everything would flatter it.
    const unmerged = result.merges.filter((merge) => merge.status !== 'merged');
    if (unmerged.length > 0 || result.merges.length !== BRANCHES) {
      throw new Error(`the benchmark wave did not merge cleanly: ${JSON.stringify(unmerged)}`);
    }
    return { ms, branches: BRANCHES };
  } finally {
    await removeRepo(repo);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { ms, branches } = await benchMerge();
  console.log(
    `${ms < 2000 ? 'PASS' : 'FAIL'}  merging ${branches} task branches: ${ms.toFixed(0)} ms (target < 2000 ms)`,
  );
}
