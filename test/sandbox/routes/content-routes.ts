/**
 * File contents: read a file or directory at a ref, and create/update/delete a file with a commit on a
 * branch. The `sha` rules follow GitHub: updating or deleting needs the current blob sha.
 */
import { branchSha, commitFiles, listDirectory, readFile, resolveCommit } from '../git-store.js';
import type { CommitRecord, RepositoryRecord } from '../simulator-state.js';
import { renderContentEntry, renderFile, renderGitCommit } from '../shapes/git-shapes.js';
import { errorResponse, notFound, ok, unprocessable, withRepository } from './route-handler.js';
import type { RouteRequest, RouteResponse, RouteTable } from './route-handler.js';

interface WriteBody {
  message: string;
  content?: string;
  sha?: string;
  branch?: string;
}

function normalise(path: string | undefined): string {
  return (path ?? '').replace(/^\/+|\/+$/g, '');
}

function fileCommitResponse(
  request: RouteRequest,
  repo: RepositoryRecord,
  commit: CommitRecord,
  branch: string,
  path: string,
  status: number,
): RouteResponse {
  const text = readFile(repo, commit.sha, path);
  const content =
    text === undefined
      ? null
      : renderContentEntry(
          request,
          repo,
          branch,
          {
            name: path.split('/').pop() ?? path,
            path,
            type: 'file',
            sha: commit.files[path],
          },
          Buffer.byteLength(text),
        );
  return ok({ content, commit: renderGitCommit(request, repo, commit) }, status);
}

/** Checks the caller's `sha` against the file on the branch the way GitHub does before writing. */
function checkBlobSha(
  path: string,
  current: string | undefined,
  given: string | undefined,
): RouteResponse | undefined {
  if (current !== undefined && given === undefined)
    return unprocessable(`Invalid request.\n\n"sha" wasn't supplied.`);
  if (current !== undefined && given !== current)
    return errorResponse(409, `${path} does not match ${given}`);
  return undefined;
}

export const contentRoutes: RouteTable = {
  'repos/get-content': withRepository((request, repo) => {
    const ref = request.query.ref ?? repo.defaultBranch;
    const sha = resolveCommit(repo, ref);
    if (!sha) return errorResponse(404, `No commit found for the ref ${ref}`);
    const path = normalise(request.params.path);
    const text = readFile(repo, sha, path);
    const name = path.split('/').pop() ?? path;
    if (text !== undefined) {
      const entry = { name, path, type: 'file' as const, sha: repo.commits[sha]?.files[path] };
      return ok(renderFile(request, repo, ref, entry, text));
    }
    const entries = listDirectory(repo, sha, path);
    if (!entries.length) return notFound();
    return ok(
      entries.map((entry) => {
        const size = entry.type === 'file' ? Buffer.byteLength(readFile(repo, sha, entry.path) ?? '') : 0;
        return renderContentEntry(request, repo, ref, entry, size);
      }),
    );
  }),

  'repos/create-or-update-file-contents': withRepository((request, repo) => {
    const body = request.body as WriteBody & { content: string };
    const branch = body.branch ?? repo.defaultBranch;
    const head = branchSha(repo, branch);
    if (!head) return errorResponse(404, `Branch ${branch} not found`);
    const path = normalise(request.params.path);
    const current = repo.commits[head]?.files[path];
    const refusal = checkBlobSha(path, current, body.sha);
    if (refusal) return refusal;
    const text = Buffer.from(body.content, 'base64').toString('utf8');
    const commit = commitFiles(
      repo,
      branch,
      { [path]: text },
      {
        message: body.message,
        author: request.actor,
        date: request.now,
      },
    );
    return fileCommitResponse(request, repo, commit, branch, path, current === undefined ? 201 : 200);
  }),

  'repos/delete-file': withRepository((request, repo) => {
    const body = request.body as WriteBody & { sha: string };
    const branch = body.branch ?? repo.defaultBranch;
    const head = branchSha(repo, branch);
    if (!head) return errorResponse(404, `Branch ${branch} not found`);
    const path = normalise(request.params.path);
    const current = repo.commits[head]?.files[path];
    if (current === undefined) return notFound();
    const refusal = checkBlobSha(path, current, body.sha);
    if (refusal) return refusal;
    const commit = commitFiles(
      repo,
      branch,
      { [path]: null },
      {
        message: body.message,
        author: request.actor,
        date: request.now,
      },
    );
    return fileCommitResponse(request, repo, commit, branch, path, 200);
  }),
};
