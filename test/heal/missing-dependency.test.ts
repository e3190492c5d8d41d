/**
 * The missing-dependency healer with real npm against a small registry served on 127.0.0.1 (a real
 * tarball made by `npm pack`): node's import error names the package, npm adds it to package.json and
 * the lockfile, and `npm test` passes once it is installed. Without node_modules only package.json and
 * the lockfile change (`--package-lock-only`), which the re-run cannot verify.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { autodevConfigSchema } from '../../app/config/config-schema.js';
import { autoFix } from '../../app/heal/auto-fix.js';
import { applicableHealers } from '../../app/heal/healers.js';
import { readRepoFacts } from '../../app/heal/repo-facts.js';
import { git } from '../agent-task/task-fixtures.js';
import { failAndAnalyse, packageJson, projects, toolEnv } from './heal-fixtures.js';

const run = promisify(execFile);
const config = autodevConfigSchema.parse({ autoFix: { attempts: 1 } });
const repos = projects();
let server: Server;
let work: string;
let registry: string;
let integrity: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'autodev-registry-'));
  const pkg = join(work, 'left-pad');
  await mkdir(pkg);
  await writeFile(
    join(pkg, 'package.json'),
    packageJson({ name: 'left-pad', version: '1.3.0', main: 'index.js' }),
  );
  await writeFile(join(pkg, 'index.js'), "module.exports = (s, n, c = ' ') => String(s).padStart(n, c);\n");
  await run('npm', ['pack', '--pack-destination', work, '--silent'], {
    cwd: pkg,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const tarball = await readFile(join(work, 'left-pad-1.3.0.tgz'));
  integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  server = createServer((request, response) => {
    if (request.url === '/left-pad') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          name: 'left-pad',
          'dist-tags': { latest: '1.3.0' },
          versions: {
            '1.3.0': {
              name: 'left-pad',
              version: '1.3.0',
              main: 'index.js',
              dist: {
                tarball: `${registry}left-pad/-/left-pad-1.3.0.tgz`,
                shasum: createHash('sha1').update(tarball).digest('hex'),
                integrity,
              },
            },
          },
        }),
      );
    } else if (request.url === '/left-pad/-/left-pad-1.3.0.tgz') {
      response.setHeader('content-type', 'application/octet-stream');
      response.end(tarball);
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await repos.removeAll();
  await rm(work, { recursive: true, force: true });
});

function padProject(): Record<string, string> {
  return {
    'package.json': packageJson({ type: 'module', scripts: { test: 'node src/pad.js' }, dependencies: {} }),
    '.npmrc': `registry=${registry}\ncache=${join(work, 'cache')}\naudit=false\nfund=false\nupdate-notifier=false\n`,
    'src/pad.js':
      "import leftPad from 'left-pad';\nimport { helper } from './helper.js';\nif (leftPad(helper(), 3, '0') !== '007') process.exit(1);\n",
    'src/helper.js': "export const helper = () => '7';\n",
  };
}

describe('the missing-dependency healer', () => {
  it('adds and installs the package the import error names, verified by the re-run', async () => {
    const repo = await repos.make(padProject());
    await mkdir(join(repo.clone, 'node_modules'));
    const analysis = failAndAnalyse(repo.clone, 'npm test');
    expect(analysis.class).toBe('import_error');

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'npm test',
      config,
      env: toolEnv(),
    });

    expect(result).toMatchObject({
      fixed: true,
      modelCalls: 0,
      fixedBy: { kind: 'healer', name: 'missing-dependency' },
    });
    expect(result.attempts[0]?.tried).toBe('installed and added left-pad to dependencies');
    const manifest = JSON.parse(await readFile(join(repo.clone, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toEqual({ 'left-pad': '^1.3.0' });
    expect(await git(repo.clone, 'show', '--name-only', '--format=%s', 'HEAD')).toBe(
      'fix(ci): add the missing dependency\n\npackage-lock.json\npackage.json',
    );
  }, 60_000);

  it('only writes package.json and the lockfile when nothing is installed, and does not call that fixed', async () => {
    const repo = await repos.make(padProject());
    const analysis = failAndAnalyse(repo.clone, 'npm test');

    const result = await autoFix({
      dir: repo.clone,
      branch: 'main',
      analysis,
      failingCommand: 'npm test',
      config,
      env: toolEnv(),
    });

    expect(result.fixed).toBe(false);
    expect(result.attempts.map((a) => [a.name, a.tried, a.changed, a.verification?.exitCode])).toEqual([
      [
        'missing-dependency',
        'added (lockfile only) left-pad to dependencies',
        ['package-lock.json', 'package.json'],
        1,
      ],
    ]);
    const manifest = JSON.parse(await readFile(join(repo.clone, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toEqual({ 'left-pad': '^1.3.0' });
    const lock = JSON.parse(await readFile(join(repo.clone, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    expect(lock.packages['node_modules/left-pad']).toEqual({ version: '1.3.0', integrity });
    expect(existsSync(join(repo.clone, 'node_modules'))).toBe(false);
    expect(result.commits).toEqual([]);
  }, 60_000);

  it('never applies to a relative import', async () => {
    const repo = await repos.make({
      ...padProject(),
      'src/pad.js': "import { gone } from './gone.js';\ngone();\n",
    });
    const analysis = failAndAnalyse(repo.clone, 'npm test');
    expect(analysis.class).toBe('import_error');
    expect(applicableHealers(analysis, await readRepoFacts(repo.clone), config.autoFix)).toEqual([]);
  }, 30_000);
});
