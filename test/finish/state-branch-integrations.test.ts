import { describe, expect, it } from '@jest/globals';
import {
  integrationReportPath,
  stateBranchIntegrations,
} from '../../app/finish/state-branch-integrations.js';
import type { Run } from '../../app/runs/run.js';

const run = { id: 'abc123', repo: { owner: 'o', repo: 'r' } } as Run;
const report = {
  runId: 'abc123',
  branch: 'autodev/abc123/integration',
  head: 'f00',
  merges: [],
  gates: [],
  passed: true,
};

function source(files: Record<string, string>) {
  return stateBranchIntegrations({
    readFile: async (_repo, path, ref) => (ref === 'autodev-state' ? (files[path] ?? null) : null),
  });
}

describe('stateBranchIntegrations', () => {
  it('reads the report a wave published on the state branch', async () => {
    const path = integrationReportPath('abc123', 2);
    expect(path).toBe('.autodev/integrations/abc123/wave-2.json');
    expect(await source({ [path]: JSON.stringify(report) }).forWave(run, 2)).toEqual(report);
  });

  it('counts a missing, malformed or foreign report as not reported', async () => {
    const path = integrationReportPath('abc123', 1);
    expect(await source({}).forWave(run, 1)).toBeNull();
    expect(await source({ [path]: '{ not json' }).forWave(run, 1)).toBeNull();
    expect(await source({ [path]: JSON.stringify({ runId: 'abc123' }) }).forWave(run, 1)).toBeNull();
    expect(
      await source({ [path]: JSON.stringify({ ...report, runId: 'other' }) }).forWave(run, 1),
    ).toBeNull();
  });
});
