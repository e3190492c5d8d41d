/**
 * The memory tables' rows as Postgres returns them (snake_case, bigint ids) — through SQL or through
 * PostgREST — and their mapping to the MemoryStore's objects. One mapping for every backend.
 */
import type { AuditEvent, MemoryKind, Outcome, StoredMemory } from './memory-store.js';

export interface MemoryRow {
  id: number;
  repo: string;
  kind: MemoryKind;
  content: string;
  metadata: Record<string, unknown> | null;
  created_at: string;
  similarity?: number;
}

export interface OutcomeRow {
  id: number;
  repo: string;
  run_id: string;
  task_id: string | null;
  scope: Outcome['scope'];
  task_kind: string;
  success: boolean;
  failure_class: string | null;
  backend: string | null;
  model: string | null;
  strategy: string | null;
  duration_ms: number;
  tokens: number;
  cost_usd: number;
  at: string;
}

export interface ArmRow {
  arm: string;
  successes: number;
  failures: number;
  mean_duration_ms: number;
}

export interface AuditRow {
  seq: number;
  repo: string;
  run_id: string | null;
  actor: string;
  action: string;
  detail: Record<string, unknown> | null;
  at: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

function toIso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function toMemory(row: MemoryRow): StoredMemory {
  return {
    id: String(row.id),
    repo: row.repo,
    kind: row.kind,
    content: row.content,
    metadata: row.metadata ?? {},
    createdAt: toIso(row.created_at),
  };
}

export function toOutcome(row: OutcomeRow): Outcome {
  return {
    id: String(row.id),
    repo: row.repo,
    runId: row.run_id,
    taskId: row.task_id,
    scope: row.scope,
    taskKind: row.task_kind,
    success: row.success,
    failureClass: row.failure_class,
    backend: row.backend,
    model: row.model,
    strategy: row.strategy,
    durationMs: Number(row.duration_ms),
    tokens: Number(row.tokens),
    costUsd: Number(row.cost_usd),
    at: toIso(row.at),
  };
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    repo: row.repo,
    runId: row.run_id,
    actor: row.actor,
    action: row.action,
    detail: row.detail ?? {},
    at: toIso(row.at),
    payload: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
