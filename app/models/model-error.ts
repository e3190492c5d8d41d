/** Typed errors of the model layer; every message says what a maintainer should change. */
import type { ProviderName } from './model-choice.js';

export const MODEL_ERROR_KINDS = ['auth', 'unreachable', 'rate-limited', 'bad-request', 'unknown'] as const;
export type ModelErrorKind = (typeof MODEL_ERROR_KINDS)[number];

/** The configuration cannot produce a model: a missing key, a missing baseUrl, an unknown provider. */
export class ModelConfigError extends Error {
  /** The environment variable to set, when that is the fix. */
  readonly variable: string | undefined;

  constructor(message: string, options?: { variable?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'ModelConfigError';
    this.variable = options?.variable;
  }
}

/** A call to a provider failed; `kind` decides what the caller does (retry later, fail the run, …). */
export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly provider: ProviderName;
  readonly model: string;
  /** HTTP status the provider answered with, when it answered at all. */
  readonly status: number | undefined;

  constructor(
    message: string,
    fields: { kind: ModelErrorKind; provider: ProviderName; model: string; status?: number; cause?: unknown },
  ) {
    super(message, { cause: fields.cause });
    this.name = 'ModelError';
    this.kind = fields.kind;
    this.provider = fields.provider;
    this.model = fields.model;
    this.status = fields.status;
  }
}
