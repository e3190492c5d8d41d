/** Where an agent job's branch starts: the input, the run's integration branch on origin, or HEAD. */
import { describe, expect, it } from '@jest/globals';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backendName, resolveTaskBase } from '../../app/agent-task/agent-job.js';
import { createTestRepo, git } from './task-fixtures.js';

describe('resolveTaskBase', () => {
  it('starts from the given ref, else the run’s integration branch on origin, else HEAD', async () => {
    const repo = await createTestRepo();
    try {
      expect(await resolveTaskBase(repo.clone, 'r1')).toBe(repo.base);
      // An earlier wave's integrate job pushed the run's integration branch with one more commit.
      await git(repo.clone, 'checkout', '--quiet', '-b', 'autodev/r1/integration');
      await writeFile(join(repo.clone, 'merged.txt'), 'wave 1\n');
      await git(repo.clone, 'add', 'merged.txt');
      await git(repo.clone, '-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '--quiet', '-m', 'wave 1');
      await git(repo.clone, 'push', '--quiet', 'origin', 'autodev/r1/integration');
      await git(repo.clone, 'checkout', '--quiet', 'main');
      const merged = await git(repo.clone, 'rev-parse', 'origin/autodev/r1/integration');
      expect(await resolveTaskBase(repo.clone, 'r1')).toBe(merged);
      expect(await resolveTaskBase(repo.clone, 'r2')).toBe(repo.base);
      expect(await resolveTaskBase(repo.clone, 'r1', 'main')).toBe(repo.base);
      await expect(resolveTaskBase(repo.clone, 'r1', 'no-such-ref')).rejects.toThrow(/git rev-parse failed/);
    } finally {
      await rm(repo.root, { recursive: true, force: true });
    }
  });
});

describe('backendName', () => {
  it('takes the input, then a reassignment from the control plane, then the script, then builtin', () => {
    expect(backendName({ backend: 'codex', reassignedTo: 'claude', env: {} })).toBe('codex');
    expect(backendName({ reassignedTo: 'claude', env: { AUTODEV_AGENT_SCRIPT: 'x.json' } })).toBe('claude');
    expect(backendName({ env: { AUTODEV_AGENT_SCRIPT: 'x.json' } })).toBe('scripted');
    expect(backendName({ env: {} })).toBe('builtin');
  });
});
