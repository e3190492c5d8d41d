/**
 * Which lines of a pull request a review comment may sit on. GitHub refuses the whole review when one
 * comment names a line outside the diff, so comments are checked against the patches first and the
 * strays are moved into the review's text instead of failing it.
 */
import type { PullRequestFile } from '../scm/scm.js';

/** New-version line numbers that appear in a patch (added or context lines), per path. */
export function commentableLines(files: readonly PullRequestFile[]): Map<string, Set<number>> {
  const byPath = new Map<string, Set<number>>();
  for (const file of files) {
    if (file.patch !== undefined) byPath.set(file.path, newSideLines(file.patch));
  }
  return byPath;
}

function newSideLines(patch: string): Set<number> {
  const lines = new Set<number>();
  let next: number | undefined;
  for (const text of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (next === undefined) continue;
    if (text.startsWith('+') || text.startsWith(' ')) lines.add(next++);
    // Removed lines and "\ No newline at end of file" take no line of the new version.
  }
  return lines;
}

export interface LineComment {
  path: string;
  line: number;
  body: string;
}

export function splitComments(
  comments: readonly LineComment[],
  files: readonly PullRequestFile[],
): { onDiff: LineComment[]; offDiff: LineComment[] } {
  const lines = commentableLines(files);
  const onDiff: LineComment[] = [];
  const offDiff: LineComment[] = [];
  for (const comment of comments) {
    (lines.get(comment.path)?.has(comment.line) ? onDiff : offDiff).push(comment);
  }
  return { onDiff, offDiff };
}

/** The pull request as one unified diff, for the reviewer's prompt. */
export function unifiedDiff(files: readonly PullRequestFile[]): string {
  return files
    .map((file) => {
      const before = file.status === 'added' ? '/dev/null' : `a/${file.previousPath ?? file.path}`;
      const after = file.status === 'removed' ? '/dev/null' : `b/${file.path}`;
      const header = `diff --git a/${file.previousPath ?? file.path} b/${file.path}\n--- ${before}\n+++ ${after}`;
      const body = file.patch ?? '(no textual diff: a binary file, or too large for GitHub to show)';
      return `${header}\n${body}`;
    })
    .join('\n');
}
