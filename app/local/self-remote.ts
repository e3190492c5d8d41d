/**
 * A git remote that is the repository itself, named per run (`autodev-<run>`), for the steps that work
 * through a remote (integrateWave fetches task branches from it and pushes the integration branch to
 * it). git takes remote names, not paths, for remote-tracking refs, so the remote must be configured;
 * it is removed when the run ends, and `git remote remove` takes its tracking refs with it.
 */
import { runGit } from './local-git.js';

export function selfRemoteName(runId: string): string {
  return `autodev-${runId}`;
}

export async function addSelfRemote(root: string, name: string): Promise<void> {
  await runGit(root, ['remote', 'add', '--no-tags', name, root]);
}

export async function removeSelfRemote(root: string, name: string): Promise<void> {
  await runGit(root, ['remote', 'remove', name]);
}
