/**
 * The agent's slice of the plan for a local task, built from the Run the way an Actions job builds it
 * from the published plan file (task-from-plan.ts): the task's brief when the planner wrote one, the
 * run's goal and context, and what the tasks it depends on reported.
 */
import type { AgentTask } from '../agents/agent-backend.js';
import type { Run, Task } from '../runs/run.js';

export function localAgentTask(run: Run, task: Task, reports: ReadonlyMap<string, string>): AgentTask {
  const plan = run.plan;
  const brief = plan?.briefs?.[task.id];
  const context = [plan?.why, plan?.what, plan?.context].filter((part) => part?.trim()).join('\n\n');
  const dependencyReports = task.dependsOn
    .map((id) => (reports.has(id) ? `${id}: ${reports.get(id)}` : undefined))
    .filter((report): report is string => report !== undefined);
  return {
    runId: run.id,
    taskId: task.id,
    // Local runs belong to no issue; 0 never names a real one.
    issueNumber: run.issueNumber,
    repository: `${run.repo.owner}/${run.repo.repo}`,
    title: task.title,
    role: task.role,
    description: brief?.description || task.title,
    acceptance: brief?.acceptance ?? [],
    files: brief?.files ?? [],
    goal: plan?.goal || run.trigger.spec,
    ...(context ? { context } : {}),
    validationGates: plan?.validationGates ?? [],
    ...(plan?.acceptanceCriteria ? { featureAcceptance: plan.acceptanceCriteria } : {}),
    ...(plan?.strategy ? { strategy: plan.strategy } : {}),
    ...(dependencyReports.length > 0 ? { dependencyReports } : {}),
  };
}
