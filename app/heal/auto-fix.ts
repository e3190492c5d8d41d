/**
 * `/auto-fix` in one checkout: reproduce the failing command, try the deterministic healers that apply,
 * then an agent with the log excerpt as fenced data, re-running the failing command after each try, at
 * most N tries; commit the fix once the command passes. Every try is reported as it ends (onAttempt),
 * so the progress comment can show it, and the result always carries the reason it stopped.
 *
 * Decisions:
 * - Only a verified fix is committed: the command that failed in CI exits 0 in the checkout. A try that
 *   does not get there leaves its changes for the next one (prettier's formatting stays while the agent
 *   fixes the rest); the commit holds them all.
 * - Each healer is tried once and each try counts against the cap, so `attempts=N` bounds the
 *   wall time and the work whatever mixes of healers and agent runs it takes.
 * - A failure that does not reproduce is not "fixed": nothing is changed and the reason says so.
 * - The changed paths are checked against the repository's policy before committing (protected paths,
 *   workflows), since a formatter or package manager can write anywhere the runner user can.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentBackend, AgentContext, AgentLimits, AgentTask } from '../agents/agent-backend.js';
import { buildRepoMap, readConventions } from '../agents/agent-context.js';
import { policyOf } from '../agent-task/run-agent-task.js';
import { commitAll, git } from '../agent-task/commit-and-push.js';
import { runSetup, tail } from '../agent-task/run-gates.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { fenceUntrusted } from '../prompts/untrusted-text.js';
import { changedPathViolations } from '../workspace/path-policy.js';
import { redactSecrets, secretValuesFromEnv } from '../workspace/redact.js';
import { createWorkspace } from '../workspace/sandboxed-workspace.js';
import { SandboxError, type Workspace } from '../workspace/workspace.js';
import type { FailureAnalysis } from './failure-analysis.js';
import { fixCommitMessage, type FixStep } from './fix-commit-message.js';
import { applicableHealers, HEALERS, type Healer, type HealerName } from './healers.js';
import { readRepoFacts } from './repo-facts.js';

/** Output kept per re-run in attempts and feedback. */
export const VERIFY_TAIL_CHARS = 3_000;
/** Exit code reported for a command the sandbox refused to run. */
export const NOT_RUN = -1;

export interface Verification {
  command: string;
  exitCode: number;
  passed: boolean;
  timedOut: boolean;
  durationMs: number;
  outputTail: string;
}

export interface AutoFixAttempt {
  attempt: number;
  /** The cap this run works under. */
  of: number;
  kind: 'healer' | 'agent';
  /** Healer name, or the agent backend's label. */
  name: string;
  /** What was tried, one line (the healer's summary, the agent's own summary). */
  tried: string;
  /** Files changed by this try, repository-relative. */
  changed: string[];
  /** The re-run of the failing command; null when the try changed nothing, so nothing was re-run. */
  verification: Verification | null;
  modelCalls: number;
}

export interface AutoFixResult {
  fixed: boolean;
  /** What made the command pass: the last try, when fixed. */
  fixedBy?: { kind: 'healer' | 'agent'; name: string };
  /** Why it stopped, in a sentence a maintainer can act on (also when fixed). */
  reason: string;
  attempts: AutoFixAttempt[];
  /** Model calls (agent turns) spent; 0 when the healers did it. */
  modelCalls: number;
  tokens: number;
  costUsd: number;
  /** Commits made in `dir`, oldest first (one, when fixed). */
  commits: string[];
  /** Every file the fix changed. */
  changedFiles: string[];
  /** The first run of the failing command, before any change. */
  baseline: Verification | null;
}

