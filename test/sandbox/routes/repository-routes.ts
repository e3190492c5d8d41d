/**
 * The repository itself and a person's permission on it.
 *
 * Permission of someone who is not a collaborator: GitHub answers 200 with the access anyone has, which is
 * `read` on a public repository and `none` on a private one; a login that is no GitHub user gets 404. The
 * simulator does the same for seeded users and answers 404 for logins the seed does not know.
 */
import { findUser } from '../simulator-state.js';
import type { CollaboratorRole, RepositoryRecord } from '../simulator-state.js';
import { renderRepository } from '../shapes/repository-shape.js';
import { renderUser } from '../shapes/user-shape.js';
import { notFound, ok, withRepository } from './route-handler.js';
import type { RouteTable } from './route-handler.js';

type Role = CollaboratorRole | 'none';

// The legacy `permission` field knows only admin/write/read/none; role_name keeps the real role.
const LEGACY_PERMISSION: Record<Role, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};
const RANK: Role[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

export function effectiveRole(repo: RepositoryRecord, login: string): Role {
  if (repo.owner.toLowerCase() === login.toLowerCase()) return 'admin';
  const entry = Object.entries(repo.collaborators).find(
    ([name]) => name.toLowerCase() === login.toLowerCase(),
  );
  if (entry) return entry[1];
  return repo.private ? 'none' : 'read';
}

export const repositoryRoutes: RouteTable = {
  'repos/get': withRepository((request, repo) => ok(renderRepository(request, repo))),

  'repos/get-collaborator-permission-level': withRepository((request, repo) => {
    const user = findUser(request.state, request.params.username ?? '');
    if (!user) return notFound();
    const role = effectiveRole(repo, user.login);
    const rank = RANK.indexOf(role);
    return ok({
      permission: LEGACY_PERMISSION[role],
      role_name: role,
      user: {
        ...renderUser(request, user.login),
        permissions: {
          pull: rank >= RANK.indexOf('read'),
          triage: rank >= RANK.indexOf('triage'),
          push: rank >= RANK.indexOf('write'),
          maintain: rank >= RANK.indexOf('maintain'),
          admin: rank >= RANK.indexOf('admin'),
        },
        role_name: role,
      },
    });
  }),
};
