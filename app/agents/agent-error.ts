/**
 * Why an agent backend could not start, phrased as what to change: a CLI missing from the runner, a key
 * variable not set, an unknown backend name. Failures of the agent's own work are outcomes, not errors.
 */

export type AgentErrorKind = 'not-installed' | 'missing-key' | 'unknown-backend' | 'misconfigured';

export class AgentError extends Error {
  readonly kind: AgentErrorKind;
  /** The environment variable to set, when that is the fix. */
  readonly variable: string | undefined;

  constructor(kind: AgentErrorKind, message: string, options?: { variable?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'AgentError';
    this.kind = kind;
    this.variable = options?.variable;
  }
}
