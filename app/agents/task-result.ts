/** What one agent job reports back: the result JSON (job output and artifact) and the check run. */

export interface GateResult {
  /** `setup` installs what the gates need (config `setup`); it is not a gate but is reported like one. */
  name: 'setup' | 'test' | 'lint' | 'typecheck';
  command: string;
  exitCode: number;
  durationMs: number;
  /** Output tail, redacted. */
  outputTail: string;
  passed: boolean;
}

export interface TaskResult {
  runId: string;
  taskId: string;
  status: 'succeeded' | 'failed';
  /** Why it failed, in a sentence a maintainer can act on. */
  reason?: string;
  branch: string;
  commit?: string;
  backend: string;
  summary: string;
  attempts: number;
  gates: GateResult[];
  tokens: number;
  costUsd: number;
  durationMs: number;
}
