/**
 * MemoryStore: what autodev remembers per repository — memories with embeddings, task and run outcomes,
 * and the audit trail — behind one contract with three backends: SQL over PGlite or node-postgres
 * (sql-memory-store.ts) and Supabase through supabase-js (supabase-memory-store.ts).
 */

export const MEMORY_KINDS = [
  'architecture',
  'decision',
  'pattern',
  'learning',
  'failure',
  'success',
  'convention',
  'dependency',
] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export interface MemoryInput {
  /** "owner/name". */
  repo: string;
  kind: MemoryKind;
  content: string;
  metadata?: Record<string, unknown>;
  /** Of the store's embedding dimension (see EmbeddingSettings). */
  embedding: number[];
}

export interface StoredMemory {
  id: string;
  repo: string;
  kind: MemoryKind;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface MemoryMatch extends StoredMemory {
  /** Cosine similarity, 1 = same direction. */
  similarity: number;
}

export interface MemoryQuery {
  repo: string;
  embedding: number[];
  /** Only these kinds; all when absent or empty. */
  kinds?: readonly MemoryKind[];
  k: number;
}

/** Which embedder filled the store; vectors of two embedders are never mixed. */
export interface EmbeddingSettings {
  /** e.g. "hashed-ngram-v1", "openai:text-embedding-3-small". */
  model: string;
  dimension: number;
}

export type OutcomeScope = 'task' | 'run';

export interface OutcomeInput {
  repo: string;
  runId: string;
  /** Null for a run's own outcome. */
  taskId?: string | null;
  scope: OutcomeScope;
  /** What kind of work: the task's role ("coder", "tester", …) or "run". */
  taskKind: string;
  success: boolean;
  /** A failure class (e.g. "gate_failed", "timeout", "conflict", "budget", "model_error"). */
  failureClass?: string | null;
  backend?: string | null;
  model?: string | null;
  strategy?: string | null;
  durationMs: number;
  tokens: number;
  costUsd: number;
  /** Defaults to now. */
  at?: string;
}

export interface Outcome extends Required<Omit<OutcomeInput, 'at'>> {
  id: string;
  at: string;
}

/** Success counts and mean duration of one arm (a backend, model or strategy) for a kind of task. */
export interface ArmStats {
  arm: string;
  successes: number;
  failures: number;
  meanDurationMs: number;
}

export interface OutcomeStatsQuery {
  repo?: string;
  taskKind?: string;
  /** Which column the arms are. */
  by: 'backend' | 'model' | 'strategy';
}

export interface AuditEventInput {
  repo: string;
  runId?: string | null;
  /** Who decided or acted: "autodev", "agent:coder-1", a login. */
  actor: string;
  /** e.g. "plan.made", "run.failed", "task.succeeded", "agent.write", "pr.opened". */
  action: string;
  detail?: Record<string, unknown>;
}

/** What an audit event's hash covers, besides its predecessor's hash. */
export interface AuditFields {
  repo: string;
  runId: string | null;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  /** ISO 8601. */
  at: string;
}

/**
 * One row of the hash chain. `payload` is the canonical JSON the hash covers (see audit-chain.ts);
 * `hash = sha256hex(prevHash + "\n" + payload)`, and the first row's prevHash is GENESIS_HASH.
 */
export interface AuditEvent extends AuditFields {
  seq: number;
  payload: string;
  prevHash: string;
  hash: string;
}

export interface MemoryStore {
  /** The settings the store was first filled with; null while it holds no vectors. */
  embeddingSettings(): Promise<EmbeddingSettings | null>;
  /**
   * Records the settings on first use; afterwards throws EmbeddingMismatchError when they differ, so
   * vectors of different embedders or dimensions are never mixed.
   */
  ensureEmbeddingSettings(settings: EmbeddingSettings): Promise<void>;
  addMemories(inputs: readonly MemoryInput[]): Promise<StoredMemory[]>;
  /** Nearest first, by cosine distance, filtered by repo and kinds. */
  searchMemories(query: MemoryQuery): Promise<MemoryMatch[]>;
  /** Newest first. */
  listMemories(filter: {
    repo: string;
    kinds?: readonly MemoryKind[];
    limit?: number;
  }): Promise<StoredMemory[]>;
  /** Deletes a repo's memories whose metadata.source equals `source` (re-ingesting a changed file). */
  deleteMemoriesBySource(repo: string, source: string): Promise<number>;

  recordOutcome(outcome: OutcomeInput): Promise<void>;
  listOutcomes(filter: { repo?: string; runId?: string; limit?: number }): Promise<Outcome[]>;
  outcomeStats(query: OutcomeStatsQuery): Promise<ArmStats[]>;

  /** Appends to the hash chain atomically (concurrent appends never fork the chain). */
  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /** In seq order. */
  listAudit(filter?: { repo?: string; afterSeq?: number; limit?: number }): Promise<AuditEvent[]>;

  close(): Promise<void>;
}

export class EmbeddingMismatchError extends Error {
  constructor(
    readonly stored: EmbeddingSettings,
    readonly requested: EmbeddingSettings,
  ) {
    super(
      `the memory store holds ${stored.dimension}-dimensional vectors from ${stored.model}, but the ` +
        `configured embedder is ${requested.model} with ${requested.dimension} dimensions. Configure ` +
        `${stored.model} again, or re-embed the memories into a new store (npx autodev memory reembed); ` +
        'vectors of two embedders are never mixed',
    );
    this.name = 'EmbeddingMismatchError';
  }
}
