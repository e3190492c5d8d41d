/**
 * A Log that appends JSON lines to a file: the terminal shows the live view, the file keeps the details
 * (gate commands, attempts, git errors) for when a run needs explaining. Synchronous appends keep the
 * lines in order across parallel agents and cost nothing next to an agent's turn.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Log } from '../core/logger.js';

export function fileLog(path: string, bindings: Record<string, unknown> = {}, now = () => new Date()): Log {
  mkdirSync(dirname(path), { recursive: true });
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, ...(msg === undefined ? {} : { msg }) };
    try {
      appendFileSync(
        path,
        `${JSON.stringify({ time: now().toISOString(), level, ...bindings, ...fields })}\n`,
      );
    } catch {
      // A log that cannot be written must not fail the run it describes.
    }
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => fileLog(path, { ...bindings, ...more }, now),
  };
}
