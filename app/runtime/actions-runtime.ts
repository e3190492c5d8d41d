/**
 * Builds the control plane for Actions-only mode: no server, one workflow run per event, the workflow's
 * token as the only credential, and state on the repository's own `autodev-state` branch (or in
 * Postgres when a database URL is given).
 */
import { readFile } from 'node:fs/promises';
import { getOctokit } from '@actions/github';
import { mightTrigger } from '../core/detect-trigger.js';
import type { Dispatcher } from '../core/dispatcher.js';
import { Engine } from '../core/engine.js';
import { ActionsDispatcher } from '../dispatch/actions-dispatcher.js';
import { configuredReviewer } from '../finish/reviewer.js';
import { repoOfPayload } from '../core/event-fields.js';
import type { Log } from '../core/logger.js';
import type { Plan, Planner } from '../planner/planner.js';
import { configuredPlanner } from '../planning/configured-planner.js';
import { outlinePlanner, ScriptedPlanner } from '../planner/scripted-planner.js';
import type { RepoRef, Run } from '../runs/run.js';
import { Notifier } from '../observability/notify.js';
import { GitHubScm } from '../scm/github-scm.js';
import type { Scm } from '../scm/scm.js';
import { RepoStateStore } from '../store/repo-state-store.js';
import type { Delivery, DeliveryInput, Store } from '../store/store.js';

/** Who writes the comments when the workflow's own GITHUB_TOKEN is used. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface ActionsRuntimeOptions {
  token: string;
  /** GITHUB_REPOSITORY: the repository whose branch keeps the state. */
  repository: RepoRef;
  /** GITHUB_API_URL: api.github.com, a GitHub Enterprise Server, or the simulator in tests. */
  apiUrl: string;
  /** Postgres or Supabase instead of the state branch. */
  databaseUrl?: string;
  /** AUTODEV_PLANNER (see plannerFromSpec). */
  plannerSpec?: string;
  /** Defaults to dispatching the agents workflow of the repository (ActionsDispatcher). */
  dispatcher?: Dispatcher;
  /** For a token that is not GITHUB_TOKEN (a PAT or an App's token) comments come from someone else. */
  botLogin?: string;
  /** An HTTP(S) proxy is configured: keep @actions/github's proxy-aware fetch. */
  behindProxy?: boolean;
  log: Log;
  now?: () => Date;
}

export type EventOutcome =
  /** Nothing in the event could ask autodev for anything. */
  | { kind: 'ignored'; run: null }
  /** This delivery was handled before (the same workflow run attempt started twice). */
  | { kind: 'repeat'; run: Run | null }
  | { kind: 'handled'; run: Run | null };

export interface ActionsRuntime {
  store: Store;
  engine: Engine;
  /**
   * Records the event's delivery, has the engine process it once, and reports the run it concerns:
   * the newest run on the event's issue, or the run an agents workflow run worked for.
   */
  handle(input: DeliveryInput): Promise<EventOutcome>;
  close(): Promise<void>;
}

