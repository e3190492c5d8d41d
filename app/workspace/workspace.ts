/**
 * Workspace: the only way an agent touches files or runs commands. Every path is resolved inside the
 * task's worktree and checked against the policy; commands come from the allowlist and run without a
 * shell, with a scrubbed environment, a timeout and truncated output. Implemented by
 * `createWorkspace` (sandboxed-workspace.ts) over a worktree from the WorktreeManager.
 */

export interface WorkspacePolicy {
  /**
   * Program names agents may run (config `allowedCommands`), matched on the executable's name.
   * Allowlisting npm, npx or node trusts the code they run (package scripts, `node -e`, fetched
   * packages) with the runner user's rights; see command-policy.ts.
   */
  allowedCommands: string[];
  /** Globs (config `protectedPaths`) agents may not write, besides .git/ and workflows. */
  protectedPaths: string[];
  /** Config `allowWorkflowEdits`: when false, .github/workflows/ is read-only. */
  allowWorkflowEdits: boolean;
  /** Per command; default 10 minutes. */
  commandTimeoutMs?: number;
  /** Output kept per command (the tail); default 20,000 characters. */
  maxOutputChars?: number;
  /** Secret values redacted from every output that leaves the workspace. */
  secrets: string[];
}

export interface CommandResult {
  /** The command as run, for reports ("npm test"), redacted. */
  command: string;
  exitCode: number;
  durationMs: number;
  /** Combined stdout + stderr tail, redacted and truncated. */
  output: string;
  timedOut: boolean;
}

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

export interface Workspace {
  /** Absolute path of the worktree. */
  readonly root: string;
  readonly branch: string;
  /** Resolves a path given by an agent to an absolute path inside the worktree, or throws SandboxError. */
  resolve(path: string, intent: 'read' | 'write'): Promise<string>;
  listFiles(dir?: string): Promise<string[]>;
  /** 1-based inclusive line range; whole file when omitted. */
  readFile(path: string, range?: { from: number; to: number }): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  /** Exact search/replace; throws SandboxError 'edit-anchor' when `search` is missing or not unique. */
  editFile(path: string, search: string, replace: string): Promise<void>;
  /** git grep over tracked and untracked files. */
  search(pattern: string, options?: { maxHits?: number }): Promise<SearchHit[]>;
  /** Runs an allowlisted program with arguments (no shell). Throws SandboxError when not allowed. */
  run(program: string, args: string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Runs a gate command line from the config ("npm test"), split into words without a shell. */
  runCommandLine(commandLine: string, options?: { timeoutMs?: number }): Promise<CommandResult>;
}

export type SandboxErrorKind =
  'path-escape' | 'forbidden-path' | 'command-not-allowed' | 'bad-argument' | 'edit-anchor' | 'not-found';

/** A refused agent action; the message is returned to the agent as the tool's answer. */
export class SandboxError extends Error {
  constructor(
    readonly kind: SandboxErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
