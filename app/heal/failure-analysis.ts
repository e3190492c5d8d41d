/** What the failure analyser (analyse-failure.ts) makes of the logs of a failed CI run. */

export const FAILURE_CLASSES = [
  'syntax_error',
  'import_error',
  'test_failure',
  'lint_error',
  'type_error',
  'security_vulnerability',
  'build_failure',
  'runtime_error',
  'timeout',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface FailureLocation {
  /** Repository-relative when the log allows (runner workspace prefixes stripped). */
  file: string;
  line?: number;
  column?: number;
}

/** The log of one failed job, as GitHub serves it (timestamps, ##[group] / ##[error] markers). */
export interface JobLog {
  jobName: string;
  log: string;
  jobId?: number;
  /** The job's HTML URL, for the issue body. */
  url?: string;
}

export interface FailureAnalysis {
  class: FailureClass;
  severity: Severity;
  /** The error messages, de-duplicated, timestamps and markers removed; at most 20. */
  messages: string[];
  locations: FailureLocation[];
  /** A deterministic healer can fix it (formatter, eslint --fix, a missing dependency, a lockfile). */
  fixableWithoutModel: boolean;
  /**
   * Stable across runs of the same failure: class + normalised first messages without timestamps,
   * durations, line numbers of stack frames, temp paths or run ids. Same failure, same signature.
   */
  signature: string;
  /** The failing command when the log shows it (the step's `##[group]Run …` line), e.g. "npm run lint". */
  command?: string;
  /** Name of the failed step, when known. */
  step?: string;
  jobName: string;
  /** Up to ~60 lines around the first error, markers and timestamps removed, for prompts and issues. */
  excerpt: string;
}
