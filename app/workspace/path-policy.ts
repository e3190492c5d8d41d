/**
 * The pure half of path checking: turns a path written by an agent into a normalised
 * repository-relative path, and decides whether the policy lets it be read or written. The file
 * system half (symbolic links) is in resolve-in-root.ts and runs these checks again on the real path.
 */
import { firstMatchingGlob } from './glob-match.js';
import { SandboxError } from './workspace.js';
import type { WorkspacePolicy } from './workspace.js';

export type PathIntent = 'read' | 'write';

const CONFIG_FILE = '.github/autodev.yml';

/**
 * "src/./a/../b.ts" → "src/b.ts"; "" or "." → "" (the root). Refuses what could point outside the
 * worktree or be read differently by another layer: absolute paths, `..` above the root, NUL bytes,
 * URL-encoded dots and slashes. Backslashes count as separators so `..\x` cannot slip through.
 */
export function normaliseAgentPath(input: string): string {
  const shown = JSON.stringify(input);
  if (input.includes('\0')) {
    throw new SandboxError(
      'bad-argument',
      `The path ${shown} contains a NUL byte; give a plain relative path.`,
    );
  }
  if (/%(?:2e|2f|5c|00)/i.test(input)) {
    throw new SandboxError(
      'path-escape',
      `The path ${shown} contains URL-encoded dots or slashes (%2e, %2f, %5c); paths are taken literally, give the plain relative path.`,
    );
  }
  const slashed = input.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || slashed.startsWith('~')) {
    throw new SandboxError(
      'path-escape',
      `The path ${shown} is absolute; give a path relative to the repository root (e.g. "src/index.ts").`,
    );
  }
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new SandboxError(
          'path-escape',
          `The path ${shown} leads outside the repository; agents may only use files inside their worktree.`,
        );
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * True for a segment git or a file system would take as `.git`: any case, trailing dots or spaces
 * (Windows drops them), invisible Unicode (HFS+ ignores it) and the NTFS short name `git~1`.
 */
export function isGitDirName(segment: string): boolean {
  const name = segment
    .toLowerCase()
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g, '')
    .replace(/[. ]+$/, '');
  return name === '.git' || name === 'git~1';
}

export function isWorkflowPath(relPath: string): boolean {
  const lower = relPath.toLowerCase();
  return lower === '.github/workflows' || lower.startsWith('.github/workflows/');
}

/** Throws SandboxError('forbidden-path') when the policy does not allow this intent on the path. */
export function checkPathPolicy(relPath: string, intent: PathIntent, policy: WorkspacePolicy): void {
  const shown = `\`${relPath}\``;
  if (relPath.split('/').some(isGitDirName)) {
    throw new SandboxError(
      'forbidden-path',
      `${shown} is inside git's own directory (.git); agents may not read or write it. Use the git command (status, diff, log, show) for history.`,
    );
  }
  if (intent === 'read') return;
  if (isWorkflowPath(relPath) && !policy.allowWorkflowEdits) {
    throw new SandboxError(
      'forbidden-path',
      `${shown} is a workflow file; agents may change workflows only when allowWorkflowEdits is true in ${CONFIG_FILE}.`,
    );
  }
  const glob = firstMatchingGlob(relPath, policy.protectedPaths);
  if (glob !== undefined) {
    throw new SandboxError(
      'forbidden-path',
      `${shown} is protected by the pattern \`${glob}\` in protectedPaths (${CONFIG_FILE}); agents may not change it.`,
    );
  }
}

/**
 * For the step that commits an agent's work: the changed paths (e.g. `git diff --name-only`) the
 * policy forbids. Commands such as `node` or npm scripts can write anywhere the runner user can,
 * so the file tools' checks alone do not prove a diff respects the policy; this does.
 */
export function changedPathViolations(paths: readonly string[], policy: WorkspacePolicy): string[] {
  const reasons: string[] = [];
  for (const path of paths) {
    try {
      checkPathPolicy(normaliseAgentPath(path), 'write', policy);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      reasons.push(error.message);
    }
  }
  return reasons;
}
