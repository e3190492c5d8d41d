/**
 * Git refs, commits, branches and file contents as GitHub renders them.
 */
import { createHash } from 'node:crypto';
import type { CommitRecord, RepositoryRecord } from '../simulator-state.js';
import { repositoryApiUrl, repositoryHtmlUrl } from './repository-shape.js';
import { nodeId, renderUser } from './user-shape.js';
import type { ShapeContext } from './user-shape.js';

/** Each path segment escaped, slashes kept (how GitHub writes file paths into URLs). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The email GitHub shows for a commit author known only by login. */
function gitIdentity(login: string, date: string) {
  return { name: login, email: `${login.replace(/\[bot\]$/, '')}@users.noreply.github.com`, date };
}

export function renderRef(context: ShapeContext, repo: RepositoryRecord, fullRef: string, sha: string) {
  const api = repositoryApiUrl(context, repo);
  return {
    ref: fullRef,
    node_id: nodeId('Ref', `${repo.id}:${fullRef}`),
    url: `${api}/git/${encodePath(fullRef)}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

/** The git-level commit object (what `git/commits/{sha}` and file commits show). */
export function renderGitCommit(context: ShapeContext, repo: RepositoryRecord, commit: CommitRecord) {
  const api = repositoryApiUrl(context, repo);
  const html = repositoryHtmlUrl(context, repo);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${html}/commit/${commit.sha}`,
    author: gitIdentity(commit.author, commit.date),
    committer: gitIdentity(commit.author, commit.date),
    message: commit.message,
    tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** The REST commit object (what branches and `commits/{ref}` show), wrapping the git commit. */
export function renderCommit(context: ShapeContext, repo: RepositoryRecord, commit: CommitRecord) {
  const api = repositoryApiUrl(context, repo);
  const git = renderGitCommit(context, repo, commit);
  return {
    sha: commit.sha,
    node_id: git.node_id,
    url: `${api}/commits/${commit.sha}`,
    html_url: git.html_url,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: git.url,
      author: git.author,
      committer: git.committer,
      message: git.message,
      tree: git.tree,
      comment_count: 0,
      verification: git.verification,
    },
    author: renderUser(context, commit.author),
    committer: renderUser(context, commit.author),
    parents: git.parents,
  };
}

export function renderBranch(
  context: ShapeContext,
  repo: RepositoryRecord,
  name: string,
  commit: CommitRecord,
) {
  const api = `${repositoryApiUrl(context, repo)}/branches/${encodePath(name)}`;
  return {
    name,
    commit: renderCommit(context, repo, commit),
    _links: { self: api, html: `${repositoryHtmlUrl(context, repo)}/tree/${encodePath(name)}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/protection`,
  };
}

interface ContentEntry {
  name: string;
  path: string;
  type: 'file' | 'dir';
  sha?: string;
}

/** One item of a directory listing, or the metadata part of a file (content added by renderFile). */
export function renderContentEntry(
  context: ShapeContext,
  repo: RepositoryRecord,
  ref: string,
  entry: ContentEntry,
  size: number,
) {
  const api = repositoryApiUrl(context, repo);
  const path = encodePath(entry.path);
  const sha = entry.sha ?? createHash('sha1').update(`tree ${entry.path}`).digest('hex');
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${entry.type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${repositoryHtmlUrl(context, repo)}/${entry.type === 'file' ? 'blob' : 'tree'}/${encodePath(ref)}/${path}`;
  return {
    type: entry.type,
    size,
    name: entry.name,
    path: entry.path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url:
      entry.type === 'file'
        ? `${context.baseUrl}/_raw/${repo.owner}/${repo.name}/${encodePath(ref)}/${path}`
        : null,
    _links: { self, git, html },
  };
}

/** A file with its text base64-encoded and wrapped every 60 characters, as GitHub sends it. */
export function renderFile(
  context: ShapeContext,
  repo: RepositoryRecord,
  ref: string,
  entry: ContentEntry,
  text: string,
) {
  const bytes = Buffer.from(text, 'utf8');
  const encoded = bytes.toString('base64').replace(/.{60}/g, '$&\n');
  return {
    ...renderContentEntry(context, repo, ref, entry, bytes.length),
    content: encoded.endsWith('\n') || encoded === '' ? encoded : `${encoded}\n`,
    encoding: 'base64',
  };
}
