/**
 * The file system half of path checking. A lexically clean path can still leave the worktree through
 * a symbolic link the agent (or the repository) created, or reach `.git` or a workflow under another
 * name (`ln -s .git g`). So every existing component is checked with lstat; through a link, the real
 * location must be inside the worktree and pass the policy again.
 */
import { lstat, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { checkPathPolicy, normaliseAgentPath } from './path-policy.js';
import type { PathIntent } from './path-policy.js';
import { SandboxError } from './workspace.js';
import type { WorkspacePolicy } from './workspace.js';

export interface ResolvedPath {
  /** Absolute path under the root, with no `.` or `..` left for the kernel to interpret. */
  absolute: string;
  /** Repository-relative POSIX path as the agent meant it ("" for the root). */
  relative: string;
}

export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

export async function resolveInRoot(
  root: string,
  realRoot: string,
  input: string,
  intent: PathIntent,
  policy: WorkspacePolicy,
): Promise<ResolvedPath> {
  const rel = normaliseAgentPath(input);
  checkPathPolicy(rel, intent, policy);
  const segments = rel === '' ? [] : rel.split('/');

  let current = root;
  for (let i = 0; i < segments.length; i++) {
    current = join(current, segments[i] as string);
    const stats = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      // The rest of the path does not exist yet (a file about to be written): nothing to follow.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (stats === undefined) break;
    if (!stats.isSymbolicLink()) continue;

    const linkRel = segments.slice(0, i + 1).join('/');
    const target = await realpath(current).catch(() => undefined);
    if (target === undefined) {
      throw new SandboxError(
        'path-escape',
        `\`${linkRel}\` is a symbolic link whose target does not exist; agents may not use dangling links.`,
      );
    }
    if (!isInside(realRoot, target)) {
      throw new SandboxError(
        'path-escape',
        `\`${rel}\` goes through the symbolic link \`${linkRel}\`, which points outside the worktree (${target}); agents may only use files inside their worktree.`,
      );
    }
    // The same policy applies to where the link really leads: `docs -> .git` is still .git.
    const realRel = [relative(realRoot, target).split(sep).join('/'), ...segments.slice(i + 1)]
      .filter((part) => part !== '')
      .join('/');
    checkPathPolicy(realRel, intent, policy);
  }
  return { absolute: join(root, ...segments), relative: rel };
}
