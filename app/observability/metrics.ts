/**
 * Prometheus metrics of one autodev process, on a registry of its own (two apps in one process, as in
 * tests, never share counters). What is counted where:
 *
 * - the webhook path adds one counter increment and one histogram observation per delivery — nothing
 *   that waits, so acknowledging stays as fast as without metrics;
 * - run and task outcomes, agent durations, tokens and cost come from the run service's saves
 *   (RunObserver), so they count what happened exactly once, whichever process saved it;
 * - gauges that describe the present (active runs and their tasks, pending deliveries) are read from the
 *   store when Prometheus scrapes, so they are right across replicas and restarts;
 * - GitHub's rate-limit headers are read off every response the app's GitHub client receives.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AutodevConfig } from '../config/config-schema.js';
import type { WaveIntegration } from '../finish/integration-source.js';
import { ModelError } from '../models/model-error.js';
import {
  FINAL_RUN_STATES,
  type Run,
  RUN_STATES,
  type RunState,
  type Task,
  TASK_STATES,
} from '../runs/run.js';
import type { Store } from '../store/store.js';
import type { RunChange, RunObserver } from './run-observer.js';

/** Unfinished runs, the ones the run and task gauges describe. */
const ACTIVE_STATES = RUN_STATES.filter((s) => !FINAL_RUN_STATES.includes(s));

/** How many unfinished runs a scrape reads at most; more would make scraping itself the load. */
const ACTIVE_RUN_LIMIT = 1000;

export type WebhookResult = 'recorded' | 'redelivery' | 'skipped' | 'error';

export class Metrics implements RunObserver {
  readonly registry = new Registry();
  private readonly webhooks: Counter<'event' | 'result'>;
  private readonly ackSeconds: Histogram<'event'>;
  private readonly runsEnded: Counter<'state'>;
  private readonly tasksFinished: Counter<'state' | 'role' | 'backend'>;
  private readonly agentSeconds: Histogram<'role' | 'backend'>;
  private readonly gates: Counter<'gate' | 'result'>;
  private readonly tokens: Counter<'model'>;
  private readonly cost: Counter<'model'>;
  private readonly modelErrors: Counter<'provider' | 'kind'>;
  private readonly rateLimit: Gauge<'resource'>;
  /** Waves whose gates were counted already (finishing may read a wave's result again). */
  private readonly countedWaves = new Set<string>();

