#!/usr/bin/env node
// Launcher: compiles the TypeScript sources when the build is missing or older than them, then
// hands over to the CLI. Plain JavaScript so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'lib', 'app', 'cli', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (!existsSync(entry)) return true;
  const sources = [join(root, 'app'), join(root, 'test', 'sandbox')].filter(existsSync);
  return Math.max(...sources.map(newestSource)) > statSync(entry).mtimeMs;
}

if (needsBuild()) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.error(
      'autodev: the build in lib/ is missing or stale and TypeScript is not installed. Run `npm install` first.',
    );
    process.exit(1);
  }
  console.error('autodev: building (first run or sources changed)…');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'app', 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
