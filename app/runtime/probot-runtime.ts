/**
 * Builds the control plane for a Probot app: the engine with a GitHub Scm per installation, and the
 * worker that processes recorded deliveries.
 */
import type { Probot } from 'probot';
import type { Dispatcher } from '../core/dispatcher.js';
import { ActionsDispatcher } from '../dispatch/actions-dispatcher.js';
import { DeliveryWorker } from '../core/delivery-worker.js';
import { Engine } from '../core/engine.js';
import type { IntegrationSource } from '../finish/integration-source.js';
import { configuredReviewer, type Reviewer } from '../finish/reviewer.js';
import { installationIdOf, repoOfPayload } from '../core/event-fields.js';
import type { Log } from '../core/logger.js';
import type { DashboardOptions } from '../dashboard/dashboard-handler.js';
import { meteredRequest } from '../observability/metrics-handler.js';
import type { Metrics } from '../observability/metrics.js';
import type { Notifier } from '../observability/notify.js';
import { createObservability } from '../observability/observability.js';
import type { Planner } from '../planner/planner.js';
import { memoryObserver } from '../memory/memory-observer.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { MemoryStore } from '../memory/memory-store.js';
import { combineObservers } from '../observability/run-observer.js';
import type { RepoRef } from '../runs/run.js';
import { GitHubScm, type OctokitRequest, toScmError } from '../scm/github-scm.js';
import type { Delivery, Store } from '../store/store.js';

export interface AutodevOptions {
  store: Store;
  planner: Planner;
  dispatcher?: Dispatcher;
  /** Skips the `GET /app` lookup of the app's own login. */
  botLogin?: string;
  /** Reviews the run's pull request; defaults to the config's reviewer model. */
  reviewer?: Reviewer;
  /** How waves were integrated; defaults to none reported. */
  integrations?: IntegrationSource;
  worker?: { concurrency?: number; staleAfterMs?: number; workerId?: string; sweepEveryMs?: number };
  /** The live dashboard at /dashboard; off (404 saying how to enable it) without a token. */
  dashboard?: DashboardOptions;
  now?: () => Date;
  /** The core's log (default Probot's); see app/observability/log.ts for the redacting JSON one. */
  log?: Log;
  /** Prometheus metrics served at /metrics (default a fresh registry). */
  metrics?: Metrics;
  /** Bearer token /metrics requires (AUTODEV_METRICS_TOKEN); without one it is open. */
  metricsToken?: string;
  /** Posts run notifications (config `notifications`); default reads env:NAME URLs from process.env. */
  notifier?: Notifier;
  /** Called once the runtime is wired (tests wait on `worker.idle()`). */
  onRuntime?(runtime: AutodevRuntime): void;
  /**
   * Repository memory: `/remember` writes to it, and every run's outcomes, lessons and audit events
   * are recorded in it. The planner reads it through its own `memory` dependency.
   */
  memory?: { store: MemoryStore; service: MemoryService };
}

export interface AutodevRuntime {
  store: Store;
  engine: Engine;
  worker: DeliveryWorker;
  metrics: Metrics;
  notifier: Notifier;
}

function asRequester(octokit: { request: OctokitRequest['request'] }, metrics: Metrics): OctokitRequest {
  return { request: meteredRequest((route, parameters) => octokit.request(route, parameters), metrics) };
}

export function createRuntime(app: Probot, options: AutodevOptions, busy?: () => boolean): AutodevRuntime {
  const log = options.log ?? (app.log as unknown as Log);
  const { metrics, notifier, observer } = createObservability({
    store: options.store,
    log,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
  });
  let botLogin: Promise<string> | null = options.botLogin ? Promise.resolve(options.botLogin) : null;

  const installationOfRepo = async (repo: RepoRef): Promise<number> => {
    try {
      const appOctokit = await app.auth();
      const { data } = await appOctokit.request('GET /repos/{owner}/{repo}/installation', { ...repo });
      return data.id;
    } catch (error) {
      throw toScmError(error, `find the autodev installation on ${repo.owner}/${repo.repo}`);
    }
  };

  const installationFor = async (delivery: Delivery): Promise<number> => {
    const fromPayload = installationIdOf(delivery.payload);
    if (fromPayload !== undefined) return fromPayload;
    // Deliveries replayed by hand or from other tools may lack `installation`; ask GitHub.
    const repo = repoOfPayload(delivery.payload);
    if (!repo) throw new Error(`delivery ${delivery.id} names no repository`);
    return installationOfRepo(repo);
  };

  const engine = new Engine({
    store: options.store,
    planner: options.planner,
    dispatcher: options.dispatcher ?? new ActionsDispatcher(options.now ? { now: options.now } : {}),
    log,
    ...(options.now ? { now: options.now } : {}),
    reviewer: options.reviewer ?? configuredReviewer(),
    ...(options.integrations ? { integrations: options.integrations } : {}),
    async scmFor(delivery) {
      const octokit = await app.auth(await installationFor(delivery));
      return new GitHubScm(asRequester(octokit, metrics));
    },
    async scmForRepo(repo) {
      const octokit = await app.auth(await installationOfRepo(repo));
      return new GitHubScm(asRequester(octokit, metrics));
    },
    observer: options.memory
      ? combineObservers(
          [observer, memoryObserver({ store: options.memory.store, service: options.memory.service, log })],
          log,
        )
      : observer,
    ...(options.memory ? { memory: options.memory.service } : {}),
    botLogin() {
      botLogin ??= app
        .auth()
        .then((octokit) => octokit.request('GET /app'))
        .then(({ data }) => `${data?.slug ?? 'autodev'}[bot]`)
        .catch((error: unknown) => {
          log.warn({ err: error }, 'could not read the app slug; assuming autodev[bot]');
          return 'autodev[bot]';
        });
      return botLogin;
    },
  });

  const worker = new DeliveryWorker({
    store: options.store,
    log,
    process: (delivery) => engine.process(delivery),
    sweep: () => engine.sweep(),
    ...(busy ? { busy } : {}),
    ...options.worker,
  });
  return { store: options.store, engine, worker, metrics, notifier };
}
