/**
 * The engine's entry to self-healing CI: a finished workflow run that is not autodev's agents workflow
 * goes either to the auto-fix bookkeeping (the auto-fix workflow reporting back) or to failure issues
 * (every other workflow); `/auto-fix` goes to auto-fix-request.ts. Keeps the engine to one call each.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { CompletedWorkflowRun } from '../core/detect-trigger.js';
import type { Log } from '../core/logger.js';
import type { RepoRef } from '../runs/run.js';
import { hasCi, type Scm } from '../scm/scm.js';
import {
  type AutoFixAsk,
  autoFixCompleted,
  autoFixFailureIssue,
  requestAutoFix,
} from './auto-fix-request.js';
import { AUTO_FIX_WORKFLOW } from './auto-fix-state.js';
import { handleWorkflowRun } from './failure-issues.js';

export interface CiEventScope {
  scm: Scm;
  config: AutodevConfig;
  log: Log;
  /** The app's own login, named as who asked for an auto-fix started on its own. */
  botLogin: string;
  now?: () => Date;
}

export interface FinishedWorkflowRun {
  repo: RepoRef;
  workflowRunId: number;
  workflowPath: string;
  conclusion: string;
  run: CompletedWorkflowRun;
}

export function isAutoFixWorkflow(path: string): boolean {
  return path === AUTO_FIX_WORKFLOW || path.endsWith(`/${AUTO_FIX_WORKFLOW}`);
}

export async function ciWorkflowCompleted(scope: CiEventScope, event: FinishedWorkflowRun): Promise<void> {
  const { scm, config, log } = scope;
  if (!hasCi(scm)) return log.debug('this host has no CI runs to watch');
  const ctx = { scm, config, log, now: scope.now ?? (() => new Date()) };
  if (isAutoFixWorkflow(event.workflowPath)) {
    return autoFixCompleted(ctx, event.repo, event.workflowRunId, event.conclusion);
  }
  const outcome = await handleWorkflowRun(
    {
      scm,
      config,
      log,
      startAutoFix: (issueNumber, marker) =>
        autoFixFailureIssue(ctx, event.repo, issueNumber, marker.run, scope.botLogin),
    },
    event,
  );
  log.debug({ outcome }, 'workflow run checked for CI failures');
}

/** `/auto-fix` from a person the engine already authorised. */
export async function autoFixCommand(scope: CiEventScope, ask: AutoFixAsk): Promise<void> {
  const { scm, config, log } = scope;
  if (!hasCi(scm)) {
    await scm.createComment(
      ask.repo,
      ask.issueNumber,
      '`/auto-fix` needs GitHub Actions; it is not available here.',
    );
    return;
  }
  await requestAutoFix({ scm, config, log, now: scope.now ?? (() => new Date()) }, ask);
}
