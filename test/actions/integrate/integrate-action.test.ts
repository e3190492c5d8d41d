/**
 * The committed bundle actions/integrate/dist/index.js, run by the local runner exactly as the Actions
 * runner would run the step after a wave: a checkout in GITHUB_WORKSPACE whose origin (a bare
 * repository) holds the task branches the agent jobs pushed, the plan file the control plane
 * publishes, and the scripted integrator (AUTODEV_AGENT_SCRIPT, test and demo only) instead of a model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planDocument } from '../../../app/dispatch/actions-dispatcher.js';
import type { IntegrationResult } from '../../../app/integrate/integrate-wave.js';
import { runBundledAction, type BundledActionResult } from '../../../app/runners/local-runner.js';
import type { Task } from '../../../app/runs/run.js';
import { git, remoteBranches } from '../../agent-task/task-fixtures.js';
import { aRun } from '../../runs/run-fixtures.js';
import {
  createWaveRepo,
  listWith,
  moduleFiles,
  pushTaskBranch,
  removeRepo,
  WAVE_FILES,
  type WaveRepo,
} from '../../integrate/wave-fixtures.js';

const CANARY = 'canary-5e6f7a8b9c0d1e2f';
let repo: WaveRepo;

function task(id: string, dependsOn: string[] = []): Task {
  return {
    id,
    title: `Add ${id}`,
    role: 'coder',
    dependsOn,
    state: 'succeeded',
    links: {},
    tokens: 0,
    costUsd: 0,
  };
}

/** A plan of three tasks (right after left), published where the workflow's fetch step puts it. */
async function writePlan(runId: string): Promise<string> {
  const run = aRun({
    id: runId,
    repo: { owner: 'octo-org', repo: 'wave' },
    issueNumber: 5,
    plan: {
      goal: 'A list with everything in it',
      acceptanceCriteria: ['npm test passes'],
      briefs: {
        right: {
          description: 'Put right in the list',
          files: ['src/list.js'],
          acceptance: ['items has right'],
          estimateMinutes: 5,
          candidates: 1,
        },
      },
    },
    tasks: [task('left'), task('right', ['left']), task('tail')],
  });
  const path = join(repo.root, `plan-${runId}.json`);
  await writeFile(path, JSON.stringify(planDocument(run), null, 2));
  await pushTaskBranch(repo, runId, 'left', { 'src/list.js': listWith('left') });
  await pushTaskBranch(repo, runId, 'right', { 'src/list.js': listWith('right') });
  await pushTaskBranch(repo, runId, 'tail', moduleFiles('tail'));
  return path;
}

async function runStep(
  runId: string,
  script: unknown,
  tasks = '["tail","right","left"]',
): Promise<BundledActionResult> {
  const scriptPath = join(repo.root, `script-${runId}.json`);
  await writeFile(scriptPath, JSON.stringify(script));
  return runBundledAction({
    actionDir: join(process.cwd(), 'actions', 'integrate'),
    inputs: { 'run-id': runId, wave: '1', 'plan-file': await writePlan(runId), tasks },
    env: { AUTODEV_AGENT_SCRIPT: scriptPath, AUTODEV_CANARY_TOKEN: CANARY },
    runner: {
      workspace: repo.clone,
      repository: 'octo-org/wave',
      temp: repo.root,
      token: 'ghs_local',
      runId: '77',
    },
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  repo = await createWaveRepo({ ...WAVE_FILES, '.github/autodev.yml': 'gates:\n  test: npm test\n' });
}, 30_000);

afterAll(() => removeRepo(repo));

describe('actions/integrate as a workflow step', () => {
  it('merges the wave, resolves the conflict with the integrator, and reports it four ways', async () => {
    const step = await runStep('ractok', {
      integrator: [
        {
          actions: [{ write: 'src/list.js', content: listWith('left', 'right') }],
          summary: `kept both; saw ${CANARY}`,
        },
      ],
    });
    expect({ code: step.exitCode, stderr: step.stderr }).toEqual({ code: 0, stderr: '' });

    const result = JSON.parse(step.outputs.result ?? '{}') as IntegrationResult;
    expect(result.merges.map((m) => [m.taskId, m.status])).toEqual([
      ['left', 'merged'],
      ['right', 'resolved'],
      ['tail', 'merged'],
    ]);
    expect(result.merges[1]?.note).toBe(
      'the integrator resolved the conflicts in src/list.js: kept both; saw ***',
    );
    expect(result.gates.map((g) => [g.command, g.passed])).toEqual([['npm test', true]]);
    expect(result.passed).toBe(true);
    const file = JSON.parse(
      await readFile(join(repo.root, 'autodev-integration-1.json'), 'utf8'),
    ) as IntegrationResult;
    expect(file).toEqual(result);
    expect((await remoteBranches(repo.bare))['autodev/ractok/integration']).toBe(result.head);
    expect(await git(repo.bare, 'show', 'autodev/ractok/integration:src/list.js')).toBe(
      listWith('left', 'right').trimEnd(),
    );

    expect(step.summary).toContain('### ✅ autodev integration of wave 1');
    expect(step.summary).toContain('| `right` | 🔀 resolved |');
    expect(step.summary).toContain('| test | `npm test` | ✅ passed | 0 |');
    for (const text of [step.stdout, step.summary, JSON.stringify(step.outputs)])
      expect(text).not.toContain(CANARY);
  }, 90_000);

  it('fails the step, naming the task and file, when the conflict stays; the rest is still pushed', async () => {
    const step = await runStep('ractstuck', { integrator: [{ actions: [], summary: 'gave it a look' }] });
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toContain(
      '::error::autodev integration of wave 1: not merged because of conflicts: right (src/list.js)',
    );
    const result = JSON.parse(
      await readFile(join(repo.root, 'autodev-integration-1.json'), 'utf8'),
    ) as IntegrationResult;
    expect(result.runId).toBe('ractstuck');
    expect(result.merges.map((m) => m.status)).toEqual(['merged', 'conflicted', 'merged']);
    expect((await remoteBranches(repo.bare))['autodev/ractstuck/integration']).toBe(result.head);
    expect(step.summary).toContain('### ❌ autodev integration of wave 1');
  }, 90_000);

  it('fails the step with the reason when the plan has no such task', async () => {
    const step = await runStep('ractbad', {}, '["nope"]');
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toContain('::error::run ractbad has no task `nope` (its tasks: left, right, tail)');
  }, 60_000);
});
