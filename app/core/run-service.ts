/**
 * The life of a run: create it once per delivery, keep its one progress comment current, plan it,
 * wait for approval, hand it to the dispatcher wave by wave, give failed tasks their retries, finish it
 * with one pull request, and end it with a reason. Every change goes through the pure transitions and
 * is saved with an optimistic lock, so two writers never interleave; whatever waits for time (a retry's
 * backoff, a silent wave) is in the stored run, so any process's sweep can pick it up.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import { needsSweep, recoveryPolicy, retryEvents, timeoutEvents } from '../dispatch/recovery.js';
import { nextStep, waveOutcomeEvents } from '../dispatch/wave-outcome.js';
import { finishRun, isTransient } from '../finish/finish-run.js';
import type { IntegrationSource } from '../finish/integration-source.js';
import { stateBranchIntegrations } from '../finish/state-branch-integrations.js';
import type { Reviewer } from '../finish/reviewer.js';
import { type Plan, type Planner, PlanningError } from '../planner/planner.js';
import { FINAL_RUN_STATES, type RepoRef, type Run, type RunTrigger } from '../runs/run.js';
import { applyRunEvent, applyRunEvents, newRun, newRunId, type RunEvent } from '../runs/transitions.js';
import type { Scm } from '../scm/scm.js';
import { StaleRunError, type Store } from '../store/store.js';
import { DispatchError, type Dispatcher } from './dispatcher.js';
import { childLog, type Log } from './logger.js';
import { observedIntegrations, type RunObserver } from '../observability/run-observer.js';
import { ProgressComments } from './progress-comments.js';

export interface RunServiceDeps {
  store: Store;
  planner: Planner;
  dispatcher: Dispatcher;
  /** The app's own login: only its comments can be the progress comment. */
  botLogin(): Promise<string>;
  log: Log;
  now?: () => Date;
  /** Reviews the pull request when a run finishes; without one it is opened unreviewed. */
  reviewer?: Reviewer;
  /** How each wave was integrated; defaults to none reported. */
  integrations?: IntegrationSource;
  /** Told of every saved change (metrics, notifications, the stage log). */
  observer?: RunObserver;
}

/**
 * A run left `integrating` this long is taken to have lost its finisher (a crash) and is finished
 * again; finishing is idempotent, the wait only keeps two finishers from reviewing the same head.
 */
export const FINISH_STALE_MS = 10 * 60_000;

/** What a run needs from the event that touches it. */
export interface RunScope {
  scm: Scm;
  config: AutodevConfig;
  /** The log of the delivery being handled (bound to its deliveryId). */
  log?: Log;
}

/** The run's current plan in the planner's terms, briefs put back on their tasks. */
export function planOf(run: Run): Plan | undefined {
  if (!run.plan) return undefined;
  const { briefs, ...summary } = run.plan;
  return {
    ...summary,
    tasks: run.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      role: t.role,
      dependsOn: t.dependsOn,
      ...(briefs?.[t.id] ?? {}),
    })),
  };
}

export function isFinal(run: Run): boolean {
  return FINAL_RUN_STATES.includes(run.state);
}

export class RunService {
  private readonly now: () => Date;
  private readonly comments: ProgressComments;

  constructor(private readonly deps: RunServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.comments = new ProgressComments({ ...deps, now: this.now });
  }

  /**
   * Starts a run for a delivery, or resumes it when the delivery is being processed again after a
   * crash. When another run on the issue is unfinished, returns that run untouched (its deliveryId
   * differs from the one asked for).
   *
   * A delivery never gets a second run.
   */
  async start(
    scope: RunScope,
    init: { repo: RepoRef; issueNumber: number; deliveryId: string; trigger: RunTrigger },
    options: { requireApproval?: boolean; feedback?: string } = {},
  ): Promise<Run> {
    const fresh = newRun({ id: newRunId(), ...init, now: this.now() });
    const { run: stored, created } = await this.deps.store.createRun(fresh);
    // Another delivery's run still holds the issue: the caller tells the person (see isBusyWith).
    if (!created && stored.deliveryId !== init.deliveryId) return stored;
    if (!created && isFinal(stored)) return stored;
    try {
      let run = await this.comments.publish(scope, stored, { searchExisting: !created });
      if (run.state === 'planning') run = await this.plan(scope, run, options);
      return run;
    } catch (error) {
      await this.failAfterError(scope, stored.id, error);
      throw error;
    }
  }

