/**
 * The GitHub App, its one installation and the tokens it issues, as GitHub renders them.
 */
import type { SimulatorState, TokenRecord } from '../simulator-state.js';
import { nodeId, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

/** What autodev's manifest asks for; the simulator grants every installation the same. */
export const APP_PERMISSIONS: Record<string, string> = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
  workflows: 'write',
};

export const APP_EVENTS = ['check_run', 'issue_comment', 'issues', 'pull_request', 'push', 'workflow_run'];

/** The account that owns the app and the installation: the first seeded repository's owner. */
function accountLogin(state: SimulatorState): string {
  return state.repositories[0]?.owner ?? `${state.app.slug}[bot]`;
}

export function renderApp(context: ShapeContext) {
  const { app, createdAt } = context.state;
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('App', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: renderUser(context, accountLogin(context.state)),
    name: app.name,
    description: null,
    external_url: `${context.baseUrl}/apps/${app.slug}`,
    html_url: `${context.baseUrl}/apps/${app.slug}`,
    created_at: createdAt,
    updated_at: createdAt,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    installations_count: 1,
  };
}

export function renderInstallation(context: ShapeContext) {
  const { state, baseUrl } = context;
  const account = renderUser(context, accountLogin(state));
  return {
    id: state.installationId,
    account,
    repository_selection: 'all',
    access_tokens_url: `${baseUrl}/app/installations/${state.installationId}/access_tokens`,
    repositories_url: `${baseUrl}/installation/repositories`,
    html_url: `${baseUrl}/settings/installations/${state.installationId}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    created_at: state.createdAt,
    updated_at: state.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function renderToken(token: TokenRecord, permissions: Record<string, string>) {
  return {
    token: token.token,
    expires_at: token.expiresAt,
    permissions,
    repository_selection: 'all',
  };
}
