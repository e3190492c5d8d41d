/** Typed slash commands. The parser (parse-command.ts) turns comment text into one of these. */

export const STRATEGIES = ['waterfall', 'agile', 'feature-first', 'test-driven', 'risk-driven'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const COMPLEXITIES = ['atomic', 'simple', 'moderate', 'complex', 'enterprise'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export const COMMAND_NAMES = [
  'parallel-dev',
  'auto-fix',
  'plan',
  'approve',
  'status',
  'cancel',
  'retry',
  'remember',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface ParallelDevCommand {
  name: 'parallel-dev';
  /** Feature text; when absent the issue body is the spec. */
  feature?: string;
  strategy?: Strategy;
  instances?: number;
  complexity?: Complexity;
  /** Dollar budget for this run, overriding the config's. */
  budget?: number;
}

export type Command =
  | ParallelDevCommand
  | { name: 'auto-fix'; attempts?: number }
  | { name: 'plan'; feedback: string }
  | { name: 'approve' }
  | { name: 'status' }
  | { name: 'cancel' }
  | { name: 'retry'; taskId: string }
  | { name: 'remember'; kind: RememberKind; text: string }
  | { name: 'help' };

/** What `/remember` may store; outcomes (success, failure) are autodev's own to record. */
export const REMEMBER_KINDS = [
  'convention',
  'decision',
  'architecture',
  'pattern',
  'dependency',
  'learning',
] as const;
export type RememberKind = (typeof REMEMBER_KINDS)[number];

export type CommandError =
  /** `/frobnicate` — the reply is the help text. */
  | { kind: 'unknown-command'; command: string }
  /** `/parallel-dev colour=red` */
  | { kind: 'unknown-key'; command: CommandName; key: string; validKeys: readonly string[] }
  /** `/parallel-dev strategy=yolo`, `instances=99` */
  | { kind: 'invalid-value'; command: CommandName; key: string; value: string; expected: string }
  /** `/retry` with no task id */
  | { kind: 'missing-argument'; command: CommandName; argument: string }
  /** unbalanced quotes, a bare word where key=value is needed, a repeated key … */
  | { kind: 'syntax'; command: CommandName; message: string };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };

export interface ParseOptions {
  /** Upper bound for `instances=` (the repo config's maxParallelAgents). */
  maxInstances: number;
}
