/** Planner: turns a run's spec into a plan. The LLM planner is built in the planning issue. */
import type { AgentRole, PlanSummary, Run } from '../runs/run.js';
import type { AutodevConfig } from '../config/config-schema.js';

export interface PlannedTask {
  id: string;
  title: string;
  role: AgentRole;
  dependsOn: string[];
}

export interface Plan extends PlanSummary {
  tasks: PlannedTask[];
  tokens?: number;
  costUsd?: number;
}

export interface PlanRequest {
  run: Run;
  config: AutodevConfig;
  /** Feedback from `/plan …`, when re-planning. */
  feedback?: string;
}

export interface Planner {
  plan(request: PlanRequest): Promise<Plan>;
}

/** Raised by a planner for a failure the user must act on; its message is shown in the comment. */
export class PlanningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlanningError';
  }
}