export async function createActionsRuntime(options: ActionsRuntimeOptions): Promise<ActionsRuntime> {
  const now = options.now ?? (() => new Date());
  const octokit = getOctokit(options.token, {
    baseUrl: options.apiUrl,
    // @actions/github 9 brings its own undici fetch; the platform's is the one every other octokit here
    // uses. Behind a proxy only @actions/github's honours HTTPS_PROXY, so it stays.
    ...(options.behindProxy ? {} : { request: { fetch: globalThis.fetch } }),
  });
  const scm: Scm = new GitHubScm({ request: (route, parameters) => octokit.request(route, parameters) });
  const store = await openRuntimeStore(options, scm);
  const planner = await plannerFromSpec(options.plannerSpec);
  const botLogin = options.botLogin ?? ACTIONS_BOT_LOGIN;
  // Notifications work without a server; the step waits for them before it ends (see handle).
  const notifier = new Notifier({ log: options.log });
  const engine = new Engine({
    store,
    planner,
    observer: notifier,
    dispatcher: options.dispatcher ?? new ActionsDispatcher({ now }),
    log: options.log,
    now,
    scmFor: async () => scm,
    // The workflow's token reaches only its own repository, so every run's Scm is this one.
    scmForRepo: async () => scm,
    reviewer: configuredReviewer(),
    botLogin: async () => botLogin,
  });

  const runOf = async (input: DeliveryInput): Promise<Run | null> => {
    const repo = repoOfPayload(input.payload);
    const issue = issueNumberOf(input.payload);
    if (repo && issue !== undefined) return store.latestRunForIssue(repo, issue);
    const runId = runIdOfWorkflowRun(input.payload);
    return runId ? store.getRun(runId) : null;
  };

  return {
    store,
    engine,
    async handle(input) {
      // The webhook path's pre-filter: a comment that is no command costs no commit on the state branch.
      if (!mightTrigger({ name: input.event, payload: input.payload })) return { kind: 'ignored', run: null };
      // One workflow run attempt is one delivery. A repeat is not processed again, as a redelivered
      // webhook is not; re-running the job is a new attempt, hence a new delivery.
      if (!(await store.recordDelivery(input))) return { kind: 'repeat', run: await runOf(input) };
      const delivery: Delivery = {
        ...input,
        status: 'processing',
        attempts: 1,
        receivedAt: now().toISOString(),
      };
      try {
        await engine.process(delivery).finally(() => notifier.idle());
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await store
          .finishDelivery(input.id, { status: 'failed', error: message })
          .catch((second: unknown) => options.log.warn({ err: second }, 'could not record the failure'));
        throw error;
      }
      await store.finishDelivery(input.id, { status: 'done' });
      return { kind: 'handled', run: await runOf(input) };
    },
    close: () => store.close(),
  };
}

/**
 * Planner for Actions mode. Until the LLM planner lands, the outline planner (one task per list item
 * of the spec); `scripted:<path to plan JSON>` answers every request with that plan (tests, demos).
 */
export async function plannerFromSpec(spec: string | undefined): Promise<Planner> {
  const value = spec?.trim();
  if (!value) return configuredPlanner();
  // "outline": one task per list item of the spec, no model — for demos and trying the workflow.
  if (value === 'outline') return outlinePlanner;
  if (!value.startsWith('scripted:')) {
    throw new Error(`AUTODEV_PLANNER must be outline or scripted:<path to a plan JSON file>, not "${value}"`);
  }
  const path = value.slice('scripted:'.length);
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new Error(`AUTODEV_PLANNER: cannot read a plan from ${path}: ${String(error)}`, { cause: error });
  }
  if (typeof plan?.goal !== 'string' || !Array.isArray(plan.tasks)) {
    throw new Error(`AUTODEV_PLANNER: ${path} is not a plan; it needs "goal" (text) and "tasks" (a list)`);
  }
  return new ScriptedPlanner([plan]);
}

async function openRuntimeStore(options: ActionsRuntimeOptions, scm: Scm): Promise<Store> {
  const url = options.databaseUrl?.trim();
  if (!url)
    return new RepoStateStore({
      scm,
      repo: options.repository,
      ...(options.now ? { now: options.now } : {}),
    });
  // Loaded only when asked for, so the state-branch path never evaluates the SQL drivers.
  const { openStore } = await import('../store/open-store.js');
  return openStore({ databaseUrl: url });
}

function issueNumberOf(payload: unknown): number | undefined {
  const issue = (payload as { issue?: { number?: unknown } } | null)?.issue;
  return typeof issue?.number === 'number' ? issue.number : undefined;
}

/**
 * The agents workflow names its runs `autodev run <run id> wave <n>` (its run-name), which GitHub
 * sends as the workflow run's display_title.
 */
function runIdOfWorkflowRun(payload: unknown): string | undefined {
  const title = (payload as { workflow_run?: { display_title?: unknown } } | null)?.workflow_run
    ?.display_title;
  return typeof title === 'string' ? /^autodev run (\S+) wave \d+$/.exec(title)?.[1] : undefined;
}
