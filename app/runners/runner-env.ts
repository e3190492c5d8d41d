/** What every autodev action reads from the Actions runner's environment, the same way. */
import type { RepoRef } from '../runs/run.js';

/** A variable the runner always sets; its absence means the code runs outside a job step. */
export function requireRunnerVariable(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: this action runs only as a step of a GitHub Actions job`);
  return value;
}

export function runnerRepository(env: NodeJS.ProcessEnv): RepoRef {
  const [owner, repo, ...rest] = requireRunnerVariable(env, 'GITHUB_REPOSITORY').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`GITHUB_REPOSITORY must look like owner/name, not "${env.GITHUB_REPOSITORY}"`);
  }
  return { owner, repo };
}
