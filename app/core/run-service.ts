/**
 * The life of a run: create it once per delivery, keep its one progress comment current, plan it,
 * wait for approval, hand it to the dispatcher, and end it with a reason. Every change goes through
 * the pure transitions and is saved with an optimistic lock, so two writers never interleave.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import { findRunIdInComment, renderProgress } from '../progress/render-progress.js';
import { type Plan, type Planner, PlanningError } from '../planner/planner.js';
import { FINAL_RUN_STATES, type RepoRef, type Run, type RunTrigger } from '../runs/run.js';
import { applyRunEvent, newRun, newRunId, type RunEvent } from '../runs/transitions.js';
import type { Scm } from '../scm/scm.js';
import { StaleRunError, type Store } from '../store/store.js';
import { DispatchError, type Dispatcher } from './dispatcher.js';
import { nextStep, waveOutcomeEvents } from '../dispatch/wave-outcome.js';
import type { Log } from './logger.js';

export interface RunServiceDeps {
  store: Store;
  planner: Planner;
  dispatcher: Dispatcher;
  /** The app's own login: only its comments can be the progress comment. */
  botLogin(): Promise<string>;
  log: Log;
  now?: () => Date;
}

/** What a run needs from the event that touches it. */
export interface RunScope {
  scm: Scm;
  config: AutodevConfig;
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

  constructor(private readonly deps: RunServiceDeps) {
    this.now = deps.now ?? (() => new Date());
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
      let run = await this.publish(scope, stored, { searchExisting: !created });
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
    return retried.state === 'running' ? this.dispatch(scope, retried) : retried;
  }

  /** Re-renders the progress comment from stored state (`/status`). */
  async refresh(scope: RunScope, run: Run): Promise<Run> {
    return this.publish(scope, run, { searchExisting: run.commentId === undefined });
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
    const recorded = await this.transition(
      scope,
      run,
      waveOutcomeEvents(run, workflowRunId, jobs, this.now().toISOString()),
    );
    const next = nextStep(recorded);
    switch (next.kind) {
      case 'wait':
        return recorded;
      case 'dispatch':
        return this.dispatch(scope, recorded);
      case 'succeed':
        return this.transition(scope, recorded, [{ type: 'integrating' }, { type: 'succeeded' }]);
      case 'fail':
        return this.transition(scope, recorded, { type: 'failed', reason: next.reason });
    }
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
        return await this.publish(scope, saved);
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

  /** Creates the run's progress comment once, then edits it in place. */
  private async publish(scope: RunScope, run: Run, options: { searchExisting?: boolean } = {}): Promise<Run> {
    if (run.commentId !== undefined) {
      // Render the newest stored version, so a slower writer never paints over a newer state.
      const latest = await this.deps.store.getRun(run.id);
      const shown = latest && latest.version > run.version ? latest : run;
      await scope.scm.updateComment(run.repo, run.commentId, renderProgress(shown, { now: this.now() }));
      return shown;
    }
    const body = renderProgress(run, { now: this.now() });
    // After a crash between creating the comment and saving its id, find it by its hidden marker.
    let commentId: number | undefined;
    if (options.searchExisting) {
      // Anyone can type a marker; only the bot's own comment counts.
      const bot = (await this.deps.botLogin()).toLowerCase();
      const comments = await scope.scm.listComments(run.repo, run.issueNumber);
      commentId = comments.find(
        (c) => c.author.toLowerCase() === bot && findRunIdInComment(c.body) === run.id,
      )?.id;
      if (commentId !== undefined) await scope.scm.updateComment(run.repo, commentId, body);
    }
    commentId ??= (await scope.scm.createComment(run.repo, run.issueNumber, body)).id;
    return this.saveCommentId(run, commentId);
  }

  private async saveCommentId(run: Run, commentId: number): Promise<Run> {
    let current = run;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.deps.store.saveRun({ ...current, commentId });
      } catch (error) {
        if (!(error instanceof StaleRunError)) throw error;
        const latest = await this.deps.store.getRun(run.id);
        if (!latest) throw error;
        if (latest.commentId !== undefined) return latest;
        current = latest;
      }
    }
    throw new Error(`could not record the progress comment of run ${run.id}`);
  }
}
