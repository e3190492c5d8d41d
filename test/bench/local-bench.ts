/**
 * How long does `autodev run` take on a small project, end to end? A 5-item spec (outline planner → 5
 * tasks), scripted agents that each add a module and its test, the real `npm test` gate (`node --test`)
 * after every agent and again on the merged branch, 4 agents at once, through runLocally: planning,
 * worktrees, gates, commits, the merge of the wave, the pull request body. Target: < 30 s.
 *
 *   npx tsx test/bench/local-bench.ts
 */
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLocally } from '../../app/local/run-locally.js';
import { listSpec, makeProject, moduleAttempt, writeScript } from '../local/local-fixtures.js';

const NAMES = ['square', 'circle', 'triangle', 'hexagon', 'ellipse'];

export async function benchLocalRun(): Promise<{ ms: number; tasks: number }> {
  const ws = await makeProject();
  try {
    const script = await writeScript(
      ws.root,
      Object.fromEntries(NAMES.map((name, i) => [`t${i + 1}`, [moduleAttempt(name, i + 1)]])),
    );
    const spec = listSpec(NAMES.map((name) => `Add ${name}`));
    await writeFile(join(ws.root, 'spec.md'), spec);
    const started = performance.now();
    const outcome = await runLocally({
      repoPath: ws.repo,
      spec,
      planner: 'outline',
      agents: 4,
      env: { ...process.env, AUTODEV_AGENT_SCRIPT: script },
    });
    const ms = performance.now() - started;
    if (outcome.run.state !== 'succeeded') {
      throw new Error(`the benchmark run ${outcome.run.state}: ${outcome.run.reason ?? 'no reason'}`);
    }
    return { ms, tasks: outcome.run.tasks.length };
  } finally {
    await rm(ws.root, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchLocalRun();
  const pass = r.ms < 30_000;
  console.log(
    `${pass ? 'PASS' : 'FAIL'}  autodev run, ${r.tasks} scripted tasks with the npm test gate, 4 agents: ` +
      `${(r.ms / 1000).toFixed(2)} s (target < 30 s)`,
  );
  if (!pass) process.exitCode = 1;
}
