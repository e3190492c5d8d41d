/**
 * Dispatches a run's ready tasks to GitHub Actions as one matrix job per task: the agents workflow
 * (`dispatch.workflow` in the config) gets the run id, the wave number and the task ids. Task details
 * are not inlined — dispatch inputs are capped at 25 keys and 65,535 characters — the jobs read the
 * plan by run id from the state branch. Past GitHub's 256-job matrix limit a wave is split over
 * several workflow runs.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import { DispatchError, type DispatchContext, type Dispatcher } from '../core/dispatcher.js';
import type { Run, RepoRef, Task } from '../runs/run.js';
import type { RunEvent } from '../runs/transitions.js';
import { type Scm, ScmError } from '../scm/scm.js';
import { STATE_BRANCH, STATE_ROOT } from '../store/state-branch-files.js';
import { jobIdsOf } from './job-names.js';
import { readyTasks } from './wave-outcome.js';

export const MATRIX_LIMIT = 256;
const INPUTS_LIMIT = 65_535;

/** Beside the rest of autodev's state on the state branch (see state-branch-files.ts). */
export function planPath(runId: string): string {
  return `${STATE_ROOT}/plans/${runId}.json`;
}

export function dispatchInputs(
  run: Run,
  wave: number,
  taskIds: string[],
  config: AutodevConfig,
): Record<string, string> {
  const inputs = {
    run_id: run.id,
    wave: String(wave),
    tasks: JSON.stringify(taskIds),
    issue: String(run.issueNumber),
    state_branch: STATE_BRANCH,
    plan_path: planPath(run.id),
    max_parallel: String(Math.min(config.maxParallelAgents, MATRIX_LIMIT)),
  };
  const size = Object.entries(inputs).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > INPUTS_LIMIT) {
    throw new DispatchError(
      `The dispatch inputs for wave ${wave} are ${size} characters; GitHub accepts ${INPUTS_LIMIT}.`,
    );
  }
  return inputs;
}

/** What an agent job needs to know about its task, read from the state branch by run id. */
export function planDocument(run: Run, chosen: ReadonlyMap<string, string> = new Map()): object {
  return {
    run: run.id,
    repository: `${run.repo.owner}/${run.repo.repo}`,
    issue: run.issueNumber,
    spec: run.trigger.spec,
    plan: run.plan ?? null,
    tasks: run.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      role: t.role,
      dependsOn: t.dependsOn,
      // A task reassigned after its retries, or given a backend by the bandit, names the backend its job must use.
      ...(t.reassignedTo
        ? { backend: t.reassignedTo }
        : chosen.has(t.id)
          ? { backend: chosen.get(t.id) }
          : {}),
      ...(candidatesOf(run, t) > 1 ? { candidates: candidatesOf(run, t) } : {}),
    })),
  };
}

async function publishPlan(
  scm: Scm,
  run: Run,
  base: string,
  chosen: ReadonlyMap<string, string>,
): Promise<void> {
  await scm.ensureBranch(run.repo, STATE_BRANCH, base);
  const text = `${JSON.stringify(planDocument(run, chosen), null, 2)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await scm.readFileWithSha(run.repo, planPath(run.id), STATE_BRANCH);
    if (current?.text === text) return;
    try {
      await scm.writeFile(run.repo, {
        branch: STATE_BRANCH,
        path: planPath(run.id),
        text,
        message: `autodev: plan of run ${run.id} (#${run.issueNumber})`,
        expectedSha: current?.sha ?? null,
      });
      return;
    } catch (error) {
      if (!(error instanceof ScmError && error.kind === 'conflict')) throw error;
    }
  }
  throw new DispatchError(`The plan file ${planPath(run.id)} on ${STATE_BRANCH} kept changing; try /retry.`);
}

/**
 * Best-of-N candidates the plan gave the task. A task reassigned after its retries runs once: the
 * competition already had its chance, and the reassigned backend is the one that must try now.
 */
export function candidatesOf(run: Run, task: Task): number {
  if (task.reassignedTo) return 1;
  return Math.max(1, run.plan?.briefs?.[task.id]?.candidates ?? 1);
}

/**
 * Groups of tasks of at most `limit` matrix jobs each. A task's candidates stay in one group: the
 * integrate job of their workflow run judges them together.
 */
