/** Starts bench/simulator-process.ts as a child process and returns its URL. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulatorSeed } from '../sandbox/github-simulator.js';

export async function spawnSimulator(seed: SimulatorSeed): Promise<{ url: string; close(): void }> {
  const seedFile = join(mkdtempSync(join(tmpdir(), 'autodev-bench-')), 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const script = fileURLToPath(new URL('./simulator-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, seedFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('simulator did not start in 30 s')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url, close: () => child.stdin.end() };
}
