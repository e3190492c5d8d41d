/**
 * The heal half of the auto-fix workflow, as the action runs it: find the failed run of the target's
 * head commit, download its failed jobs' logs, classify, and autoFix in the checkout of that commit;
 * a verified fix is written out as a patch for the publish half. This half holds a read-only token and,
 * for a fork, no secrets at all: it runs the head's code (setup, linters, tests), so nothing it could
 * leak may be within reach. Everything comes in through AutoFixJobOptions, so the action stays thin.
 */
import { writeFile } from 'node:fs/promises';
import type { AgentBackend } from '../agents/agent-backend.js';
import { git, resolveCommit } from '../agent-task/commit-and-push.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { RepoRef } from '../runs/run.js';
import type { CiScm, Scm } from '../scm/scm.js';
import { analyseFailure } from './analyse-failure.js';
import { autoFix, type AutoFixAttempt, type AutoFixResult } from './auto-fix.js';
import { failingCommand } from './failing-command.js';
import type { FailureAnalysis, JobLog } from './failure-analysis.js';
import { describeTarget, resolveFixTarget, type FixTarget, type TargetInput } from './fix-target.js';

export type AutoFixScm = Pick<CiScm, 'getPullRequest' | 'listWorkflowRuns' | 'downloadJobLog'> &
  Pick<Scm, 'listWorkflowJobs'>;

export interface AutoFixJobOptions {
  scm: AutoFixScm;
  repository: RepoRef;
  /** A pull request, or a branch whose checked-out HEAD failed. */
  target: { pullRequest: number } | { branch: string };
  /** The failed workflow run; default: the newest failed run of the head commit. */
  runId?: number;
  attempts?: number;
  /** The checkout of the head commit, where the fix is made. */
  dir: string;
  /** The repository's config (from the trusted checkout, never the head's). */
  config: AutodevConfig;
  /** The agent for a same-repository target; never used for a fork. */
  agent?: AgentBackend;
  /** Why there is no agent, when `agent` is absent (e.g. no model key). */
  noAgentReason?: string;
  /** Where a verified fix is written as a patch against the head commit. */
  patchFile: string;
  env?: NodeJS.ProcessEnv;
  secrets?: string[];
  onAttempt?: (attempt: AutoFixAttempt) => void | Promise<void>;
}

export interface AutoFixJobResult {
  target: FixTarget;
  runId: number;
  analysis: Pick<
    FailureAnalysis,
    'class' | 'severity' | 'signature' | 'jobName' | 'messages' | 'fixableWithoutModel'
  >;
  failingCommand: string;
  fix: AutoFixResult;
  /** The fix commit's message, for the publish half to commit with. */
  commitMessage?: string;
  /** Set when fixed: the patch file written. */
  patchFile?: string;
}

const FAILED = new Set(['failure', 'timed_out']);

export async function runAutoFixJob(options: AutoFixJobOptions): Promise<AutoFixJobResult> {
  const { scm, repository } = options;
  const headSha = await resolveCommit(options.dir, 'HEAD');
  const input: TargetInput =
    'branch' in options.target ? { branch: options.target.branch, headSha } : options.target;
  const target = await resolveFixTarget(scm, repository, input);
  if (target.headSha !== headSha) {
    throw new Error(
      `the checkout at ${options.dir} is ${headSha.slice(0, 7)}, not the head of ${describeTarget(target)} ` +
        `(${target.headSha.slice(0, 7)}): check out refs/pull/${'number' in target ? target.number : ''}/head there.`,
    );
  }
  const runId = options.runId ?? (await latestFailedRun(scm, repository, target.headSha));
  const analysis = analyseFailure(await failedJobLogs(scm, repository, runId));
  const command = failingCommand(analysis, options.config.gates);
  if (!command.ok) throw new Error(command.reason);
  const agent = target.fork ? undefined : options.agent;
  const fix = await autoFix({
    dir: options.dir,
    branch: target.kind === 'branch' ? target.branch : target.headRef,
    analysis,
    failingCommand: command.command,
    config: options.config,
    ...(agent ? { agent } : {}),
    noAgentReason: target.fork
      ? `${describeTarget(target)}: autodev never runs an agent (which needs model keys) on a fork's code`
      : (options.noAgentReason ?? 'no agent backend is available (set a model key, or the `backend` input)'),
    ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    target: describeTarget(target),
    ...(target.kind === 'pull-request' ? { issueNumber: target.number } : {}),
    repository: `${repository.owner}/${repository.repo}`,
    ...(options.env ? { env: options.env } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const result: AutoFixJobResult = {
    target,
    runId,
    analysis: {
      class: analysis.class,
      severity: analysis.severity,
      signature: analysis.signature,
      jobName: analysis.jobName,
      messages: analysis.messages.slice(0, 5),
      fixableWithoutModel: analysis.fixableWithoutModel,
    },
    failingCommand: command.command,
    fix,
  };
  const commit = fix.commits.at(-1);
  if (!fix.fixed || !commit) return result;
  const patch = await git(options.dir, ['diff', '--binary', '--full-index', target.headSha, commit]);
  await writeFile(options.patchFile, patch);
  const message = await git(options.dir, ['log', '-1', '--format=%B', commit]);
  return { ...result, commitMessage: message, patchFile: options.patchFile };
}

async function latestFailedRun(scm: AutoFixScm, repository: RepoRef, headSha: string): Promise<number> {
  const [run] = await scm.listWorkflowRuns(repository, { headSha, status: 'failure', limit: 1 });
  if (!run) {
    throw new Error(
      `no failed workflow run for commit ${headSha.slice(0, 7)}: there is nothing to fix (pass run-id to fix a specific run).`,
    );
  }
  return run.id;
}

/** The logs of the run's failed jobs (the latest attempt of each, as GitHub lists them). */
export async function failedJobLogs(scm: AutoFixScm, repository: RepoRef, runId: number): Promise<JobLog[]> {
  const jobs = (await scm.listWorkflowJobs(repository, runId)).filter(
    (job) => job.id !== undefined && FAILED.has(job.conclusion ?? ''),
  );
  if (jobs.length === 0) throw new Error(`workflow run ${runId} has no failed job: there is nothing to fix.`);
  const logs: JobLog[] = [];
  for (const job of jobs) {
    const jobId = job.id as number;
    logs.push({ jobName: job.name, jobId, url: job.url, log: await scm.downloadJobLog(repository, jobId) });
  }
  return logs;
}