  constructor(options: { store?: Store } = {}) {
    const registers = [this.registry];
    const store = options.store;
    this.webhooks = new Counter({
      name: 'autodev_webhook_deliveries_total',
      help: 'Webhook deliveries received, by event and what became of them (recorded, redelivery, skipped, error).',
      labelNames: ['event', 'result'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'autodev_webhook_ack_seconds',
      help: 'Time the app took to record a delivery before acknowledging it.',
      labelNames: ['event'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'autodev_runs',
      help: 'Unfinished runs by state, read from the store when scraped.',
      labelNames: ['state'],
      registers,
      async collect() {
        const active = store ? await activeRuns(store) : [];
        this.reset();
        for (const state of ACTIVE_STATES)
          this.set({ state }, active.filter((r) => r.state === state).length);
      },
    });
    new Gauge({
      name: 'autodev_tasks',
      help: 'Tasks of unfinished runs by state, read from the store when scraped.',
      labelNames: ['state'],
      registers,
      async collect() {
        const tasks = store ? (await activeRuns(store)).flatMap((r) => r.tasks) : [];
        this.reset();
        for (const state of TASK_STATES) this.set({ state }, tasks.filter((t) => t.state === state).length);
      },
    });
    new Gauge({
      name: 'autodev_delivery_queue_depth',
      help: 'Recorded deliveries not yet claimed by a worker, read from the store when scraped.',
      registers,
      async collect() {
        if (store?.countDeliveries) this.set(await store.countDeliveries('pending'));
      },
    });
    this.runsEnded = new Counter({
      name: 'autodev_runs_ended_total',
      help: 'Runs that reached a final state (succeeded, failed, cancelled).',
      labelNames: ['state'],
      registers,
    });
    this.tasksFinished = new Counter({
      name: 'autodev_tasks_finished_total',
      help: 'Tasks that finished, by final state, role and agent backend.',
      labelNames: ['state', 'role', 'backend'],
      registers,
    });
    this.agentSeconds = new Histogram({
      name: 'autodev_agent_duration_seconds',
      help: 'How long an agent worked on a task, from its start to its reported end.',
      labelNames: ['role', 'backend'],
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    });
    this.gates = new Counter({
      name: 'autodev_gate_results_total',
      help: 'Validation gates run on integrated waves, by gate and result (pass, fail).',
      labelNames: ['gate', 'result'],
      registers,
    });
    this.tokens = new Counter({
      name: 'autodev_tokens_total',
      help: 'Tokens spent, by model (a task counts under its agent backend).',
      labelNames: ['model'],
      registers,
    });
    this.cost = new Counter({
      name: 'autodev_cost_usd_total',
      help: 'US dollars spent, by model (a task counts under its agent backend).',
      labelNames: ['model'],
      registers,
    });
    this.modelErrors = new Counter({
      name: 'autodev_model_errors_total',
      help: 'Model calls that failed, by provider and kind (auth, unreachable, rate-limited, bad-request, unknown).',
      labelNames: ['provider', 'kind'],
      registers,
    });
    this.rateLimit = new Gauge({
      name: 'autodev_github_rate_limit_remaining',
      help: 'Requests left in the current GitHub API rate-limit window, from the latest response.',
      labelNames: ['resource'],
      registers,
    });
  }

  /** The webhook path: one increment and one observation, nothing awaited. */
  webhookReceived(event: string, result: WebhookResult, seconds: number): void {
    this.webhooks.inc({ event, result });
    this.ackSeconds.observe({ event }, seconds);
  }

  /** Reads x-ratelimit-* off a GitHub response's (or error response's) headers. */
  githubResponse(headers: Record<string, unknown> | undefined): void {
    const remaining = Number(headers?.['x-ratelimit-remaining']);
    if (!headers || !Number.isFinite(remaining)) return;
    const resource = headers['x-ratelimit-resource'];
    this.rateLimit.set({ resource: typeof resource === 'string' ? resource : 'core' }, remaining);
  }

  runChanged({ before, after, config }: RunChange): void {
    const previous = new Map(before.tasks.map((t) => [t.id, t]));
    let taskTokens = 0;
    let taskCost = 0;
    for (const task of after.tasks) {
      const old = previous.get(task.id);
      if (task.state === old?.state || !task.finishedAt || !FINISHED.includes(task.state)) continue;
      const backend = task.backend ?? 'none';
      this.tasksFinished.inc({ state: task.state, role: task.role, backend });
      if (task.startedAt && task.state !== 'skipped') {
        const seconds = (Date.parse(task.finishedAt) - Date.parse(task.startedAt)) / 1000;
        if (seconds >= 0) this.agentSeconds.observe({ role: task.role, backend }, seconds);
      }
      const tokens = task.tokens - (old?.tokens ?? 0);
      const cost = task.costUsd - (old?.costUsd ?? 0);
      this.spend(taskModel(task, config), tokens, cost);
      taskTokens += tokens;
      taskCost += cost;
    }
    // What the run spent beyond its tasks is the control plane's own model use: planning or review.
    const model = roleModel(config, before.state === 'planning' ? 'planner' : 'reviewer');
    this.spend(model, after.tokens - before.tokens - taskTokens, after.costUsd - before.costUsd - taskCost);
    if (after.state !== before.state && FINAL_RUN_STATES.includes(after.state)) {
      this.runsEnded.inc({ state: after.state });
    }
  }

  runError(_run: Run, error: unknown): void {
    const modelError = findCause(error, (e): e is ModelError => e instanceof ModelError);
    if (modelError) this.modelErrors.inc({ provider: modelError.provider, kind: modelError.kind });
  }

  /** Counts a wave's gate results once, however often finishing reads them. */
  waveIntegrated(run: Run, wave: number, result: WaveIntegration): void {
    const key = `${run.id}#${wave}`;
    if (this.countedWaves.has(key)) return;
    // Bounded: a long-lived process forgets the oldest waves, which are long finished by then.
    if (this.countedWaves.size >= 10_000) this.countedWaves.clear();
    this.countedWaves.add(key);
    for (const gate of result.gates) {
      this.gates.inc({ gate: gate.name, result: gate.passed ? 'pass' : 'fail' });
    }
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private spend(model: string, tokens: number, costUsd: number): void {
    // Counters only go up; a negative delta would be a replan clearing spend, never real spending.
    if (tokens > 0) this.tokens.inc({ model }, tokens);
    if (costUsd > 0) this.cost.inc({ model }, costUsd);
  }
}

const FINISHED: readonly Task['state'][] = ['succeeded', 'failed', 'skipped'];

async function activeRuns(store: Store): Promise<Run[]> {
  return store.listRuns({ states: [...ACTIVE_STATES] as RunState[], limit: ACTIVE_RUN_LIMIT });
}

/** "provider/model" the config gives a role. */
function roleModel(config: AutodevConfig, role: keyof AutodevConfig['models']): string {
  const choice = config.models[role] ?? config.models.default;
  return `${choice.provider}/${choice.model}`;
}

function taskModel(task: Task, config: AutodevConfig): string {
  if (task.backend) return task.backend;
  return task.role in config.models
    ? roleModel(config, task.role as keyof AutodevConfig['models'])
    : roleModel(config, 'default');
}

/** The error itself or the first of its causes that matches. */
function findCause<T>(error: unknown, match: (e: unknown) => e is T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (match(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