  /** An unexpected error must not leave the comment saying work is going on. */
  private async failAfterError(scope: RunScope, runId: string, error: unknown): Promise<void> {
    try {
      const latest = await this.deps.store.getRun(runId);
      if (!latest || isFinal(latest)) return;
      const reason = `autodev hit an error and stopped: ${error instanceof Error ? error.message : String(error)}`;
      await this.transition(scope, latest, { type: 'failed', reason });
    } catch (second) {
      this.deps.log.error({ runId, err: second }, 'could not record the failure of a run');
    }
  }

  /** Plans (or re-plans) a run in the planning state and moves it on. */
  async plan(
    scope: RunScope,
    run: Run,
    options: { requireApproval?: boolean; feedback?: string; previousPlan?: Plan } = {},
  ): Promise<Run> {
    let planned: Run;
    try {
      const plan = await this.deps.planner.plan({
        run,
        config: scope.config,
        scm: scope.scm,
        ...(options.feedback ? { feedback: options.feedback } : {}),
        ...(options.previousPlan ? { previousPlan: options.previousPlan } : {}),
      });
      planned = await this.transition(scope, run, {
        type: 'planned',
        plan,
        requireApproval: options.requireApproval ?? scope.config.requireApproval,
      });
    } catch (error) {
      const reason =
        error instanceof PlanningError
          ? error.message
          : `Planning failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
      this.deps.log.warn({ runId: run.id, err: error }, 'planning failed');
      this.deps.observer?.runError?.(run, error);
      // What the failed attempts cost still counts against the run.
      const spent: RunEvent[] =
        error instanceof PlanningError && (error.tokens > 0 || error.costUsd > 0)
          ? [{ type: 'usage', tokens: error.tokens, costUsd: error.costUsd }]
          : [];
      return this.transition(scope, run, [...spent, { type: 'failed', reason }]);
    }
    return planned.state === 'running' ? this.dispatch(scope, planned) : planned;
  }

  async replan(scope: RunScope, run: Run, feedback: string): Promise<Run> {
    // Re-planning clears the plan from the run; the planner still needs what the feedback is about.
    const previousPlan = planOf(run);
    const replanning = await this.transition(scope, run, { type: 'replan', feedback });
    if (replanning.state !== 'planning') return replanning;
    return this.plan(scope, replanning, {
      requireApproval: true,
      feedback,
      ...(previousPlan ? { previousPlan } : {}),
    });
  }

  async approve(scope: RunScope, run: Run, by: string): Promise<Run> {
    const approved = await this.transition(scope, run, { type: 'approved', by });
    return approved.state === 'running' ? this.dispatch(scope, approved) : approved;
  }

  async cancel(scope: RunScope, run: Run, by: string): Promise<Run> {
    return this.transition(scope, run, { type: 'cancelled', by });
  }

  async retry(scope: RunScope, run: Run, taskId: string): Promise<Run> {
    const retried = await this.transition(scope, run, { type: 'retry', taskId });
    return retried.state === 'running' ? this.advance(scope, retried) : retried;
  }

  /**
   * `/status`: first does what is due (a retry whose backoff is over, a wave gone silent, a finish
   * that was interrupted), then re-renders the progress comment from stored state.
   */
  async refresh(scope: RunScope, run: Run): Promise<Run> {
    const resumed = await this.resume(scope, run, this.now());
    if (resumed !== run) return resumed;
    return this.comments.publish(scope, run, { searchExisting: run.commentId === undefined });
  }

  /**
   * The periodic look at unfinished runs, so nothing waits for an event that may never come: retries
   * whose backoff is over are dispatched, silent waves are timed out, interrupted finishes are redone.
   * `scopeFor` gives a run's Scm and config (null skips it, e.g. for a broken config).
   */
  async sweep(scopeFor: (run: Run) => Promise<RunScope | null>, now: Date = this.now()): Promise<Run[]> {
    const active = await this.deps.store.listRuns({ states: ['running', 'integrating'], limit: 500 });
    const moved: Run[] = [];
    for (const run of active.filter((r) => needsSweep(r, now, FINISH_STALE_MS))) {
      try {
        const scope = await scopeFor(run);
        if (!scope) continue;
        const resumed = await this.resume(scope, run, now);
        if (resumed !== run) moved.push(resumed);
      } catch (error) {
        this.deps.log.warn({ runId: run.id, err: error }, 'sweep could not move a run on');
      }
    }
    return moved;
  }

  private async resume(scope: RunScope, run: Run, now: Date): Promise<Run> {
    if (run.state === 'running') return this.advance(scope, run, [], now);
    if (run.state === 'integrating' && now.getTime() - Date.parse(run.updatedAt) >= FINISH_STALE_MS) {
      return this.finish(scope, run);
    }
    return run;
  }

  private async dispatch(scope: RunScope, run: Run): Promise<Run> {
    let events: RunEvent[];
    try {
      events = await this.deps.dispatcher.dispatch(run, scope);
    } catch (error) {
      const reason =
        error instanceof DispatchError
          ? error.message
          : `Could not start the agents: ${error instanceof Error ? error.message : String(error)}`;
      const latest = (await this.deps.store.getRun(run.id)) ?? run;
      return this.transition(scope, latest, { type: 'failed', reason });
    }
    return events.length > 0 ? this.transition(scope, run, events) : run;
  }

  /**
   * A wave's workflow run finished: record each task's outcome from its job, skip what can no longer
   * run, then dispatch the next wave or end the run.
   */
  async workflowCompleted(scope: RunScope, run: Run, workflowRunId: number): Promise<Run> {
    const jobs = await scope.scm.listWorkflowJobs(run.repo, workflowRunId);
    const now = this.now();
    return this.advance(scope, run, waveOutcomeEvents(run, workflowRunId, jobs, now.toISOString()), now);
  }

  /**
   * Records `events` together with what they call for — timeouts of silent waves, retries of failed
   * tasks — in one save, then moves the run on: dispatch what is due, finish, fail, or wait.
   */
  private async advance(scope: RunScope, run: Run, events: RunEvent[] = [], now = this.now()): Promise<Run> {
    const policy = recoveryPolicy(scope.config);
    const reported = applyRunEvents(run, events, now);
    const timeouts = timeoutEvents(reported, policy, now);
    const retries = retryEvents(applyRunEvents(reported, timeouts, now), policy, now);
    const all = [...events, ...timeouts, ...retries];
    const recorded = all.length > 0 ? await this.transition(scope, run, all) : run;
    const next = nextStep(recorded, now);
    switch (next.kind) {
      case 'wait':
        return recorded;
      case 'dispatch':
        return this.dispatch(scope, recorded);
      case 'succeed':
        return this.finish(scope, recorded);
      case 'fail':
        return this.transition(scope, recorded, { type: 'failed', reason: next.reason });
    }
  }

  /** Opens or updates the run's pull request and ends the run (see finish-run.ts). */
  private async finish(scope: RunScope, run: Run): Promise<Run> {
    const integrating =
      run.state === 'integrating' ? run : await this.transition(scope, run, { type: 'integrating' });
    if (integrating.state !== 'integrating') return integrating;
    let events: RunEvent[];
    try {
      events = await finishRun(
        {
          integrations: observedIntegrations(
            this.deps.integrations ?? stateBranchIntegrations(scope.scm),
            this.deps.observer,
          ),
          reviewer: this.deps.reviewer,
          log: childLog(scope.log ?? this.deps.log, { runId: run.id }),
        },
        scope,
        integrating,
      );
    } catch (error) {
      if (isTransient(error)) {
        // GitHub is down or rate-limiting: the run stays integrating and the sweep finishes it later.
        this.deps.log.warn({ runId: run.id, err: error }, 'finishing will be tried again');
        return integrating;
      }
      const reason = `Could not open the pull request: ${error instanceof Error ? error.message : String(error)}`;
      events = [{ type: 'failed', reason }];
    }
    return this.transition(scope, integrating, events);
  }

  /**
   * Applies events in order, saves once, and re-renders the comment. An event that does not apply
   * is skipped (logged), so a redelivered report changes nothing. When another writer saved first,
   * the events are applied again to what they saved; if none applies any more (say the run was
   * cancelled meanwhile), their state stands.
   */
  async transition(scope: RunScope, run: Run, events: RunEvent | RunEvent[]): Promise<Run> {
    const list = Array.isArray(events) ? events : [events];
    let current = run;
    for (let attempt = 0; attempt < 5; attempt++) {
      let next = current;
      for (const event of list) {
        const result = applyRunEvent(next, event, this.now());
        if (result.ok) next = result.run;
        else this.deps.log.info({ runId: run.id, event: event.type, why: result.error }, 'event skipped');
      }
      if (next === current) return current;
      try {
        const saved = await this.deps.store.saveRun(next);
        this.deps.observer?.runChanged({
          before: current,
          after: saved,
          config: scope.config,
          log: scope.log,
        });
        return await this.comments.publish(scope, saved);
      } catch (error) {
        if (!(error instanceof StaleRunError)) throw error;
        const latest = await this.deps.store.getRun(run.id);
        if (!latest) throw error;
        current = latest;
      }
    }
    const types = list.map((e) => e.type).join(', ');
    throw new Error(`run ${run.id} kept changing under us; gave up applying ${types}`);
  }
}
