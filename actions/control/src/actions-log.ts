/** The core's Log over the runner's log: warnings and errors become annotations on the run. */
import * as core from '@actions/core';
import type { Log } from '../../../app/core/logger.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(text: string): LogLevel {
  const value = text.trim().toLowerCase() || 'info';
  const level = LOG_LEVELS.find((known) => known === value);
  if (!level) throw new Error(`log-level must be one of ${LOG_LEVELS.join(', ')}, not "${text}"`);
  return level;
}

const WRITERS: Record<LogLevel, (line: string) => void> = {
  debug: (line) => core.info(line),
  info: (line) => core.info(line),
  warn: (line) => core.warning(line),
  error: (line) => core.error(line),
};

export function actionsLog(level: LogLevel, bindings: Record<string, unknown> = {}): Log {
  const threshold = LOG_LEVELS.indexOf(level);
  const write = (at: LogLevel) => (obj: object | string, msg?: string) => {
    const line = formatLine(obj, msg, bindings);
    if (LOG_LEVELS.indexOf(at) >= threshold) WRITERS[at](line);
    // Below the level a line still reaches the runner's debug log, shown when a run is re-run with it.
    else if (at === 'debug') core.debug(line);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => actionsLog(level, { ...bindings, ...more }),
  };
}

function formatLine(
  obj: object | string,
  msg: string | undefined,
  bindings: Record<string, unknown>,
): string {
  const fields: Record<string, unknown> = { ...bindings, ...(typeof obj === 'string' ? {} : obj) };
  const text = typeof obj === 'string' ? obj : (msg ?? '');
  const err = fields.err;
  if (err instanceof Error) fields.err = err.message;
  const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${text}${rest}`;
}
