/**
 * The validation gates of a task: the commands from the config's `gates`, run in the task's workspace.
 * A gate's result is only ever what its command did — a gate the sandbox refused to run is reported as
 * not passed (with why), never skipped silently, so no report can say "tests pass" without a run.
 */
import type { GateResult } from '../agents/task-result.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { SandboxError, type Workspace } from '../workspace/workspace.js';

export type GateName = GateResult['name'];

export interface GateCommand {
  name: GateName;
  command: string;
}

/** Cheapest first: a type error usually explains the test failures that follow from it. */
export const GATE_ORDER: readonly (keyof AutodevConfig['gates'])[] = ['typecheck', 'lint', 'test'];

/** Kept per gate in results and check runs; the agent gets the same tail as feedback. */
export const GATE_TAIL_CHARS = 4_000;

/** Exit code reported for a gate whose command never started (refused by the sandbox). */
export const NOT_RUN_EXIT_CODE = -1;

export function gateCommands(gates: AutodevConfig['gates']): GateCommand[] {
  return GATE_ORDER.flatMap((name) => {
    const command = gates[name]?.trim();
    return command ? [{ name, command }] : [];
  });
}

export function tail(text: string, chars = GATE_TAIL_CHARS): string {
  if (text.length <= chars) return text;
  return `… (${text.length - chars} earlier characters cut)\n${text.slice(-chars)}`;
}

/**
 * Runs every gate, even after one fails: the agent's next attempt is better off seeing all failures at
 * once than discovering them one attempt at a time.
 */
/**
 * Installs what the gates need in a fresh worktree (config `setup`, e.g. "npm ci"): a worktree has the
 * repository's files but none of its installed dependencies. Null when no setup is configured.
 */
export async function runSetup(workspace: Workspace, setup: string | undefined): Promise<GateResult | null> {
  const command = setup?.trim();
  if (!command) return null;
  return runGate(workspace, { name: 'setup', command }, { timeoutMs: 20 * 60_000 });
}

export async function runGates(
  workspace: Workspace,
  gates: GateCommand[],
  options: { timeoutMs?: number; tailChars?: number } = {},
): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const gate of gates) {
    results.push(await runGate(workspace, gate, options));
  }
  return results;
}

async function runGate(
  workspace: Workspace,
  gate: GateCommand,
  options: { timeoutMs?: number; tailChars?: number },
): Promise<GateResult> {
  try {
    const ran = await workspace.runCommandLine(
      gate.command,
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
    );
    const timedOut = ran.timedOut ? `\n(stopped after the gate's time limit)` : '';
    return {
      name: gate.name,
      command: ran.command,
      exitCode: ran.exitCode,
      durationMs: ran.durationMs,
      outputTail: tail(`${ran.output}${timedOut}`, options.tailChars),
      passed: ran.exitCode === 0 && !ran.timedOut,
    };
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    return {
      name: gate.name,
      command: gate.command,
      exitCode: NOT_RUN_EXIT_CODE,
      durationMs: 0,
      outputTail: `not run: ${error.message}`,
      passed: false,
    };
  }
}

/** A gate that never ran cannot be fixed by the agent: only the repository's config can. */
export function refusedGates(results: GateResult[]): GateResult[] {
  return results.filter((gate) => gate.exitCode === NOT_RUN_EXIT_CODE);
}
