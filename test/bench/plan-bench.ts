/**
 * Cost of turning a 500-task planner answer into a plan and painting it: postProcessPlan (schema,
 * ids, graph checks, strategy shaping, waves, critical path) followed by renderProgress of the run
 * that plan produces. The iterations rotate through every strategy, so the p95 covers the most
 * expensive one (waterfall, whose phase barriers add the most dependencies).
 */
import { STRATEGIES } from '../../app/commands/command.js';
import { postProcessPlan } from '../../app/planning/post-process-plan.js';
import { renderProgress } from '../../app/progress/render-progress.js';
import { applyRunEvent } from '../../app/runs/transitions.js';
import { randomPrp } from '../planning/plan-fixtures.js';
import { aRun, at } from '../runs/run-fixtures.js';

const TASKS = 500;
const WARM_UP = 10;
const ITERATIONS = 50;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

function once(answer: unknown, iteration: number): void {
  const strategy = STRATEGIES[iteration % STRATEGIES.length];
  const result = postProcessPlan(answer, {
    strategy,
    agentRange: { min: 15, max: 64 },
    maxParallelAgents: 64,
    gates: ['npm test'],
    allowedCommands: ['npm', 'npx'],
  });
  if (!result.ok) throw new Error(`the benchmark plan was rejected: ${result.errors.join('; ')}`);
  const planned = applyRunEvent(
    aRun(),
    { type: 'planned', plan: result.plan, requireApproval: true },
    at(60),
  );
  if (!planned.ok) throw new Error(`the benchmark plan could not be applied: ${planned.error}`);
  renderProgress(planned.run, { now: at(120) });
}

export async function benchPlanPostProcessing(): Promise<{ medianMs: number; p95Ms: number; tasks: number }> {
  // Parsed JSON, as the planner hands it over: a fresh object graph per call, like a model answer.
  const text = JSON.stringify(randomPrp(TASKS, 42));
  for (let i = 0; i < WARM_UP; i++) once(JSON.parse(text), i);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const answer: unknown = JSON.parse(text);
    const started = performance.now();
    once(answer, i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: percentile(times, 50), p95Ms: percentile(times, 95), tasks: TASKS };
}
