/**
 * A Log that removes secret values from every line before it reaches the real log. Agent summaries,
 * gate output and git errors can all carry a token the agent found; the log is one more way out.
 */
import type { Log } from '../core/logger.js';

export type Redact = (text: string) => string;

export function redactingLog(log: Log, redact: Redact): Log {
  const clean = (obj: object | string): object | string =>
    typeof obj === 'string' ? redact(obj) : redactDeep(obj, redact);
  const wrap =
    (write: Log['info']) =>
    (obj: object | string, msg?: string): void =>
      msg === undefined ? write(clean(obj)) : write(clean(obj), redact(msg));
  return {
    debug: wrap((...args) => log.debug(...args)),
    info: wrap((...args) => log.info(...args)),
    warn: wrap((...args) => log.warn(...args)),
    error: wrap((...args) => log.error(...args)),
    child: (bindings) => redactingLog(log.child ? log.child(redactDeep(bindings, redact)) : log, redact),
  };
}

/** Every string inside a JSON-like value, redacted; errors become their redacted message. */
export function redactDeep<T>(value: T, redact: Redact): T {
  return walk(value, redact) as T;
}

function walk(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return redact(value.message);
  if (Array.isArray(value)) return value.map((item) => walk(item, redact));
  // Only plain data is rebuilt; anything else (a Date, a Buffer) passes as it is.
  if (
    value !== null &&
    typeof value === 'object' &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  ) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, redact)]));
  }
  return value;
}