export interface AutoFixOptions {
  /** The checkout (or worktree) to fix; its HEAD is the commit that failed. */
  dir: string;
  /** Its branch, for the workspace and the agent's prompt. */
  branch: string;
  analysis: FailureAnalysis;
  /** The command to re-run, e.g. analysis.command or the config gate for the class. */
  failingCommand: string;
  config: AutodevConfig;
  /** Runs when no healer applies or the healers did not fix it; none: healers only. */
  agent?: AgentBackend;
  /** Why there is no agent, for the reason when one would have been needed (e.g. a fork). */
  noAgentReason?: string;
  /** Tries at most; default config.autoFix.attempts. */
  attempts?: number;
  onAttempt?: (attempt: AutoFixAttempt) => void | Promise<void>;
  /** "pull request #34", "the default branch" — for the prompt. */
  target?: string;
  /** The issue or pull request the fix answers (commit trailer, agent task). */
  issueNumber?: number;
  repository?: string;
  /** Commit the verified fix (default true). */
  commit?: boolean;
  /** The environment commands are cut from (scrubbed); default process.env. */
  env?: NodeJS.ProcessEnv;
  secrets?: string[];
  limits?: Partial<AgentLimits>;
  signal?: AbortSignal;
  /** Test seam: the healer registry. */
  healers?: Readonly<Record<HealerName, Healer>>;
}

interface Tally {
  attempts: AutoFixAttempt[];
  steps: FixStep[];
  modelCalls: number;
  tokens: number;
  costUsd: number;
}

export async function autoFix(options: AutoFixOptions): Promise<AutoFixResult> {
  const env = options.env ?? process.env;
  const secrets = [...secretValuesFromEnv(env), ...(options.secrets ?? [])];
  const redact = (text: string) => redactSecrets(text, secrets);
  const workspace = createWorkspace(
    { path: options.dir, branch: options.branch },
    policyOf(options.config, secrets),
    {
      parentEnv: env,
    },
  );
  const max = Math.max(1, options.attempts ?? options.config.autoFix.attempts);
  const tally: Tally = { attempts: [], steps: [], modelCalls: 0, tokens: 0, costUsd: 0 };
  const done = (fields: { fixed: boolean; reason: string; baseline: Verification | null }, extra = {}) =>
    ({
      ...fields,
      reason: redact(fields.reason),
      attempts: tally.attempts,
      modelCalls: tally.modelCalls,
      tokens: tally.tokens,
      costUsd: tally.costUsd,
      commits: [],
      changedFiles: [],
      ...extra,
    }) satisfies AutoFixResult;

  await runSetup(workspace, options.config.setup);
  const baseline = await verify(workspace, options.failingCommand);
  if (baseline.exitCode === NOT_RUN) {
    return done({
      fixed: false,
      baseline,
      reason: `autodev cannot re-run the failing command: ${baseline.outputTail}`,
    });
  }
  if (baseline.passed) {
    return done({
      fixed: false,
      baseline,
      reason:
        `\`${baseline.command}\` passes in a fresh checkout of the failed commit, so the failure did not ` +
        'reproduce (a flaky test, the runner or a network outage?): nothing was changed. Re-run the job to confirm.',
    });
  }

  const facts = await readRepoFacts(options.dir);
  const healers = applicableHealers(
    options.analysis,
    facts,
    options.config.autoFix,
    options.healers ?? HEALERS,
  );
  let last: Verification = baseline;
  let before = await treeState(options.dir);
  for (let attempt = 1; attempt <= max; attempt++) {
    const healer = healers.shift();
    let step: FixStep;
    let modelCalls = 0;
    if (healer) {
      step = {
        kind: 'healer',
        name: healer.name,
        summary: await runHealer(healer, workspace, options, facts),
      };
    } else if (options.agent) {
      const outcome = await runAgent(options, workspace, secrets, attempt, last);
      modelCalls = outcome.turns;
      tally.modelCalls += outcome.turns;
      tally.tokens += outcome.tokens;
      tally.costUsd += outcome.costUsd;
      step = { kind: 'agent', name: outcome.backend || options.agent.name, summary: redact(outcome.summary) };
      if (outcome.status === 'gave-up' || outcome.status === 'limit') {
        await report(options, tally, {
          attempt,
          of: max,
          ...step,
          tried: step.summary,
          changed: [],
          verification: null,
          modelCalls,
        });
        const why =
          outcome.status === 'limit' ? `stopped at its ${outcome.limit ?? 'budget'} limit` : 'gave up';
        return done({
          fixed: false,
          baseline,
          reason: `the agent ${why} on attempt ${attempt}: ${step.summary}`,
        });
      }
    } else {
      const tried =
        tally.attempts.length === 0
          ? 'No deterministic healer applies to this'
          : 'The healers did not fix this';
      return done({
        fixed: false,
        baseline,
        reason: `${tried} ${options.analysis.class.replace(/_/g, ' ')}, and ${options.noAgentReason ?? 'no agent is configured'}; \`${last.command}\` still fails (exit ${last.exitCode}).`,
      });
    }
    const after = await treeState(options.dir);
    const changed = changedBetween(before, after);
    before = after;
    const verification =
      changed.length > 0 || step.kind === 'agent' ? await verify(workspace, options.failingCommand) : null;
    if (verification) last = verification;
    if (changed.length > 0) tally.steps.push(step);
    await report(options, tally, {
      attempt,
      of: max,
      ...step,
      tried: step.summary,
      changed,
      verification,
      modelCalls,
    });
    if (verification?.exitCode === NOT_RUN) {
      return done({
        fixed: false,
        baseline,
        reason: `autodev cannot re-run the failing command: ${verification.outputTail}`,
      });
    }
    if (verification?.passed) {
      return finish(options, tally, baseline, step, secrets, redact, done);
    }
  }
  return done({
    fixed: false,
    baseline,
    reason:
      `stopped after ${max} attempt${max === 1 ? '' : 's'} (the cap; set autoFix.attempts or \`/auto-fix attempts=N\`): ` +
      `\`${last.command}\` still fails with exit code ${last.exitCode}${last.timedOut ? ' (timed out)' : ''}: ${lastLine(last.outputTail)}`,
  });
}

