/**
 * The command `/auto-fix` re-runs to tell whether a fix worked: the failed step's own command when it is
 * one simple command line, else the repository's gate for that kind of failure. Pure. A step script
 * that needs a shell (several lines, `&&`, pipes) cannot be re-run without one, and guessing a part of
 * it would verify something other than what failed.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import { splitCommandLine } from '../workspace/split-command-line.js';
import type { FailureAnalysis, FailureClass } from './failure-analysis.js';

const GATE_FOR: Partial<Record<FailureClass, (keyof AutodevConfig['gates'])[]>> = {
  lint_error: ['lint'],
  type_error: ['typecheck'],
  syntax_error: ['typecheck', 'lint', 'test'],
  import_error: ['typecheck', 'test'],
  test_failure: ['test'],
  build_failure: ['typecheck', 'test'],
  runtime_error: ['test'],
};

export type FailingCommand =
  { ok: true; command: string; from: 'log' | 'gate' } | { ok: false; reason: string };

export function failingCommand(
  analysis: Pick<FailureAnalysis, 'class' | 'command' | 'step'>,
  gates: AutodevConfig['gates'],
): FailingCommand {
  const fromLog = analysis.command?.trim();
  if (fromLog && isSimple(fromLog)) return { ok: true, command: fromLog, from: 'log' };
  for (const gate of GATE_FOR[analysis.class] ?? []) {
    const command = gates[gate]?.trim();
    if (command) return { ok: true, command, from: 'gate' };
  }
  const step = analysis.step ? `the step "${analysis.step}"` : 'the failed step';
  const shown = fromLog
    ? ` ran \`${fromLog.split('\n')[0]}${fromLog.includes('\n') ? ' …' : ''}\`, which needs a shell, and`
    : '';
  const wanted = (GATE_FOR[analysis.class] ?? ['test']).map((gate) => `gates.${gate}`).join(' or ');
  return {
    ok: false,
    reason:
      `autodev cannot tell which command to re-run to verify a fix: ${step}${shown} no gate fits a ` +
      `${analysis.class.replace(/_/g, ' ')}. Set ${wanted} in .github/autodev.yml (e.g. "npm run lint").`,
  };
}

function isSimple(command: string): boolean {
  try {
    return splitCommandLine(command).length > 0;
  } catch {
    return false;
  }
}
