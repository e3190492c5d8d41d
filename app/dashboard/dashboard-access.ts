/**
 * Who may see the dashboard. It is never open by default: without a configured token
 * (AUTODEV_DASHBOARD_TOKEN) every dashboard path answers 404 with how to turn it on, and with one a
 * request must carry it — as `Authorization: Bearer <token>` (scripts, the API) or as the session
 * cookie the login form sets (browsers). The cookie holds an HMAC of the token, not the token, is
 * HttpOnly and SameSite=Strict, and stops working when the token changes. Every comparison is
 * constant-time. `autodev sandbox`, which listens on 127.0.0.1 only, generates a token when none is set
 * and prints it; the app itself never makes one up, so a public server cannot end up open.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const MIN_TOKEN_LENGTH = 16;
export const SESSION_COOKIE = 'autodev_dashboard';
/** Twelve hours: a working day at the screen, then log in again. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type DashboardAccess = { enabled: true; token: string } | { enabled: false; reason: string };

const ENABLE_HINT =
  'Set AUTODEV_DASHBOARD_TOKEN to a long random secret (for example the output of `openssl rand -hex 32`) ' +
  'and restart the app; then open /dashboard and enter the token, or send it as "Authorization: Bearer <token>".';

export function dashboardAccess(token: string | undefined): DashboardAccess {
  const trimmed = token?.trim() ?? '';
  if (!trimmed) return { enabled: false, reason: `The dashboard is off. ${ENABLE_HINT}` };
  if (trimmed.length < MIN_TOKEN_LENGTH) {
    return {
      enabled: false,
      reason:
        `The dashboard is off: AUTODEV_DASHBOARD_TOKEN has ${trimmed.length} characters and needs at least ` +
        `${MIN_TOKEN_LENGTH}. ${ENABLE_HINT}`,
    };
  }
  return { enabled: true, token: trimmed };
}

/** The session cookie's value for a token: proves the browser once presented the token. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('autodev dashboard session v1').digest('base64url');
}

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface RequestCredentials {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

export type CredentialCheck = 'ok' | 'missing' | 'wrong';

/** Whether the request's headers carry the token or a valid session cookie. */
export function checkCredentials(headers: RequestCredentials, token: string): CredentialCheck {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  const session = readCookie(headers.cookie, SESSION_COOKIE);
  if (bearer === undefined && session === undefined) return 'missing';
  if (bearer !== undefined && sameSecret(bearer, token)) return 'ok';
  if (session !== undefined && sameSecret(session, sessionValue(token))) return 'ok';
  return 'wrong';
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header that logs a browser in (or out, with maxAge 0). */
export function sessionCookie(value: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/dashboard',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${options.maxAgeSeconds ?? SESSION_MAX_AGE_SECONDS}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
