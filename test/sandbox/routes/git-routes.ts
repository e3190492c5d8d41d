/**
 * Git references and branches. Messages for refused updates are GitHub's own, because callers (and
 * autodev's error mapping) match on them.
 */
import { isAncestor, resolveCommit } from '../git-store.js';
import { renderBranch, renderCommit, renderGitCommit, renderRef } from '../shapes/git-shapes.js';
import { errorResponse, noContent, notFound, ok, unprocessable, withRepository } from './route-handler.js';
import type { RouteTable } from './route-handler.js';

export const gitRoutes: RouteTable = {
  'git/get-ref': withRepository((request, repo) => {
    const fullRef = `refs/${request.params.ref ?? ''}`;
    const sha = repo.refs[fullRef];
    return sha ? ok(renderRef(request, repo, fullRef, sha)) : notFound();
  }),

  'git/create-ref': withRepository((request, repo) => {
    const { ref, sha } = request.body as { ref: string; sha: string };
    if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
      return unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (!repo.commits[sha]) return unprocessable('Object does not exist');
    if (repo.refs[ref]) return unprocessable('Reference already exists');
    repo.refs[ref] = sha;
    return ok(renderRef(request, repo, ref, sha), 201);
  }),

  'git/update-ref': withRepository((request, repo) => {
    const fullRef = `refs/${request.params.ref ?? ''}`;
    const { sha, force } = request.body as { sha: string; force?: boolean };
    const current = repo.refs[fullRef];
    if (!current) return unprocessable('Reference does not exist');
    if (!repo.commits[sha]) return unprocessable('Object does not exist');
    if (!force && !isAncestor(repo, current, sha)) return unprocessable('Update is not a fast forward');
    repo.refs[fullRef] = sha;
    return ok(renderRef(request, repo, fullRef, sha));
  }),

  'git/delete-ref': withRepository((request, repo) => {
    const fullRef = `refs/${request.params.ref ?? ''}`;
    if (!repo.refs[fullRef]) return unprocessable('Reference does not exist');
    delete repo.refs[fullRef];
    return noContent();
  }),

  'git/get-commit': withRepository((request, repo) => {
    const commit = repo.commits[request.params.commit_sha ?? ''];
    return commit ? ok(renderGitCommit(request, repo, commit)) : notFound();
  }),

  'repos/get-branch': withRepository((request, repo) => {
    const name = request.params.branch ?? '';
    const commit = repo.commits[repo.refs[`refs/heads/${name}`] ?? ''];
    return commit ? ok(renderBranch(request, repo, name, commit)) : errorResponse(404, 'Branch not found');
  }),

  'repos/get-commit': withRepository((request, repo) => {
    const sha = resolveCommit(repo, request.params.ref);
    const commit = sha ? repo.commits[sha] : undefined;
    if (!commit) return unprocessable(`No commit found for SHA: ${request.params.ref ?? ''}`);
    return ok({
      ...renderCommit(request, repo, commit),
      stats: { additions: 0, deletions: 0, total: 0 },
      files: [],
    });
  }),
};
