/**
 * The files of a pull request with unified-diff patches, as GitHub lists them: the change from the
 * merge base to the head, hunks with three lines of context, new-version line numbers in the headers.
 */
import { branchSha, readFile } from '../git-store.js';
import type { RepositoryRecord } from '../simulator-state.js';
import { currentHeadSha } from '../shapes/pull-shapes.js';
import { repositoryApiUrl, repositoryHtmlUrl } from '../shapes/repository-shape.js';
import { listPage, notFound, withRepository } from './route-handler.js';
import type { RouteTable } from './route-handler.js';

const CONTEXT = 3;

/** The nearest commit reachable from both (breadth-first from head), as GitHub's three-dot diff uses. */
function mergeBase(repo: RepositoryRecord, base: string, head: string): string | undefined {
  const fromBase = new Set<string>();
  for (const pending = [base]; pending.length > 0;) {
    const sha = pending.pop()!;
    if (fromBase.has(sha)) continue;
    fromBase.add(sha);
    pending.push(...(repo.commits[sha]?.parents ?? []));
  }
  const queue = [head];
  const seen = new Set<string>();
  for (let sha = queue.shift(); sha !== undefined; sha = queue.shift()) {
    if (fromBase.has(sha)) return sha;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(repo.commits[sha]?.parents ?? []));
  }
  return undefined;
}

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Line edit script by longest common subsequence (test-sized files only). */
function editScript(before: string[], after: string[]): Op[] {
  const n = before.length;
  const m = after.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] =
        before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push({ kind: ' ', text: before[i++]! });
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ kind: '+', text: after[j++]! });
    } else {
      ops.push({ kind: '-', text: before[i++]! });
    }
  }
  return ops;
}

function lines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

export function unifiedPatch(before: string | undefined, after: string | undefined): string {
  const ops = editScript(lines(before), lines(after));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT);
    const end = Math.min(ops.length, index + CONTEXT + 1);
    const last = hunks.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const oldStart = ops.slice(0, start).filter((op) => op.kind !== '+').length;
    const newStart = ops.slice(0, start).filter((op) => op.kind !== '-').length;
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    out.push(
      `@@ -${oldCount ? oldStart + 1 : oldStart},${oldCount} +${newCount ? newStart + 1 : newStart},${newCount} @@`,
    );
    out.push(...slice.map((op) => `${op.kind}${op.text}`));
  }
  return out.join('\n');
}

export const pullFileRoutes: RouteTable = {
  'pulls/list-files': withRepository((request, repo) => {
    const pull = repo.pulls.find((candidate) => candidate.number === Number(request.params.pull_number));
    if (!pull) return notFound();
    const head = currentHeadSha(repo, pull);
    const base = mergeBase(repo, branchSha(repo, pull.base) ?? '', head) ?? '';
    const headFiles = repo.commits[head]?.files ?? {};
    const baseFiles = repo.commits[base]?.files ?? {};
    const paths = [...new Set([...Object.keys(headFiles), ...Object.keys(baseFiles)])]
      .filter((path) => headFiles[path] !== baseFiles[path])
      .sort();
    const files = paths.map((path) => {
      const status =
        baseFiles[path] === undefined ? 'added' : headFiles[path] === undefined ? 'removed' : 'modified';
      const patch = unifiedPatch(readFile(repo, base, path), readFile(repo, head, path));
      const ops = patch.split('\n');
      const additions = ops.filter((l) => l.startsWith('+')).length;
      const deletions = ops.filter((l) => l.startsWith('-')).length;
      const sha = headFiles[path] ?? baseFiles[path] ?? null;
      return {
        sha,
        filename: path,
        status,
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${repositoryHtmlUrl(request, repo)}/blob/${head}/${path}`,
        raw_url: `${repositoryHtmlUrl(request, repo)}/raw/${head}/${path}`,
        contents_url: `${repositoryApiUrl(request, repo)}/contents/${path}?ref=${head}`,
        patch,
      };
    });
    return listPage(request, files, (file) => file);
  }),
};