export function chunkByJobs(run: Run, tasks: Task[], limit = MATRIX_LIMIT): Task[][] {
  const groups: Task[][] = [];
  let current: Task[] = [];
  let jobs = 0;
  for (const task of tasks) {
    const size = Math.min(candidatesOf(run, task), limit);
    if (jobs + size > limit && current.length > 0) {
      groups.push(current);
      current = [];
      jobs = 0;
    }
    current.push(task);
    jobs += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function backendOf(config: AutodevConfig, run: Run, task: Task): string {
  if (task.reassignedTo) return task.reassignedTo;
  const choice = config.models[task.role] ?? config.models.default;
  const usual = `${choice.provider}/${choice.model}`;
  const n = candidatesOf(run, task);
  if (n <= 1) return usual;
  const { contenders } = config.competition;
  const names = Array.from({ length: n }, (_, i) => {
    const contender = contenders.length > 0 ? contenders[i % contenders.length] : undefined;
    if (!contender) return usual;
    return contender.model
      ? `${contender.backend} ${contender.model.provider}/${contender.model.model}`
      : contender.backend;
  });
  return `best of ${n}: ${names.join(', ')}`;
}

function whyNotDispatched(error: unknown, workflow: string, ref: string, repo: RepoRef): DispatchError {
  if (error instanceof ScmError && error.kind === 'not-found') {
    return new DispatchError(
      `The agents workflow \`.github/workflows/${workflow}\` was not found on \`${ref}\` in ${repo.owner}/${repo.repo}. ` +
        'Add it (see the README, "Dispatch to GitHub Actions"), or set `dispatch.workflow` in .github/autodev.yml.',
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DispatchError(`GitHub did not start the agents workflow: ${message}`, { cause: error });
}

/** Picks a task's backend among `candidates` from what worked before (app/learning/choose-backend.ts). */
export type BackendChooser = (request: {
  repo: string;
  taskKind: string;
  candidates: readonly string[];
}) => Promise<{ backend: string; reason: string }>;

export interface ActionsDispatcherOptions {
  now?: () => Date;
  /** With config `learning.backends` naming two or more, each task's backend is chosen by this. */
  chooseBackend?: BackendChooser;
  log?: Log;
}

export class ActionsDispatcher implements Dispatcher {
  constructor(private readonly options: ActionsDispatcherOptions = {}) {}

  async dispatch(run: Run, { scm, config }: DispatchContext): Promise<RunEvent[]> {
    // Retried tasks wait out their backoff: only what is due at this moment goes out.
    const ready = readyTasks(run, this.options.now?.() ?? new Date());
    if (ready.length === 0) return [];
    const base = await scm.defaultBranch(run.repo);
    const ref = config.dispatch.ref ?? base;
    const chosen = await this.chooseBackends(run, ready, config);
    await publishPlan(scm, run, base, chosen);

    const number = (run.waves?.length ?? 0) + 1;
    const workflowRuns: { id: number; url: string; taskIds: string[] }[] = [];
    for (const group of chunkByJobs(run, ready)) {
      const taskIds = group.map((t) => t.id);
      // The matrix: one job per task, or one per candidate of a best-of-N task.
      const jobIds = group.flatMap((t) => jobIdsOf(t.id, candidatesOf(run, t)));
      try {
        const started = await scm.dispatchWorkflow(
          run.repo,
          config.dispatch.workflow,
          ref,
          dispatchInputs(run, number, jobIds, config),
        );
        workflowRuns.push({ id: started.runId, url: started.url, taskIds });
      } catch (error) {
        if (error instanceof DispatchError) throw error;
        throw whyNotDispatched(error, config.dispatch.workflow, ref, run.repo);
      }
    }

    const at = (this.options.now?.() ?? new Date()).toISOString();
    const perRole = new Map<string, number>();
    const events: RunEvent[] = [
      {
        type: 'wave-dispatched',
        wave: { number, taskIds: ready.map((t) => t.id), workflowRuns, dispatchedAt: at },
      },
    ];
    for (const task of ready) {
      const n = (perRole.get(task.role) ?? 0) + 1;
      perRole.set(task.role, n);
      const url = workflowRuns.find((r) => r.taskIds.includes(task.id))?.url;
      events.push({
        type: 'task-started',
        taskId: task.id,
        agent: `${task.role}-${n}`,
        backend: chosen.get(task.id) ?? backendOf(config, run, task),
        at,
        ...(url ? { links: { jobLog: url } } : {}),
      });
    }
    return events;
  }

  /**
   * The bandit's pick per task, for tasks that run once on their usual backend. A choice that fails
   * (memory unreachable) leaves the task on its usual backend: learning must never stop a run.
   */
  private async chooseBackends(run: Run, ready: Task[], config: AutodevConfig): Promise<Map<string, string>> {
    const chosen = new Map<string, string>();
    const candidates = config.learning.backends;
    const choose = this.options.chooseBackend;
    if (!choose || candidates.length < 2) return chosen;
    for (const task of ready) {
      if (task.reassignedTo || candidatesOf(run, task) > 1) continue;
      try {
        const choice = await choose({
          repo: `${run.repo.owner}/${run.repo.repo}`,
          taskKind: task.role,
          candidates,
        });
        chosen.set(task.id, choice.backend);
        this.options.log?.info({ runId: run.id, taskId: task.id, backend: choice.backend }, choice.reason);
      } catch (error) {
        this.options.log?.warn({ runId: run.id, taskId: task.id, err: String(error) }, 'no backend choice');
      }
    }
    return chosen;
  }
}
