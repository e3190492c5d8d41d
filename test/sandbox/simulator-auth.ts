/**
 * Who may call what, like GitHub for an App: `/app…` and `…/installation` endpoints take the app's JWT
 * (RS256, `iss` = app id, unexpired); everything else takes an installation token the simulator issued.
 * The JWT signature is checked only when the seed gives the app's public key.
 */
import { createVerify } from 'node:crypto';
import { botLogin } from './simulator-state.js';
import type { SimulatorState } from './simulator-state.js';

export type Authorization = { ok: true; actor: string } | { ok: false; status: 401; message: string };

const JWT_TEMPLATES =
  /^\/app(\/|$)|^\/(repos\/\{owner\}\/\{repo\}|orgs\/\{org\}|users\/\{username\})\/installation$/;
// GitHub tolerates a little clock drift between the app and itself.
const CLOCK_SKEW_SECONDS = 60;

export function needsAppJwt(template: string): boolean {
  return JWT_TEMPLATES.test(template);
}

export function authorize(
  state: SimulatorState,
  template: string,
  header: string | undefined,
  appPublicKey: string | undefined,
  now = new Date(),
): Authorization {
  const credential = /^(?:token|bearer)\s+(\S+)$/i.exec(header?.trim() ?? '')?.[1];
  if (!credential) return { ok: false, status: 401, message: 'Requires authentication' };
  if (needsAppJwt(template)) {
    const problem = checkJwt(credential, String(state.app.id), appPublicKey, now);
    return problem ? { ok: false, status: 401, message: problem } : { ok: true, actor: botLogin(state) };
  }
  const token = state.tokens.find((issued) => issued.token === credential);
  if (!token || Date.parse(token.expiresAt) <= now.getTime()) {
    return { ok: false, status: 401, message: 'Bad credentials' };
  }
  return { ok: true, actor: botLogin(state) };
}

/** Why a JWT is refused (GitHub's wording), or undefined when it is acceptable. */
function checkJwt(jwt: string, appId: string, publicKey: string | undefined, now: Date): string | undefined {
  const parts = jwt.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || signature === undefined) {
    return 'A JSON web token could not be decoded';
  }
  let claims: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'A JSON web token could not be decoded';
  }
  const seconds = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < seconds - CLOCK_SKEW_SECONDS) {
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  }
  if (claims.iss !== undefined && String(claims.iss) !== appId) {
    return "'Issuer' claim ('iss') must be an Integer";
  }
  if (publicKey) {
    const verifier = createVerify('RSA-SHA256').update(`${header}.${payload}`);
    if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) {
      return 'A JSON web token could not be decoded';
    }
  }
  return undefined;
}
