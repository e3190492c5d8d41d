/** Every workflow and action metadata file passes action-validator (GitHub's schemas for both). */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = process.cwd();
// The CLI's own file rather than `npx`, which adds a second or two and npm's warnings per file.
const cli = join(
  dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')),
  'cli.mjs',
);

function filesToCheck(): string[] {
  const workflows = join(root, '.github', 'workflows');
  const actions = join(root, 'actions');
  return [
    ...readdirSync(workflows)
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => join('.github', 'workflows', name)),
    ...readdirSync(actions)
      .map((name) => join('actions', name, 'action.yml'))
      .filter((path) => existsSync(join(root, path))),
  ];
}

describe('action-validator', () => {
  const files = filesToCheck();

  it('finds the workflows and actions', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        join('.github', 'workflows', 'autodev.yml'),
        join('.github', 'workflows', 'ci.yml'),
        join('actions', 'control', 'action.yml'),
        join('actions', 'integrate', 'action.yml'),
        join('.github', 'workflows', 'autodev-auto-fix.yml'),
        join('.github', 'workflows', 'autodev-on-failure.yml'),
        join('actions', 'auto-fix', 'action.yml'),
      ]),
    );
  });

  it.each(files)('accepts %s', (file) => {
    const result = spawnSync(process.execPath, [cli, file], { cwd: root, encoding: 'utf8' });
    expect({ file, status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
      file,
      status: 0,
      output: '',
    });
  });
});
