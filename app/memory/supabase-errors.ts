/**
 * What went wrong with Supabase, in words that say what to change: the gateway's and PostgREST's errors
 * (wrong key, missing table or function, missing privilege, unreachable URL) turned into messages that
 * name the table or function and the fix (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, `supabase db push`).
 * Pure functions over the `{ error, status }` supabase-js resolves to.
 */

/** A Supabase request failed or the configuration is wrong; the message says what to check. */
export class SupabaseMemoryError extends Error {
  /** HTTP status of the failed request (0 when none was answered). */
  readonly status: number | undefined;
  /** PostgREST's or Postgres's error code, e.g. "PGRST205", "42501". */
  readonly code: string | undefined;

  constructor(message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SupabaseMemoryError';
    this.status = options.status;
    this.code = options.code;
  }
}

/** A failed supabase-js response: PostgREST's error JSON (or the gateway's, which has no code). */
export interface SupabaseFailure {
  error: { message: string; code?: string; details?: string | null; hint?: string | null };
  status: number;
}

const KEY_ADVICE =
  "Set SUPABASE_SERVICE_ROLE_KEY to the project's service_role (secret) key from the Supabase dashboard, " +
  "Project Settings → API Keys; autodev's tables let only the service role read and write them.";

const MIGRATE_ADVICE =
  "Apply autodev's migrations to this project with `supabase db push` (run where supabase/migrations is, " +
  'after `supabase link`), or run supabase/migrations/*.sql in order in the SQL editor, then try again.';

/**
 * Refuses keys that cannot be the service role key before anything is sent: an empty one, a
 * publishable key, or a legacy JWT key whose role is anon or authenticated.
 */
export function checkServiceKey(key: string): void {
  if (!key.trim()) throw new SupabaseMemoryError(`SUPABASE_SERVICE_ROLE_KEY is empty. ${KEY_ADVICE}`);
  if (key.startsWith('sb_publishable_')) {
    throw new SupabaseMemoryError(
      `SUPABASE_SERVICE_ROLE_KEY holds a publishable key (sb_publishable_…). ${KEY_ADVICE}`,
    );
  }
  const role = jwtRole(key);
  if (role !== undefined && role !== 'service_role') {
    throw new SupabaseMemoryError(
      `SUPABASE_SERVICE_ROLE_KEY holds a key for the "${role}" role. ${KEY_ADVICE}`,
    );
  }
}

/** The `role` claim of a JWT-shaped key (Supabase's legacy keys), undefined for any other key. */
function jwtRole(key: string): string | undefined {
  const parts = key.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { role?: unknown };
    return typeof claims.role === 'string' ? claims.role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sentence or three about a failed request: what autodev was doing (`what`, e.g. "reading table
 * autodev_memories"), what Supabase said, and what to change.
 */
export function describeSupabaseFailure(url: string, what: string, failure: SupabaseFailure): string {
  const { error, status } = failure;
  const code = error.code ?? '';
  const said = [error.message, error.details, error.hint].filter((part) => part).join(' — ');
  const target = `Supabase at ${url}`;

  if (status === 0) {
    return (
      `cannot reach ${target} while ${what}: ${error.message}. Check SUPABASE_URL (the project URL, ` +
      'https://<project-ref>.supabase.co) and that this machine can reach it.'
    );
  }
  if (status === 401 || code === 'PGRST301' || code === 'PGRST302') {
    return `${target} refused the key while ${what} (${status}: ${said}). ${KEY_ADVICE}`;
  }
  if (code === '42501') {
    return `${target} denied ${what} (${status}: ${said}). ${KEY_ADVICE}`;
  }
  if (code === 'PGRST205' || code === '42P01') {
    return `${target} has no such table while ${what} (${said}): autodev's migrations are not applied there. ${MIGRATE_ADVICE}`;
  }
  if (code === 'PGRST202' || code === '42883') {
    return (
      `${target} has no function matching autodev's call while ${what} (${said}): autodev's migrations are not ` +
      `applied there, or are older than this autodev. ${MIGRATE_ADVICE}`
    );
  }
  if (code === 'PGRST204' || code === '42703') {
    return (
      `${target} lacks a column autodev uses while ${what} (${said}): its autodev migrations are older than this ` +
      `autodev. ${MIGRATE_ADVICE}`
    );
  }
  if (status === 404 && !code) {
    return (
      `nothing at ${url}/rest/v1 answers like Supabase while ${what} (404: ${said}). Check SUPABASE_URL: it is ` +
      'the project URL, https://<project-ref>.supabase.co.'
    );
  }
  return `${target} failed while ${what} (${status}${code ? ` ${code}` : ''}: ${said}).`;
}
