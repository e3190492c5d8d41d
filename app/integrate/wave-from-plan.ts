/**
 * The integration job's view of the plan file (the same `planDocument` the agent jobs read): which
 * tasks the wave holds, each as an IntegrationTask on its branch, and the feature they belong to. Pure.
 */
import type { PlanFile } from '../agent-task/task-from-plan.js';
import { PlanFileError } from '../agent-task/task-from-plan.js';
import { computeWaves } from '../planning/task-graph.js';
import { jobIdsOf, parseJobId } from '../dispatch/job-names.js';
import { taskBranchName } from '../workspace/git-worktrees.js';
import type { IntegrationPlan, IntegrationTask } from './integrate-wave.js';

/**
 * The wave's tasks, in plan order. `taskIds` are the ids the wave was dispatched with (the workflow's
 * `tasks` input) and are exact; without them the wave is the plan's `wave`-th topological level, which
 * matches the dispatch as long as no task was retried or failed.
 */
export function waveTasks(
  plan: PlanFile,
  runId: string,
  wave: number,
  taskIds?: readonly string[],
): IntegrationTask[] {
  if (plan.run !== runId) {
    throw new PlanFileError(`the plan file is for run ${plan.run}, but this job integrates run ${runId}`);
  }
  let tasks: PlanFile['tasks'];
  if (taskIds && taskIds.length > 0) {
    // The workflow's `tasks` input lists matrix jobs: a best-of-N task once per candidate.
    const ids = [...new Set(taskIds.map((id) => parseJobId(id).taskId))];
    const unknown = ids.filter((id) => !plan.tasks.some((task) => task.id === id));
    if (unknown.length > 0) {
      const known = plan.tasks.map((task) => task.id).join(', ') || 'none';
      throw new PlanFileError(
        `run ${runId} has no task ${unknown.map((id) => `\`${id}\``).join(', ')} (its tasks: ${known})`,
      );
    }
    tasks = plan.tasks.filter((task) => ids.includes(task.id));
  } else {
    const waves = computeWaves(plan.tasks);
    const level = waves[wave - 1];
    if (!Number.isInteger(wave) || level === undefined) {
      throw new PlanFileError(`run ${runId} has ${waves.length} wave(s); there is no wave ${wave}`);
    }
    tasks = level;
  }
  return tasks.map((task) => {
    const brief = plan.plan?.briefs?.[task.id];
    return {
      taskId: task.id,
      title: task.title,
      description: brief?.description || task.title,
      acceptance: brief?.acceptance ?? [],
      branch: taskBranchName(runId, task.id),
      dependsOn: task.dependsOn,
      ...(task.candidates && task.candidates > 1
        ? {
            candidates: jobIdsOf(task.id, task.candidates).map((candidateId) => ({
              candidateId,
              branch: taskBranchName(runId, candidateId),
            })),
          }
        : {}),
    };
  });
}

/** The feature as the integrator's prompt states it; the same fields agentTaskFromPlan gives agents. */
export function integrationPlan(plan: PlanFile): IntegrationPlan {
  const summary = plan.plan;
  const context = [summary?.why, summary?.what, summary?.context]
    .filter((part) => part && part.trim())
    .join('\n\n');
  return {
    issueNumber: plan.issue,
    repository: plan.repository,
    goal: summary?.goal || plan.spec,
    ...(context ? { context } : {}),
    acceptance: summary?.acceptanceCriteria ?? [],
  };
}
