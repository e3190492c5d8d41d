/**
 * Checks and normalisation shared by the MemoryStore backends, so every backend refuses the same bad
 * input with the same message before anything reaches the database.
 */
import pgvector from 'pgvector';
import { canonicalAuditPayload, type AuditFields } from './audit-chain.js';
import {
  EmbeddingMismatchError,
  MEMORY_KINDS,
  type AuditEventInput,
  type EmbeddingSettings,
  type MemoryInput,
  type MemoryKind,
  type OutcomeInput,
} from './memory-store.js';

/** The dimension of autodev_memories.embedding (vector(384) in supabase/migrations/*_memory.sql). */
export const MEMORY_DIMENSION = 384;

/** Input a store refuses; the message says what to change. */
export class MemoryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryInputError';
  }
}

export function checkEmbeddingSettings(settings: EmbeddingSettings): void {
  if (!settings.model.trim())
    throw new MemoryInputError('the embedding model needs a name, e.g. "hashed-ngram-v1"');
  if (settings.dimension !== MEMORY_DIMENSION) {
    throw new MemoryInputError(
      `the memory table holds ${MEMORY_DIMENSION}-dimensional vectors, but ${settings.model} gives ` +
        `${settings.dimension}: configure an embedder of ${MEMORY_DIMENSION} dimensions (the offline "hashed" ` +
        `one, or OpenAI text-embedding-3-* which is asked for ${MEMORY_DIMENSION})`,
    );
  }
}

/** The vector as pgvector's text form, "[0.1,0.2,…]", after checking its size and values. */
export function vectorLiteral(embedding: readonly number[], what = 'the embedding'): string {
  if (embedding.length !== MEMORY_DIMENSION) {
    throw new MemoryInputError(
      `${what} has ${embedding.length} dimensions; the memory store takes ${MEMORY_DIMENSION}`,
    );
  }
  if (!embedding.every(Number.isFinite))
    throw new MemoryInputError(`${what} holds a value that is not a finite number`);
  return pgvector.toSql([...embedding]) as string;
}

export function checkKinds(kinds: readonly string[] | undefined): MemoryKind[] {
  const known = new Set<string>(MEMORY_KINDS);
  for (const kind of kinds ?? []) {
    if (!known.has(kind)) {
      throw new MemoryInputError(`"${kind}" is not a memory kind; use one of ${MEMORY_KINDS.join(', ')}`);
    }
  }
  return [...(kinds ?? [])] as MemoryKind[];
}

export function checkRepo(repo: string): string {
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) {
    throw new MemoryInputError(`"${repo}" is not a repository; give it as owner/name`);
  }
  return repo;
}

export function checkMemoryInput(input: MemoryInput, index = 0): void {
  const what = `memory ${index + 1}`;
  checkRepo(input.repo);
  checkKinds([input.kind]);
  if (!input.content.trim()) throw new MemoryInputError(`${what} has no content`);
  vectorLiteral(input.embedding, `the embedding of ${what}`);
}

export function checkOutcome(outcome: OutcomeInput): void {
  checkRepo(outcome.repo);
  if (!outcome.runId) throw new MemoryInputError('an outcome needs the id of its run');
  if (outcome.scope !== 'task' && outcome.scope !== 'run') {
    throw new MemoryInputError(`an outcome's scope is "task" or "run", not "${String(outcome.scope)}"`);
  }
  if (!outcome.taskKind) throw new MemoryInputError('an outcome needs a task kind ("coder", "run", …)');
  for (const [name, value] of [
    ['durationMs', outcome.durationMs],
    ['tokens', outcome.tokens],
    ['costUsd', outcome.costUsd],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new MemoryInputError(`an outcome's ${name} must be a number of zero or more, not ${value}`);
    }
  }
  if (outcome.at !== undefined && Number.isNaN(Date.parse(outcome.at))) {
    throw new MemoryInputError(`an outcome's time "${outcome.at}" is not an ISO 8601 date`);
  }
}

/** Postgres text and jsonb cannot hold NUL, which untrusted text (issue bodies, logs) may carry. */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** JSON-safe copy (Dates to strings, undefined dropped, NUL replaced): what jsonb will hand back. */
export function jsonSafe(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v)),
  ) as Record<string, unknown>;
}

/** The fields and canonical payload of an audit event about to be appended at `at`. */
export function auditEventFields(
  event: AuditEventInput,
  at: Date = new Date(),
): { fields: AuditFields; payload: string } {
  checkRepo(event.repo);
  if (!event.actor.trim()) throw new MemoryInputError('an audit event needs an actor (who decided or acted)');
  if (!event.action.trim()) throw new MemoryInputError('an audit event needs an action, e.g. "run.created"');
  const fields: AuditFields = {
    repo: event.repo,
    runId: event.runId ?? null,
    actor: withoutNul(event.actor),
    action: withoutNul(event.action),
    detail: jsonSafe(event.detail ?? {}),
    at: at.toISOString(),
  };
  return { fields, payload: canonicalAuditPayload(fields) };
}

/** A memory as both backends insert it: checked, NUL-free, its vector in pgvector's text form. */
export interface MemoryInsertRow {
  repo: string;
  kind: MemoryKind;
  content: string;
  metadata: Record<string, unknown>;
  embedding: string;
}

/** Every input checked first (nothing is stored when one is bad), then split into batches of `size`. */
export function memoryInsertBatches(inputs: readonly MemoryInput[], size: number): MemoryInsertRow[][] {
  inputs.forEach(checkMemoryInput);
  const batches: MemoryInsertRow[][] = [];
  for (let start = 0; start < inputs.length; start += size) {
    batches.push(
      inputs.slice(start, start + size).map((input) => ({
        repo: input.repo,
        kind: input.kind,
        content: withoutNul(input.content),
        metadata: jsonSafe(input.metadata ?? {}),
        embedding: vectorLiteral(input.embedding),
      })),
    );
  }
  return batches;
}

/** After recording the settings on first use: the ones stored must be the ones asked for. */
export function assertSameEmbedding(stored: EmbeddingSettings | null, requested: EmbeddingSettings): void {
  if (stored && (stored.model !== requested.model || stored.dimension !== requested.dimension)) {
    throw new EmbeddingMismatchError(stored, requested);
  }
}
