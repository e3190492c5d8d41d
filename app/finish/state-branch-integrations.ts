/**
 * Integration results travel from the integrate job to the control plane through the repository's
 * state branch, like plans travel the other way: the job writes
 * `.autodev/integrations/<run>/wave-<n>.json`, and finishing reads it. No artifact download (a zip
 * behind a redirect) is needed, and it works the same for the hosted app and Actions-only mode.
 */
import type { RepoRef, Run } from '../runs/run.js';
import { type Scm, ScmError } from '../scm/scm.js';
import { STATE_BRANCH, STATE_ROOT } from '../store/state-branch-files.js';
import type { IntegrationSource, WaveIntegration } from './integration-source.js';

export function integrationReportPath(runId: string, wave: number): string {
  return `${STATE_ROOT}/integrations/${runId}/wave-${wave}.json`;
}

export async function publishIntegration(
  scm: Pick<Scm, 'defaultBranch' | 'ensureBranch' | 'readFileWithSha' | 'writeFile'>,
  repo: RepoRef,
  wave: number,
  result: WaveIntegration,
): Promise<void> {
  await scm.ensureBranch(repo, STATE_BRANCH, await scm.defaultBranch(repo));
  const path = integrationReportPath(result.runId, wave);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  // Other jobs write the state branch too: re-read and retry when the branch moved under us.
  for (let attempt = 0; attempt < 4; attempt++) {
    const current = await scm.readFileWithSha(repo, path, STATE_BRANCH);
    try {
      await scm.writeFile(repo, {
        branch: STATE_BRANCH,
        path,
        text,
        message: `autodev: integration of wave ${wave} of run ${result.runId} [skip ci]`,
        expectedSha: current?.sha ?? null,
      });
      return;
    } catch (error) {
      if (!(error instanceof ScmError && error.kind === 'conflict')) throw error;
    }
  }
  throw new Error(`could not write ${path} on ${STATE_BRANCH}: it kept changing`);
}

function isWaveIntegration(value: unknown): value is WaveIntegration {
  const v = value as Partial<WaveIntegration> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.runId === 'string' &&
    typeof v.branch === 'string' &&
    Array.isArray(v.merges) &&
    Array.isArray(v.gates) &&
    typeof v.passed === 'boolean'
  );
}

/** Reads what the integrate jobs published; a missing or unreadable report counts as not reported. */
export function stateBranchIntegrations(scm: Pick<Scm, 'readFile'>): IntegrationSource {
  return {
    async forWave(run: Run, wave: number) {
      const text = await scm.readFile(run.repo, integrationReportPath(run.id, wave), STATE_BRANCH);
      if (text === null) return null;
      try {
        const parsed: unknown = JSON.parse(text);
        return isWaveIntegration(parsed) && parsed.runId === run.id ? parsed : null;
      } catch {
        return null;
      }
    },
  };
}