/** The command passes: check the changes against the policy and commit them. */
async function finish(
  options: AutoFixOptions,
  tally: Tally,
  baseline: Verification,
  step: FixStep,
  secrets: string[],
  redact: (text: string) => string,
  done: (
    fields: { fixed: boolean; reason: string; baseline: Verification | null },
    extra?: object,
  ) => AutoFixResult,
): Promise<AutoFixResult> {
  const files = await changedFiles(options.dir);
  const violations = changedPathViolations(files, policyOf(options.config, secrets));
  if (violations.length > 0) {
    return done({
      fixed: false,
      baseline,
      reason: `\`${baseline.command}\` passes, but the fix changes files autodev may not change, so it was not kept: ${violations.join(' ')}`,
    });
  }
  const fixedBy = { kind: step.kind, name: step.name };
  const how = tally.steps.map((s) => s.name).join(' + ');
  const reason = `fixed by ${how} on attempt ${tally.attempts.length}: \`${baseline.command}\` now exits 0`;
  if (options.commit === false)
    return done({ fixed: true, baseline, reason }, { fixedBy, changedFiles: files });
  const message = redact(
    fixCommitMessage({
      analysis: options.analysis,
      failingCommand: options.failingCommand,
      steps: tally.steps,
      ...(options.issueNumber === undefined ? {} : { refs: options.issueNumber }),
    }),
  );
  const commit = await commitAll({ dir: options.dir, branch: options.branch, message });
  return done(
    { fixed: true, baseline, reason },
    { fixedBy, changedFiles: files, commits: commit ? [commit] : [] },
  );
}

async function report(options: AutoFixOptions, tally: Tally, attempt: AutoFixAttempt): Promise<void> {
  tally.attempts.push(attempt);
  await options.onAttempt?.(attempt);
}

/** Runs one healer; a refusal or a crash is reported as what was tried, not thrown. */
async function runHealer(
  healer: Healer,
  workspace: Workspace,
  options: AutoFixOptions,
  facts: Awaited<ReturnType<typeof readRepoFacts>>,
): Promise<string> {
  try {
    const outcome = await healer.heal({
      workspace,
      analysis: options.analysis,
      facts,
      failingCommand: options.failingCommand,
    });
    const failed = outcome.commands.find((ran) => ran.exitCode !== 0 && healer.name !== 'eslint');
    return failed
      ? `${outcome.summary} (\`${failed.command}\` exited ${failed.exitCode}: ${lastLine(failed.output)})`
      : outcome.summary;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `${healer.name} could not run: ${message}`;
  }
}

