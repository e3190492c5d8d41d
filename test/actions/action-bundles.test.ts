/**
 * The committed bundles are what their sources build to today: a runner runs dist/index.js, never the
 * TypeScript, so a stale bundle ships yesterday's code. Builds into a temporary folder and compares bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const names = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'src', 'index.ts')),
);
let out = '';

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'autodev-bundles-'));
  const build = spawnSync(process.execPath, [join(root, 'actions', 'build.mjs'), '--out', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`actions/build.mjs failed:\n${build.stdout}${build.stderr}`);
}, 60_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('committed action bundles', () => {
  it('exist for actions/control, actions/agent, actions/integrate and actions/auto-fix at least', () => {
    expect(names).toEqual(expect.arrayContaining(['control', 'agent', 'integrate', 'auto-fix']));
  });

  it.each(names)('actions/%s/dist/index.js matches a fresh build', (name) => {
    const committed = join(root, 'actions', name, 'dist', 'index.js');
    const fresh = readFileSync(join(out, name, 'dist', 'index.js'));
    const hint = `actions/${name}/dist/index.js is stale: run \`npm run build:actions\` and commit the result`;
    expect({ hint, missing: !existsSync(committed) }).toEqual({ hint, missing: false });
    expect({ hint, same: fresh.equals(readFileSync(committed)) }).toEqual({ hint, same: true });
  });
});
