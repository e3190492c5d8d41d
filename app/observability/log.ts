/**
 * The control plane's JSON log: pino, one object per line, with secrets removed twice over — fields
 * whose names hold credentials are censored by path (pino `redact`), and every string that reaches the
 * log (messages, fields, bindings, error messages and stacks) has the values of the environment's
 * secret-looking variables replaced, in the encodings app/workspace/redact.ts knows.
 *
 * Correlation: the engine, run service and finishing code log through child loggers bound to
 * `deliveryId`, `runId` and `taskId`, so one run can be followed from its webhook to its pull request
 * with a filter on runId.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactionForms, redactWithForms, REDACTED, secretValuesFromEnv } from '../workspace/redact.js';

/** Field names that hold credentials wherever they appear (one level deep, and in request headers). */
export const SECRET_FIELDS = [
  'token',
  'password',
  'secret',
  'privateKey',
  'apiKey',
  'authorization',
  'cookie',
  'webhookSecret',
];

const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'request.headers.authorization',
  'err.request.headers.authorization',
];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL as a level; unset means info, anything else unknown is an error saying what is allowed. */
export function logLevelFromEnv(value: string | undefined): LogLevel {
  const text = value?.trim().toLowerCase() || 'info';
  const level = LOG_LEVELS.find((known) => known === text);
  if (!level) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  return level;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
  /** Whose secret-looking variables are redacted (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** More values to keep out of the log (tokens obtained at runtime). */
  secrets?: readonly string[];
  /** Fields on every line, e.g. { name: 'autodev' }. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const forms = redactionForms([
    ...secretValuesFromEnv(options.env ?? process.env),
    ...(options.secrets ?? []),
  ]);
  const clean = (text: string) => (forms.length === 0 ? text : redactWithForms(text, forms));
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { name: 'autodev' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrub(bindings, clean) as Record<string, unknown>,
        log: (object) => scrub(object, clean) as Record<string, unknown>,
      },
      hooks: {
        // The message strings (and printf arguments) never pass through formatters.log.
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? clean(arg) : arg));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}

/** Every string inside a log object redacted; errors kept as errors' fields (type, message, stack). */
function scrub(value: unknown, clean: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return clean(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const extra = scrub({ ...value }, clean, depth + 1) as Record<string, unknown>;
    return {
      ...extra,
      type: value.name,
      message: clean(value.message),
      ...(value.stack ? { stack: clean(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, clean, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, clean, depth + 1)]));
}
