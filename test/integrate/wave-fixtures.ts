/**
 * Real repositories for integration tests: a bare origin, a checkout of it (what actions/checkout
 * leaves), and task branches pushed to the origin the way agent jobs push them — from an author clone,
 * each branch starting from main or from the branch of a task it depends on.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { autodevConfigSchema, type AutodevConfig } from '../../app/config/config-schema.js';
import type { IntegrationTask } from '../../app/integrate/integrate-wave.js';
import { taskBranchName } from '../../app/workspace/git-worktrees.js';
import { createTestRepo, git, type TestRepo } from '../agent-task/task-fixtures.js';

const run = promisify(execFile);

/** A package whose `npm test` is `node --test`, and one shared list two tasks can collide on. */
export const WAVE_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    { name: 'wave', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } },
    null,
    2,
  )}\n`,
  'src/list.js': "export const items = [\n  'base',\n];\n",
  'test/list.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { items } from '../src/list.js';",
    '',
    "test('the list is not empty', () => assert.ok(items.length > 0));",
    '',
  ].join('\n'),
};

export interface WaveRepo extends TestRepo {
  /** A clone agents "work" in: task branches are made here and pushed to the origin. */
  author: string;
}

export async function createWaveRepo(files: Record<string, string> = WAVE_FILES): Promise<WaveRepo> {
  const repo = await createTestRepo(files);
  const author = join(repo.root, 'author');
  await run('git', ['clone', '--quiet', repo.bare, author]);
  return { ...repo, author };
}

/**
 * Pushes `autodev/<run>/<taskId>` with one commit writing `files`, started from `from` (a branch on
 * the origin; default main). The commit message carries a report, as an agent's commit does.
 */
export async function pushTaskBranch(
  repo: WaveRepo,
  runId: string,
  taskId: string,
  files: Record<string, string>,
  from = 'main',
): Promise<string> {
  const branch = taskBranchName(runId, taskId);
  await git(repo.author, 'fetch', '--quiet', 'origin');
  await git(repo.author, 'checkout', '--quiet', '-B', branch, `origin/${from}`);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo.author, path)), { recursive: true });
    await writeFile(join(repo.author, path), text);
  }
  await git(repo.author, 'add', '--all');
  const message = `feat(${taskId}): ${taskId}\n\nReport of ${taskId}: wrote ${Object.keys(files).join(', ')}.`;
  await git(
    repo.author,
    '-c',
    'user.name=Agent',
    '-c',
    'user.email=a@example.com',
    'commit',
    '--quiet',
    '-m',
    message,
  );
  await git(repo.author, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
  return git(repo.author, 'rev-parse', 'HEAD');
}

export function aTask(runId: string, taskId: string, dependsOn: string[] = []): IntegrationTask {
  return {
    taskId,
    title: `Add ${taskId}`,
    description: `Adds the ${taskId} module with its test.`,
    acceptance: [`${taskId} is exported and tested`],
    branch: taskBranchName(runId, taskId),
    dependsOn,
  };
}

/** A module and a passing test of it: a task that touches only its own files. */
export function moduleFiles(name: string): Record<string, string> {
  return {
    [`src/${name}.js`]: `export const ${name} = () => '${name}';\n`,
    [`test/${name}.test.js`]: [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      `import { ${name} } from '../src/${name}.js';`,
      '',
      `test('${name}', () => assert.equal(${name}(), '${name}'));`,
      '',
    ].join('\n'),
  };
}

/** src/list.js with `item` in place of 'base': two such tasks conflict on that line. */
export function listWith(...items: string[]): string {
  return `export const items = [\n${items.map((item) => `  '${item}',\n`).join('')}];\n`;
}

export function testConfig(gates: AutodevConfig['gates'] = { test: 'npm test' }): AutodevConfig {
  return autodevConfigSchema.parse({ gates });
}

export async function removeRepo(repo: TestRepo | undefined): Promise<void> {
  if (repo) await rm(repo.root, { recursive: true, force: true });
}
