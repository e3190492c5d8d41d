/** `npm run bench`: runs every benchmark and prints its figures against the targets in the issues. */
import { benchAckLatency } from './ack-latency.js';
import { benchLocalRun } from './local-bench.js';
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

  for (const r of results) {
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure} (target ${r.target})`);
  }
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

await main();
