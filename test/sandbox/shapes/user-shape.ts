/**
 * Shared pieces of GitHub's response shapes: where URLs point, node ids, and users (simple-user).
 */
import { findUser } from '../simulator-state.js';
import type { SimulatorState } from '../simulator-state.js';

export interface ShapeContext {
  state: SimulatorState;
  /** The simulator's origin; API URLs live at its root (like api.github.com), HTML pages under it too. */
  baseUrl: string;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64');
}

/** Logins such as `autodev[bot]` need escaping to be valid in a URI. */
export function pathPart(value: string): string {
  return encodeURIComponent(value);
}

export function renderUser(context: ShapeContext, login: string): Record<string, unknown> {
  const user = findUser(context.state, login) ?? { id: 0, login, type: 'User' as const };
  const api = `${context.baseUrl}/users/${pathPart(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `${context.baseUrl}/_avatars/${pathPart(user.login)}`,
    gravatar_id: '',
    url: api,
    html_url: `${context.baseUrl}/${pathPart(user.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** GitHub's author_association of a login towards a repository's owner and collaborators. */
export function authorAssociation(
  owner: string,
  collaborators: Record<string, string>,
  login: string,
): 'OWNER' | 'COLLABORATOR' | 'NONE' {
  if (owner.toLowerCase() === login.toLowerCase()) return 'OWNER';
  const isCollaborator = Object.keys(collaborators).some(
    (name) => name.toLowerCase() === login.toLowerCase(),
  );
  return isCollaborator ? 'COLLABORATOR' : 'NONE';
}
