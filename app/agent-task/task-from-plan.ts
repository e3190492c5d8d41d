/**
 * An agent job's task, read from the plan file the control plane published (`planDocument` in
 * app/dispatch/actions-dispatcher.ts). The file comes from the state branch, which anyone with write
 * access can edit, so it is checked rather than trusted, and every problem names what to fix.
 */
import { z } from 'zod';
import type { AgentTask } from '../agents/agent-backend.js';
import { parseJobId } from '../dispatch/job-names.js';
import { AGENT_ROLES } from '../runs/run.js';

const brief = z.object({
  description: z.string().default(''),
  files: z.array(z.string()).default([]),
  acceptance: z.array(z.string()).default([]),
});

const planFile = z.object({
  run: z.string().min(1),
  repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must look like owner/name'),
  issue: z.number().int().positive(),
  spec: z.string().default(''),
  plan: z
    .object({
      goal: z.string().default(''),
      context: z.string().optional(),
      why: z.string().optional(),
      what: z.string().optional(),
      acceptanceCriteria: z.array(z.string()).optional(),
      validationGates: z.array(z.string()).optional(),
      briefs: z.record(z.string(), brief).optional(),
    })
    .nullable()
    .default(null),
  tasks: z.array(
    z.object({
      id: z.string().min(1),
      title: z.string(),
      role: z.enum(AGENT_ROLES),
      dependsOn: z.array(z.string()).default([]),
      /** Set when the control plane reassigned the task to another backend after its retries. */
      backend: z.string().min(1).optional(),
      /** Best-of-N: this many candidate jobs (`<task>.c1` …) attempt the task in competition. */
      candidates: z.int().min(2).max(256).optional(),
    }),
  ),
});

export type PlanFile = z.infer<typeof planFile>;

export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFileError';
  }
}

export function parsePlanFile(text: string, where = 'the plan file'): PlanFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(
      `${where} is not JSON (${String(error)}); it should be the plan autodev published`,
    );
  }
  const parsed = planFile.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join('.') || '(top level)';
    throw new PlanFileError(`${where} is not an autodev plan: \`${path}\` ${first?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** The slice of the plan one agent needs; `runId` must match the plan's so a stale file is caught. */
export function agentTaskFromPlan(plan: PlanFile, runId: string, jobId: string): AgentTask {
  if (plan.run !== runId) {
    throw new PlanFileError(`the plan file is for run ${plan.run}, but this job runs for run ${runId}`);
  }
  // A best-of-N candidate (`<task>.c<n>`) does its task's work under its own id: its own branch,
  // check run and result, so the candidates never collide.
  const { taskId, candidate } = parseJobId(jobId);
  const task = plan.tasks.find((entry) => entry.id === (candidate ? taskId : jobId));
  if (!task) {
    const known = plan.tasks.map((entry) => entry.id).join(', ') || 'none';
    throw new PlanFileError(`run ${runId} has no task \`${jobId}\` (its tasks: ${known})`);
  }
  if (candidate !== undefined && candidate > (task.candidates ?? 0)) {
    throw new PlanFileError(
      task.candidates
        ? `task \`${taskId}\` of run ${runId} has ${task.candidates} candidates; there is no candidate ${candidate}`
        : `task \`${taskId}\` of run ${runId} runs once, not as competing candidates; use the job id \`${taskId}\``,
    );
  }
  const summary = plan.plan;
  const details = summary?.briefs?.[task.id];
  const context = [summary?.why, summary?.what, summary?.context]
    .filter((part) => part && part.trim())
    .join('\n\n');
  return {
    runId,
    taskId: jobId,
    issueNumber: plan.issue,
    repository: plan.repository,
    title: task.title,
    role: task.role,
    description: details?.description || task.title,
    acceptance: details?.acceptance ?? [],
    files: details?.files ?? [],
    goal: summary?.goal || plan.spec,
    ...(context ? { context } : {}),
    validationGates: summary?.validationGates ?? [],
  };
}
