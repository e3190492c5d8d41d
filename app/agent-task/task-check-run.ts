/**
 * The task's check run: started `in_progress` on the base commit when the task starts, completed with
 * the report when it ends. Reporting never decides the outcome: GitHub refusing a check run (a token
 * without `checks: write`, an unknown commit) is logged and the task goes on reporting through its
 * result JSON.
 */
import type { TaskResult } from '../agents/task-result.js';
import type { Log } from '../core/logger.js';
import type { RepoRef } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import type { AgentTask } from '../agents/agent-backend.js';
import { redactDeep, type Redact } from './redacting-log.js';
import { checkRunName, checkRunOutput, runningOutput } from './task-report.js';

export type CheckRuns = Pick<Scm, 'createCheckRun' | 'updateCheckRun'>;

export interface StartedCheck {
  checks: CheckRuns;
  repo: RepoRef;
  id: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function startTaskCheck(
  checks: CheckRuns | undefined,
  input: { task: AgentTask; repo: RepoRef; base: string; detailsUrl?: string },
  redact: Redact,
  log: Log,
): Promise<StartedCheck | undefined> {
  if (!checks) return undefined;
  try {
    const { id } = await checks.createCheckRun(input.repo, {
      name: checkRunName(input.task.taskId),
      headSha: input.base,
      status: 'in_progress',
      externalId: `${input.task.runId}/${input.task.taskId}`,
      ...(input.detailsUrl ? { detailsUrl: input.detailsUrl } : {}),
      output: redactDeep(runningOutput(input.task.title), redact),
    });
    return { checks, repo: input.repo, id };
  } catch (error) {
    log.warn({ err: messageOf(error) }, 'could not start the check run');
    return undefined;
  }
}

export async function finishTaskCheck(
  check: StartedCheck | undefined,
  title: string,
  result: TaskResult,
  redact: Redact,
  log: Log,
): Promise<void> {
  if (!check) return;
  try {
    await check.checks.updateCheckRun(check.repo, check.id, {
      status: 'completed',
      conclusion: result.status === 'succeeded' ? 'success' : 'failure',
      output: redactDeep(checkRunOutput(title, result), redact),
    });
  } catch (error) {
    log.warn({ err: messageOf(error) }, 'could not complete the check run');
  }
}
