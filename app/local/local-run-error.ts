/**
 * How a local run ends badly, as the CLI needs to know it: `usage` when the input must change before
 * anything can start (exit 2), `failed` when the run started and did not succeed (exit 1), `cancelled`
 * on Ctrl-C (exit 130, the shell's convention for SIGINT). Messages say what to change.
 */
export type LocalRunErrorKind = 'usage' | 'failed' | 'cancelled';

export class LocalRunError extends Error {
  constructor(
    readonly kind: LocalRunErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalRunError';
  }
}

export function usageError(message: string, cause?: unknown): LocalRunError {
  return new LocalRunError('usage', message, cause === undefined ? undefined : { cause });
}
