/** Small type guards for the webhook fields the core reads before a trigger is decided. */
import type { RepoRef } from '../runs/run.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function repoOfPayload(payload: unknown): RepoRef | null {
  if (!isRecord(payload) || !isRecord(payload.repository)) return null;
  const { name, owner } = payload.repository;
  if (typeof name !== 'string' || !isRecord(owner) || typeof owner.login !== 'string') return null;
  return { owner: owner.login, repo: name };
}

export function installationIdOf(payload: unknown): number | undefined {
  if (!isRecord(payload) || !isRecord(payload.installation)) return undefined;
  const id = payload.installation.id;
  return typeof id === 'number' ? id : undefined;
}

export function actionOf(payload: unknown): string | undefined {
  return isRecord(payload) && typeof payload.action === 'string' ? payload.action : undefined;
}