async function runAgent(
  options: AutoFixOptions,
  workspace: Workspace,
  secrets: string[],
  attempt: number,
  last: Verification,
) {
  const agent = options.agent as AgentBackend;
  const context: AgentContext = {
    task: agentTask(options),
    workspace,
    conventions: await readConventions(workspace),
    repoMap: await buildRepoMap(workspace),
    memory: [],
    feedback: fenceUntrusted(
      `$ ${last.command}\n(exit code ${last.exitCode})\n${last.outputTail.trimEnd()}`,
      attempt === 1
        ? 'the failing command, re-run in your worktree'
        : `the failing command after attempt ${attempt - 1}`,
    ),
    limits: {
      maxTurns: options.limits?.maxTurns ?? 40,
      maxTokens: options.limits?.maxTokens ?? options.config.budget.tokens,
      maxDollars: options.limits?.maxDollars ?? options.config.budget.dollars,
      maxWallMs: options.limits?.maxWallMs ?? 30 * 60_000,
    },
    secrets,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    return await agent.run(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'error' as const,
      summary: `the agent failed: ${message}`,
      tokens: 0,
      costUsd: 0,
      turns: 0,
      backend: agent.name,
    };
  }
}

/** The agent's task: a coder with the auto-fix prompt, the failure as its inputs. */
export function agentTask(options: AutoFixOptions): AgentTask {
  const { analysis } = options;
  const where = [
    analysis.jobName && `Job: ${analysis.jobName}`,
    analysis.step && `Step: ${analysis.step}`,
    `Failing command: \`${options.failingCommand}\``,
    analysis.locations.length > 0 &&
      `Reported at: ${analysis.locations
        .slice(0, 10)
        .map((l) => `${l.file}${l.line ? `:${l.line}` : ''}`)
        .join(', ')}`,
  ].filter((line): line is string => typeof line === 'string' && line !== '');
  return {
    runId: 'auto-fix',
    taskId: 'auto-fix',
    issueNumber: options.issueNumber ?? 0,
    repository: options.repository ?? '',
    title: `Fix the failing \`${options.failingCommand}\``,
    role: 'coder',
    prompt: 'auto-fix',
    description: `CI failed with a ${analysis.class.replace(/_/g, ' ')}; make \`${options.failingCommand}\` pass.`,
    acceptance: [`\`${options.failingCommand}\` exits 0`],
    files: [...new Set(analysis.locations.map((l) => l.file))].slice(0, 20),
    goal: 'Make the failing CI check pass with the smallest correct change.',
    validationGates: [options.failingCommand],
    promptInputs: {
      failure_class: analysis.class,
      failure_summary: where.join('\n'),
      log_excerpt: fenceUntrusted(
        analysis.excerpt || analysis.messages.join('\n') || '(empty log)',
        `the log of the failed CI job "${analysis.jobName}"`,
      ),
      ...(options.target ? { target: options.target } : {}),
    },
  };
}

/** Re-runs the failing command; a refusal by the sandbox comes back as NOT_RUN with its message. */
export async function verify(workspace: Workspace, command: string): Promise<Verification> {
  try {
    const ran = await workspace.runCommandLine(command);
    return {
      command: ran.command,
      exitCode: ran.exitCode,
      passed: ran.exitCode === 0 && !ran.timedOut,
      timedOut: ran.timedOut,
      durationMs: ran.durationMs,
      outputTail: tail(ran.output, VERIFY_TAIL_CHARS),
    };
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    return {
      command,
      exitCode: NOT_RUN,
      passed: false,
      timedOut: false,
      durationMs: 0,
      outputTail: error.message,
    };
  }
}

/** Tracked files that differ from HEAD plus untracked ones (not ignored), repository-relative. */
async function changedFiles(dir: string): Promise<string[]> {
  const out = await git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const files: string[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as string;
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    // A rename's entry is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return files.sort();
}

/** Each changed file with a hash of its content ('' when deleted): what one try changed is the difference. */
async function treeState(dir: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const file of await changedFiles(dir)) {
    const bytes = await readFile(join(dir, file)).catch(() => null);
    state.set(file, bytes === null ? '' : createHash('sha1').update(bytes).digest('hex'));
  }
  return state;
}

function changedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  const files = new Set([...before.keys(), ...after.keys()]);
  return [...files].filter((file) => before.get(file) !== after.get(file)).sort();
}

function lastLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const line = lines.at(-1) ?? '(no output)';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
