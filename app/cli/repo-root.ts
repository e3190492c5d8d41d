/** The autodev package's root folder, from either app/ (tsx, jest) or the compiled lib/app/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'app.yml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('could not find the autodev package root (package.json + app.yml)');
    dir = parent;
  }
}
