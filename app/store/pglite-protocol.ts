/**
 * The messages between the main thread and the PGlite worker (pglite-worker.ts), and how a Postgres
 * error crosses between them: structured clone keeps only an Error's name and message, and the store
 * and its callers need the SQLSTATE `code` (23505 unique violation, …) and the details that explain it.
 */

export type PgliteOp = 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'close';

export interface PgliteRequest {
  /** Matches the response to its caller; 0 is the worker's answer to opening the database. */
  id: number;
  op: PgliteOp;
  /** The transaction a statement belongs to; begin, commit and rollback name the one they act on. */
  txId?: number;
  sql?: string;
  params?: readonly unknown[];
}

export type PgliteResponse =
  { id: number; ok: true; result?: { rows: unknown[] } } | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  /** Postgres's own fields (code, detail, constraint, …), as far as the error carried them. */
  fields: Record<string, string>;
}

/** The id of the response the worker sends once the database is open, or failed to open. */
export const OPENED_ID = 0;

// The fields of pg-protocol's DatabaseError, which is what PGlite throws for a failed statement.
const DATABASE_ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  const source = error as unknown as Record<string, unknown>;
  for (const key of DATABASE_ERROR_FIELDS) {
    const value = source[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
  }
  return { name: error.name, message: error.message, fields };
}

/**
 * The worker's error rebuilt on the main thread, with the stack of the call that failed there rather
 * than the message handler's, so a failing statement can be traced to the code that sent it.
 */
export function deserializeError(serialized: SerializedError, callSite: Error): Error {
  const error = Object.assign(new Error(serialized.message), serialized.fields);
  error.name = serialized.name;
  const frames = callSite.stack?.split('\n').slice(1).join('\n');
  if (frames) error.stack = `${serialized.name}: ${serialized.message}\n${frames}`;
  return error;
}
