/** The slice of pino's logger the core uses, so tests and the Actions mode can pass their own. */
export interface Log {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: Record<string, unknown>): Log;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export function childLog(log: Log, bindings: Record<string, unknown>): Log {
  return log.child ? log.child(bindings) : log;
}
