/**
 * The demo seed (test/fixtures/sandbox/seed.json) served by a simulator, with an octokit authenticated as
 * the app's installation: the starting point of the simulator's own tests and of quick experiments.
 */
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { startGitHubSimulator } from './github-simulator.js';
import { withAgentsWorkflow } from './simulator-seed.js';
import type { GitHubSimulator, SimulatorOptions, SimulatorSeed } from './github-simulator.js';

export const DEMO_REPO = { owner: 'octo-org', repo: 'hello-world' } as const;

/** The demo seed as `autodev sandbox` serves it: with autodev's real agents workflow in each repository. */
export function loadDemoSeed(): SimulatorSeed {
  const file = new URL('../fixtures/sandbox/seed.json', import.meta.url);
  const workflow = readFileSync(
    new URL('../../.github/workflows/autodev-agents.yml', import.meta.url),
    'utf8',
  );
  return withAgentsWorkflow(JSON.parse(readFileSync(file, 'utf8')) as SimulatorSeed, workflow);
}

/** An octokit as the installation (or with `auth` as given), quiet about the errors tests provoke. */
export function simulatorOctokit(
  simulator: GitHubSimulator,
  auth = simulator.createInstallationToken(),
): Octokit {
  const quiet = () => undefined;
  return new Octokit({
    auth,
    baseUrl: simulator.url,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

export async function startDemoSimulator(
  options: Partial<SimulatorOptions> = {},
): Promise<{ simulator: GitHubSimulator; github: Octokit }> {
  const simulator = await startGitHubSimulator({ seed: loadDemoSeed(), ...options });
  return { simulator, github: simulatorOctokit(simulator) };
}
