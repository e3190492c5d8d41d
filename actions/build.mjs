#!/usr/bin/env node
/**
 * Bundles every actions/<name>/src/index.ts into actions/<name>/dist/index.js: one ES module with all
 * dependencies inside, because a runner starts an action without installing anything.
 *
 *   node actions/build.mjs               writes the committed bundles
 *   node actions/build.mjs --out <dir>   writes <dir>/<name>/dist/index.js instead (the freshness test
 *                                        compares those with the committed ones, byte for byte)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// CommonJS dependencies (pg, undici's helpers) call require(), which an ES module does not have.
const BANNER = [
  "import { createRequire as __autodevCreateRequire } from 'node:module';",
  'const require = __autodevCreateRequire(import.meta.url);',
].join('\n');

// pg loads pg-native only when asked for the native driver, which autodev never does; it is not installed.
const EXTERNAL = ['pg-native'];

export function actionNames() {
  const dir = join(root, 'actions');
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .filter((name) => existsSync(join(dir, name, 'src', 'index.ts')))
    .sort();
}

export async function buildAction(name, outRoot = join(root, 'actions')) {
  const outfile = join(outRoot, name, 'dist', 'index.js');
  // Paths in the output are relative to absWorkingDir, so the bytes do not depend on where it is built.
  await build({
    absWorkingDir: root,
    entryPoints: [`actions/${name}/src/index.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    external: EXTERNAL,
    charset: 'utf8',
    logLevel: 'warning',
  });
  return outfile;
}

async function main(args) {
  const at = args.indexOf('--out');
  const outRoot = at >= 0 ? resolve(args[at + 1] ?? '') : undefined;
  for (const name of actionNames()) {
    const outfile = await buildAction(name, outRoot);
    const kib = Math.round(statSync(outfile).size / 1024);
    console.log(`${relative(process.cwd(), outfile)}  ${kib} KiB`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
