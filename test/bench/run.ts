/** `npm run bench`: runs every benchmark and prints its figures against the targets in the issues. */
import { benchAckLatency } from './ack-latency.js';
import { benchBanditRegret, describeRegret } from './bandit-bench.js';
import { benchLocalRun } from './local-bench.js';
import { benchMemorySearch } from './memory-bench.js';
import { benchMerge } from './merge-bench.js';
import { benchParallelWave } from './parallel-bench.js';
import { benchPlanPostProcessing } from './plan-bench.js';
import { benchWorktrees } from './worktree-bench.js';

interface Result {
  name: string;
  figure: string;
  target: string;
  pass: boolean;
}

async function main(): Promise<void> {
  const results: Result[] = [];

  const ack = await benchAckLatency();
  results.push({
    name: 'webhook ack p99, 200 concurrent (autodev / bare Probot)',
    figure: `${ack.autodevP99.toFixed(1)} ms / ${ack.bareP99.toFixed(1)} ms = ${ack.ratio.toFixed(2)}×`,
    target: '≤ 1.20×',
    pass: ack.ratio <= 1.2,
  });

  const plan = await benchPlanPostProcessing();
  results.push({
    name: `plan post-processing + rendering, ${plan.tasks} tasks (median / p95)`,
    figure: `${plan.medianMs.toFixed(1)} ms / ${plan.p95Ms.toFixed(1)} ms`,
    target: '< 50 ms',
    pass: plan.medianMs < 50,
  });

  const trees = await benchWorktrees();
  results.push({
    name: `${trees.count} agent worktrees vs ${trees.count} clones of this repository (time speedup, disk ratio)`,
    figure: `${trees.worktreeMs.toFixed(0)} ms vs ${trees.cloneMs.toFixed(0)} ms = ${trees.speedup.toFixed(1)}×; ${(trees.worktreeBytes / 1e6).toFixed(1)} MB vs ${(trees.cloneBytes / 1e6).toFixed(1)} MB = ${trees.diskRatio.toFixed(2)}`,
    target: '≥ 10× and ≤ 0.20',
    pass: trees.speedup >= 10 && trees.diskRatio <= 0.2,
  });

  const wave = await benchParallelWave();
  results.push({
    name: '16 scripted tasks of 2 s at parallelism 4 (wall / (ideal + setup))',
    figure: `${(wave.wallMs / 1000).toFixed(2)} s vs ${(wave.idealMs / 1000).toFixed(0)} s + ${(wave.setupMs / 1000).toFixed(2)} s setup = ${wave.ratio.toFixed(3)}`,
    target: '≤ 1.02',
    pass: wave.ratio <= 1.02,
  });

  const merge = await benchMerge();
  results.push({
    name: `integrating a wave of ${merge.branches} non-conflicting task branches, no gates`,
    figure: `${merge.ms.toFixed(0)} ms`,
    target: '< 2000 ms',
    pass: merge.ms < 2000,
  });

  const local = await benchLocalRun();
  results.push({
    name: `local run (autodev run) of a ${local.tasks}-task spec with scripted agents and a real gate`,
    figure: `${(local.ms / 1000).toFixed(1)} s`,
    target: '< 30 s',
    pass: local.ms < 30_000,
  });

  const memory = await benchMemorySearch();
  results.push({
    name: `memory search, ${memory.memories / 1000}k × ${memory.dimension}-d in PGlite, top-10 (ef_search ${memory.efSearch}), p50 / p99 and recall@10 vs exact over ${memory.recallQueries} queries`,
    figure: `${memory.p50Ms.toFixed(1)} ms / ${memory.p99Ms.toFixed(1)} ms, recall ${memory.recallAt10.toFixed(3)} (exact p50 ${memory.exactP50Ms.toFixed(0)} ms; ${memory.recallAtLowerEf.map((r) => `${r.recallAt10.toFixed(3)} at ef_search ${r.efSearch}`).join(', ')}); inserts ${memory.bulkInsertsPerSecond.toFixed(0)}/s bulk + ${(memory.indexBuildMs / 1000).toFixed(0)} s HNSW build, ${memory.indexedInsertsPerSecond.toFixed(0)}/s into the index`,
    target: 'p99 < 20 ms, recall ≥ 0.95',
    pass: memory.p99Ms < 20 && memory.recallAt10 >= 0.95,
  });

  for (const scenario of await benchBanditRegret()) {
    const bar = Math.min(...scenario.beatable.map((f) => f.regret));
    results.push({
      name: `bandit cumulative expected regret, ${scenario.runs} runs, mean of ${scenario.seeds} seeds, ${scenario.name}`,
      figure: describeRegret(scenario),
      target: 'mean below every fixed choice that needs no knowledge of the hidden rates',
      pass: scenario.banditMeanRegret < bar,
    });
  }

  for (const r of results) {
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure} (target ${r.target})`);
  }
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

await main();
