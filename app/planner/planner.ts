/** Planner: turns a run's spec into a plan. The LLM planner lives in app/planning/llm-planner.ts. */
import type { AgentRole, PlanSummary, Run, TaskBrief } from '../runs/run.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { Scm } from '../scm/scm.js';

/** A task as planned. The brief fields are filled by PRP planners; simpler planners leave them out. */
export interface PlannedTask extends Partial<TaskBrief> {
  id: string;
  title: string;
  role: AgentRole;
  dependsOn: string[];
}

/** The plan with its tasks; per-task briefs live on the tasks rather than in `briefs`. */
export interface Plan extends Omit<PlanSummary, 'briefs'> {
  tasks: PlannedTask[];
  tokens?: number;
  costUsd?: number;
}

export interface PlanRequest {
  run: Run;
  config: AutodevConfig;
  /** Feedback from `/plan …`, when re-planning. */
  feedback?: string;
  /** The plan the feedback is about (re-planning clears it from the run, so the caller passes it on). */
  previousPlan?: Plan;
  /** Reads the repository's prompt overrides (.github/autodev/prompts/). */
  scm?: Pick<Scm, 'readFile'>;
}

export interface Planner {
  plan(request: PlanRequest): Promise<Plan>;
}

/** Raised by a planner for a failure the user must act on; its message is shown in the comment. */
export class PlanningError extends Error {
  /** Spent on model calls before planning failed, so the run can still account for it. */
  readonly tokens: number;
  readonly costUsd: number;

  constructor(message: string, options?: { cause?: unknown; tokens?: number; costUsd?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlanningError';
    this.tokens = options?.tokens ?? 0;
    this.costUsd = options?.costUsd ?? 0;
  }
}

const SUMMARY_KEYS = [
  'strategy',
  'why',
  'what',
  'context',
  'acceptanceCriteria',
  'validationGates',
  'pattern',
  'waveCount',
  'criticalPathMinutes',
  'notes',
  'learned',
] as const satisfies readonly (keyof PlanSummary)[];

/**
 * What the run keeps of a plan: the PRP summary, and each task's brief by id (the task rows keep only
 * the checklist fields). Keys a planner did not fill are left out rather than stored as null.
 */
export function toPlanSummary(plan: Plan): PlanSummary {
  const summary: PlanSummary = { goal: plan.goal };
  for (const key of SUMMARY_KEYS) {
    if (plan[key] !== undefined) Object.assign(summary, { [key]: structuredClone(plan[key]) });
  }
  // fromEntries defines own keys, so even a task named "__proto__" cannot reach the prototype.
  const briefs = Object.fromEntries(
    plan.tasks.flatMap((task): [string, TaskBrief][] =>
      // A task run as competing candidates needs its brief even without a description: it says how many.
      task.description === undefined && (task.candidates ?? 1) <= 1
        ? []
        : [
            [
              task.id,
              {
                description: task.description ?? '',
                files: [...(task.files ?? [])],
                acceptance: [...(task.acceptance ?? [])],
                estimateMinutes: task.estimateMinutes ?? 0,
                candidates: task.candidates ?? 1,
              },
            ],
          ],
    ),
  );
  if (Object.keys(briefs).length > 0) summary.briefs = briefs;
  return summary;
}
