/** Rows of the control-plane tables, as to_jsonb renders them, and their mapping to domain objects. */
import type { PlanSummary, Run, RunPullRequest, RunState, RunTrigger, Task, Wave } from '../runs/run.js';
import type { Delivery, DeliveryStatus } from './store.js';

export interface RunJson {
  id: string;
  repo_owner: string;
  repo_name: string;
  issue_number: number;
  delivery_id: string;
  trigger: RunTrigger;
  state: RunState;
  reason: string | null;
  plan: PlanSummary | null;
  waves: Wave[] | null;
  /** Absent before the finish migration ran; null when the run has no pull request. */
  pull_request?: RunPullRequest | null;
  comment_id: number | null;
  tokens: number;
  cost_usd: number;
  version: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface TaskJson {
  id: string;
  title: string;
  role: Task['role'];
  depends_on: string[];
  state: Task['state'];
  agent: string | null;
  backend: string | null;
  started_at: string | null;
  finished_at: string | null;
  links: Task['links'];
  tokens: number;
  cost_usd: number;
  reason: string | null;
  retries?: number | null;
  not_before?: string | null;
  reassigned_to?: string | null;
}

export interface DeliveryJson {
  id: string;
  event: string;
  action: string | null;
  repo: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  received_at: string;
}

function toIso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function toRun(r: RunJson, tasks: TaskJson[]): Run {
  const run: Run = {
    id: r.id,
    repo: { owner: r.repo_owner, repo: r.repo_name },
    issueNumber: r.issue_number,
    deliveryId: r.delivery_id,
    trigger: r.trigger,
    state: r.state,
    tasks: tasks.map(toTask),
    tokens: Number(r.tokens),
    costUsd: Number(r.cost_usd),
    version: Number(r.version),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
  if (r.reason !== null) run.reason = r.reason;
  if (r.plan !== null) run.plan = r.plan;
  if (r.waves && r.waves.length > 0) run.waves = r.waves;
  if (r.comment_id !== null) run.commentId = Number(r.comment_id);
  if (r.pull_request) run.pullRequest = r.pull_request;
  if (r.finished_at !== null) run.finishedAt = toIso(r.finished_at);
  return run;
}

function toTask(t: TaskJson): Task {
  const task: Task = {
    id: t.id,
    title: t.title,
    role: t.role,
    dependsOn: t.depends_on,
    state: t.state,
    links: t.links,
    tokens: Number(t.tokens),
    costUsd: Number(t.cost_usd),
  };
  if (t.agent !== null) task.agent = t.agent;
  if (t.backend !== null) task.backend = t.backend;
  if (t.started_at !== null) task.startedAt = toIso(t.started_at);
  if (t.finished_at !== null) task.finishedAt = toIso(t.finished_at);
  if (t.reason !== null) task.reason = t.reason;
  if (t.retries) task.retries = Number(t.retries);
  if (t.not_before) task.notBefore = toIso(t.not_before);
  if (t.reassigned_to) task.reassignedTo = t.reassigned_to;
  return task;
}

export function toDelivery(d: DeliveryJson): Delivery {
  const delivery: Delivery = {
    id: d.id,
    event: d.event,
    repo: d.repo,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    receivedAt: toIso(d.received_at),
  };
  if (d.action !== null) delivery.action = d.action;
  if (d.error !== null) delivery.error = d.error;
  return delivery;
}
