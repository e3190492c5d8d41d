/**
 * A tiny content-addressed git model over a repository record: blobs, commits with a full file map, and
 * refs. Blob shas are real git blob ids (so a client can compare them with `git hash-object`); tree and
 * commit ids are stable hashes of their content rather than git's exact encoding.
 */
import { createHash } from 'node:crypto';
import type { CommitRecord, RepositoryRecord } from './simulator-state.js';

export function blobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
}

/** Branch names, `heads/x`, `refs/heads/x`, tags and commit shas (full or abbreviated) → commit sha. */
export function resolveCommit(repo: RepositoryRecord, ref: string | undefined): string | undefined {
  const name = ref ?? repo.defaultBranch;
  const candidates = name.startsWith('refs/')
    ? [name]
    : [`refs/heads/${name}`, `refs/tags/${name}`, `refs/${name}`];
  for (const candidate of candidates) {
    const sha = repo.refs[candidate];
    if (sha) return sha;
  }
  if (/^[0-9a-f]{7,40}$/.test(name)) return Object.keys(repo.commits).find((sha) => sha.startsWith(name));
  return undefined;
}

export function branchSha(repo: RepositoryRecord, branch: string): string | undefined {
  return repo.refs[`refs/heads/${branch}`];
}

export function readFile(repo: RepositoryRecord, commitSha: string, path: string): string | undefined {
  const blob = repo.commits[commitSha]?.files[path];
  return blob === undefined ? undefined : repo.blobs[blob];
}

/** Paths directly inside `directory` ('' = root) at a commit; files and sub-directories. */
export function listDirectory(
  repo: RepositoryRecord,
  commitSha: string,
  directory: string,
): { name: string; path: string; type: 'file' | 'dir'; sha?: string }[] {
  const prefix = directory ? `${directory.replace(/\/$/, '')}/` : '';
  const entries = new Map<string, { name: string; path: string; type: 'file' | 'dir'; sha?: string }>();
  for (const [path, sha] of Object.entries(repo.commits[commitSha]?.files ?? {})) {
    if (!path.startsWith(prefix)) continue;
    const [name, ...rest] = path.slice(prefix.length).split('/');
    if (!name) continue;
    entries.set(
      name,
      rest.length ? { name, path: prefix + name, type: 'dir' } : { name, path, type: 'file', sha },
    );
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Commits `changes` (path → new text, or null to delete) on top of the branch and moves the branch;
 * creates the branch when it does not exist yet (a root commit).
 */
export function commitFiles(
  repo: RepositoryRecord,
  branch: string,
  changes: Record<string, string | null>,
  meta: { message: string; author: string; date: string },
): CommitRecord {
  const parent = branchSha(repo, branch);
  const files = { ...(parent ? repo.commits[parent]?.files : {}) };
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) {
      delete files[path];
      continue;
    }
    const sha = blobSha(text);
    repo.blobs[sha] = text;
    files[path] = sha;
  }
  const treeSha = sha1(
    Object.keys(files)
      .sort()
      .map((path) => `${files[path]} ${path}`)
      .join('\n'),
  );
  const parents = parent ? [parent] : [];
  const sha = sha1(
    `tree ${treeSha}\n${parents.map((p) => `parent ${p}\n`).join('')}${meta.date}\n${meta.message}`,
  );
  const commit: CommitRecord = { sha, treeSha, parents, files, ...meta };
  repo.commits[sha] = commit;
  repo.refs[`refs/heads/${branch}`] = sha;
  repo.pushedAt = meta.date;
  return commit;
}

/** Whether `ancestor` is reachable from `descendant` through parents (a fast-forward check). */
export function isAncestor(repo: RepositoryRecord, ancestor: string, descendant: string): boolean {
  const pending = [descendant];
  const seen = new Set<string>();
  for (let sha = pending.pop(); sha !== undefined; sha = pending.pop()) {
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    pending.push(...(repo.commits[sha]?.parents ?? []));
  }
  return false;
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}
