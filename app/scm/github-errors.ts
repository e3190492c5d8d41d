/** GitHub's HTTP errors (octokit's RequestError, or a network failure) as typed ScmErrors. */
import { ScmError, type ScmErrorKind } from './scm.js';

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

function errorKind(
  status: number | undefined,
  headers: Record<string, string | undefined> = {},
): ScmErrorKind {
  if (status === 404) return 'not-found';
  if (status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0')) return 'rate-limited';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  if (status === 422 || status === 400) return 'invalid';
  if (status === undefined || status >= 500) return 'unavailable';
  return 'unknown';
}

/** Turns octokit's RequestError (or a network failure) into an ScmError naming what was asked. */
export function toScmError(error: unknown, what: string): ScmError {
  if (error instanceof ScmError) return error;
  const e = (error ?? {}) as HttpErrorLike;
  const kind = errorKind(e.status, e.response?.headers);
  const detail = e.message ?? String(error);
  return new ScmError(kind, `GitHub refused to ${what}: ${detail}`, e.status, { cause: error });
}
