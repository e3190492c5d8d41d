/**
 * App-level endpoints (authenticated with the app's JWT): the app itself, its installation, and
 * installation access tokens, which every other endpoint then requires.
 */
import { randomBytes } from 'node:crypto';
import { findRepository, timestamp } from '../simulator-state.js';
import type { SimulatorState, TokenRecord } from '../simulator-state.js';
import { APP_PERMISSIONS, renderApp, renderInstallation, renderToken } from '../shapes/app-shapes.js';
import { notFound, ok } from './route-handler.js';
import type { RouteTable } from './route-handler.js';

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Issues an installation token the way GitHub shapes them (`ghs_` + 36 characters, valid one hour). */
export function issueInstallationToken(state: SimulatorState, now = new Date()): TokenRecord {
  const suffix = [...randomBytes(36)].map((byte) => TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]).join('');
  const token: TokenRecord = {
    token: `ghs_${suffix}`,
    createdAt: timestamp(now),
    expiresAt: timestamp(new Date(now.getTime() + TOKEN_LIFETIME_MS)),
  };
  state.tokens.push(token);
  return token;
}

export const appRoutes: RouteTable = {
  'apps/get-authenticated': (request) => ok(renderApp(request)),

  'apps/get-repo-installation': (request) => {
    const repo = findRepository(request.state, request.params.owner ?? '', request.params.repo ?? '');
    return repo ? ok(renderInstallation(request)) : notFound();
  },

  'apps/create-installation-access-token': (request) => {
    if (Number(request.params.installation_id) !== request.state.installationId) return notFound();
    const asked = (request.body as { permissions?: Record<string, string> } | undefined)?.permissions;
    const token = issueInstallationToken(request.state);
    return ok(renderToken(token, asked ?? APP_PERMISSIONS), 201);
  },
};
