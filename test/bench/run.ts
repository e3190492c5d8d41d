/** `npm run bench`: runs every benchmark and prints its figures against the targets in the issues. */
import { benchAckLatency } from './ack-latency.js';
import { benchPlanPostProcessing } from './plan-bench.js';

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

  for (const r of results) {
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${r.figure} (target ${r.target})`);
  }
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

await main();
