/**
 * A repository as GitHub renders it (full-repository, which also satisfies repository and
 * minimal-repository, so pulls and workflow runs embed the same object).
 */
import type { RepositoryRecord } from '../simulator-state.js';
import { nodeId, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

// GitHub's hypermedia URL templates, relative to the repository's API URL.
const REPOSITORY_LINKS: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

export function repositoryApiUrl(context: ShapeContext, repo: RepositoryRecord): string {
  return `${context.baseUrl}/repos/${repo.owner}/${repo.name}`;
}

export function repositoryHtmlUrl(context: ShapeContext, repo: RepositoryRecord): string {
  return `${context.baseUrl}/${repo.owner}/${repo.name}`;
}

export function renderRepository(context: ShapeContext, repo: RepositoryRecord): Record<string, unknown> {
  const api = repositoryApiUrl(context, repo);
  const html = repositoryHtmlUrl(context, repo);
  const host = new URL(context.baseUrl).host;
  const openIssues = repo.issues.filter((issue) => issue.state === 'open').length;
  const links = Object.fromEntries(
    Object.entries(REPOSITORY_LINKS).map(([key, suffix]) => [key, api + suffix]),
  );
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: renderUser(context, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: html,
    description: null,
    fork: false,
    url: api,
    ...links,
    git_url: `git://${host}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@${host}:${repo.owner}/${repo.name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    size: Object.keys(repo.blobs).length,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    open_issues_count: openIssues,
    open_issues: openIssues,
    default_branch: repo.defaultBranch,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    is_template: false,
    license: null,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    // What an installation token with contents/issues/pull_requests write may do.
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    web_commit_signoff_required: false,
    network_count: 0,
    subscribers_count: 0,
  };
}
