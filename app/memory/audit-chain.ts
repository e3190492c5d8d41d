/**
 * The audit trail's hash chain: the canonical payload each event's hash covers, the hash itself (the same
 * formula as autodev_append_audit in supabase/migrations/*_memory.sql), and the check that finds edited,
 * deleted or reordered rows. Pure: the store reads the rows, this judges them.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, AuditFields } from './memory-store.js';

/** The prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

export type { AuditFields };

/**
 * JSON with keys sorted at every level and no whitespace, so the same fields always give the same
 * bytes whatever order a caller built them in or a database (jsonb) returns them in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

export function canonicalAuditPayload(fields: AuditFields): string {
  return canonicalJson({
    action: fields.action,
    actor: fields.actor,
    at: new Date(fields.at).toISOString(),
    detail: fields.detail,
    repo: fields.repo,
    runId: fields.runId,
  });
}

/** sha256 hex of `prevHash + "\n" + payload` in UTF-8. */
export function auditHash(prevHash: string, payload: string): string {
  return createHash('sha256').update(`${prevHash}\n${payload}`, 'utf8').digest('hex');
}

export type AuditProblemKind =
  /** A column differs from the payload its hash covers, or the hash does not match the payload. */
  | 'edited'
  /** Rows are missing: a gap in seq, or fewer rows than a head recorded earlier. */
  | 'deleted'
  /** A row's prev_hash is not its predecessor's hash: the predecessor was replaced or rows renumbered. */
  | 'broken-link'
  /** seq repeats or goes backwards. */
  | 'out-of-order';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows examined. */
  checked: number;
  /** The last row's seq and hash: record it elsewhere to detect later deletion of the newest rows. */
  head: { seq: number; hash: string } | null;
  problems: AuditProblem[];
}

export interface VerifyOptions {
  /** The row just before the first one given, for checking a later part of the chain; default the start. */
  from?: { seq: number; hash: string };
  /** A head recorded earlier: the chain must reach it (rows after it may have been added since). */
  expectedHead?: { seq: number; hash: string };
}

/**
 * Checks a run of consecutive events (in any order; they are sorted by seq). Hash chains cannot tell
 * whether the newest rows were deleted, nor catch someone who rewrites every hash after an edit; pass an
 * `expectedHead` recorded elsewhere for that.
 */
export function verifyAuditChain(
  events: readonly AuditEvent[],
  options: VerifyOptions = {},
): AuditVerification {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const problems: AuditProblem[] = [];
  let prev = options.from ?? { seq: 0, hash: GENESIS_HASH };
  for (const event of sorted) {
    if (event.seq <= prev.seq) {
      problems.push({
        seq: event.seq,
        kind: 'out-of-order',
        message: `row ${event.seq} repeats or precedes row ${prev.seq}`,
      });
      continue;
    }
    if (event.seq > prev.seq + 1) {
      const missing =
        event.seq === prev.seq + 2 ? `row ${prev.seq + 1} is` : `rows ${prev.seq + 1}–${event.seq - 1} are`;
      problems.push({
        seq: event.seq,
        kind: 'deleted',
        message: `${missing} missing before row ${event.seq}`,
      });
    } else if (event.prevHash !== prev.hash) {
      problems.push({
        seq: event.seq,
        kind: 'broken-link',
        message:
          `row ${event.seq} does not follow row ${prev.seq}: its prev_hash is not that row's hash, so row ` +
          `${prev.seq} was replaced or rows were deleted and renumbered`,
      });
    }
    problems.push(...rowProblems(event));
    prev = { seq: event.seq, hash: event.hash };
  }
  const last = sorted.at(-1);
  const head = last ? { seq: last.seq, hash: last.hash } : null;
  const expected = options.expectedHead;
  if (expected) {
    const reached = sorted.find((event) => event.seq === expected.seq);
    if (!reached) {
      problems.push({
        seq: expected.seq,
        kind: 'deleted',
        message: `the chain ends at row ${head?.seq ?? 0} but reached row ${expected.seq} before`,
      });
    } else if (reached.hash !== expected.hash) {
      problems.push({
        seq: expected.seq,
        kind: 'edited',
        message: `row ${expected.seq}'s hash is not the one recorded for it earlier`,
      });
    }
  }
  return { ok: problems.length === 0, checked: sorted.length, head, problems };
}

/** A row on its own: its columns against its payload, and its hash against both. */
function rowProblems(event: AuditEvent): AuditProblem[] {
  const edited = (message: string): AuditProblem => ({ seq: event.seq, kind: 'edited', message });
  const problems: AuditProblem[] = [];
  if (auditHash(event.prevHash, event.payload) !== event.hash) {
    problems.push(
      edited(`row ${event.seq}'s hash does not match its payload: the payload or hash was edited`),
    );
  }
  let fields: Partial<AuditFields>;
  try {
    fields = JSON.parse(event.payload) as Partial<AuditFields>;
  } catch {
    return [...problems, edited(`row ${event.seq}'s payload is not JSON: it was edited`)];
  }
  const differing = [
    fields.repo !== event.repo && 'repo',
    (fields.runId ?? null) !== event.runId && 'run_id',
    fields.actor !== event.actor && 'actor',
    fields.action !== event.action && 'action',
    !sameInstant(fields.at, event.at) && 'at',
    canonicalJson(fields.detail ?? {}) !== canonicalJson(event.detail) && 'detail',
  ].filter((column): column is string => column !== false);
  if (differing.length > 0) {
    problems.push(
      edited(
        `row ${event.seq}: ${differing.join(', ')} ${differing.length === 1 ? 'differs' : 'differ'} from what ` +
          'its hash covers: edited after it was written',
      ),
    );
  }
  return problems;
}

function sameInstant(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Date.parse(a);
  return !Number.isNaN(left) && left === Date.parse(b);
}
