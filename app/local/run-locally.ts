/**
 * `autodev run` without GitHub: plan the spec, run the tasks in waves of agents on this machine, merge
 * each wave into `autodev/<run>/integration`, and leave a pull request body beside the run's record.
 * The same pieces as the hosted path (planner, state machine, runAgentTask, integrateWave) over local
 * implementations (LocalScm, the local runner).
 *
 * Where things go: the run's files (run.json, progress.log, autodev.log, PULL_REQUEST.md) under
 * `<repo>/.git/autodev/<run>/` — private to the clone and never in the work tree or a commit; task
 * worktrees in the system temp directory, removed as each task ends (and pruned on the next start if a
 * run was killed); task and integration branches in the repository itself, left for the person to
 * inspect and merge (see local-waves.ts for how they get there, and self-remote.ts for the remote the
 * integration needs while the run lasts). The user's work tree, index and branches are never touched.
 */
import { createHash } from 'node:crypto';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import type { AgentBackend } from '../agents/agent-backend.js';
import { AGENT_BACKEND_NAMES, backendFor } from '../agents/agent-registry.js';
import { AGENT_SCRIPT_VARIABLE, backendDeps, backendName } from '../agent-task/agent-job.js';
import type { AutodevConfig } from '../config/config-schema.js';
import { parseConfig } from '../config/load-config.js';
import { integrateWave } from '../integrate/integrate-wave.js';
import { renderProgress } from '../progress/render-progress.js';
import type { Run } from '../runs/run.js';
import { newRun, newRunId } from '../runs/transitions.js';
import { integrationBranchName } from '../workspace/git-worktrees.js';
import { WorktreeManager } from '../workspace/worktree-manager.js';
import { choosePlanner } from './choose-planner.js';
import { fileLog } from './file-log.js';
import { inspectRepo, type LocalRepo } from './local-repo.js';
import { renderLocalPullRequest } from './local-pull-request.js';
import { usageError } from './local-run-error.js';
import { LocalScm } from './local-scm.js';
import { runWaves, type WaveIntegrator } from './local-waves.js';
import { RunRecord } from './run-record.js';
import { addSelfRemote, removeSelfRemote, selfRemoteName } from './self-remote.js';

export const CONFIG_PATH = '.github/autodev.yml';

export interface RunLocallyOptions {
  repoPath: string;
  spec: string;
  /** Defaults to the spec's first line. */
  title?: string;
  /** Agents at once; defaults to the config's maxParallelAgents. */
  agents?: number;
  /** Agent backend name; defaults to `scripted` when AUTODEV_AGENT_SCRIPT is set, else `builtin`. */
  backend?: string;
  /** `outline`, `scripted:<plan.json>`, or (default) the configured LLM planner when its key is set. */
  planner?: string;
  /** Agent attempts per task. */
  attempts?: number;
  env?: NodeJS.ProcessEnv;
  /** Aborting cancels the run: no new task starts, running agents are told to stop. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Every state the run passes through (for the live view). */
  onRun?(run: Run): void;
  /** Messages for the person at the terminal. */
  onNote?(text: string): void;
  /** Stand-in for integrateWave (tests). */
  integrate?: WaveIntegrator;
}

export interface LocalRunOutcome {
  run: Run;
  /** The branch the run started from (a short sha when HEAD was detached). */
  baseBranch: string;
  integrationBranch: string;
  /** `<repo>/.git/autodev/<run>`. */
  runDir: string;
  /** Written when the run succeeded. */
  pullRequestPath?: string;
}

interface Prepared {
  repo: LocalRepo;
  config: AutodevConfig;
  backend: string;
  env: NodeJS.ProcessEnv;
}

/** Throws LocalRunError('usage') for input that must change; any run that started comes back as an outcome. */
export async function runLocally(options: RunLocallyOptions): Promise<LocalRunOutcome> {
  const now = options.now ?? (() => new Date());
  const note = options.onNote ?? (() => undefined);
  const { repo, config, backend, env } = await prepare(options);
  const { planner, note: plannerNote } = await choosePlanner(options.planner, config, env);

  const runId = newRunId();
  const runDir = join(repo.gitDir, 'autodev', runId);
  await mkdir(runDir, { recursive: true });
  const scm = new LocalScm({ repoPath: repo.root, progressLog: join(runDir, 'progress.log'), now });
  const log = fileLog(join(runDir, 'autodev.log'), { run: runId }, now);
  const spec = options.spec.trim();
  const title = options.title ?? specTitle(spec);
  const record = new RunRecord(
    newRun({
      id: runId,
      repo: { owner: 'local', repo: basename(repo.root) },
      issueNumber: 0,
      deliveryId: `local-${runId}`,
      trigger: { kind: 'command', actor: localUser(env), command: { name: 'parallel-dev' }, spec, title },
      now: now(),
    }),
    { file: join(runDir, 'run.json'), now, ...(options.onRun ? { onChange: options.onRun } : {}) },
  );
  const integrationBranch = integrationBranchName(runId);
  const baseBranch = repo.branch ?? repo.head.slice(0, 12);
  const outcome = (extra: Partial<LocalRunOutcome> = {}): LocalRunOutcome => ({
    run: record.run,
    baseBranch,
    integrationBranch,
    runDir,
    ...extra,
  });
  note(plannerNote);

  try {
    const plan = await planner.plan({ run: record.run, config, scm });
    record.apply({ type: 'planned', plan, requireApproval: false });
  } catch (error) {
    record.apply({ type: 'failed', reason: `Planning failed: ${messageOf(error)}` });
    await finish(record, scm);
    return outcome();
  }
  const backends = await prepareBackends(record.run, backend, env, config).catch((error: unknown) => {
    record.apply({
      type: 'failed',
      reason: `The ${backend} agent backend cannot start: ${messageOf(error)}`,
    });
    return null;
  });
  if (!backends) {
    await finish(record, scm);
    return outcome();
  }

  const worktreeBase = worktreeDir(repo.root);
  const worktrees = new WorktreeManager({ repoPath: repo.root, baseDir: worktreeBase });
  // Worktrees left by a run that was killed (not cancelled) would hold their branches checked out.
  await worktrees.prune();
  const integrator = await buildBackend(backend, 'integration', 'integrator', env, config).catch(
    () => undefined,
  );
  const remote = selfRemoteName(runId);
  try {
    await addSelfRemote(repo.root, remote);
    const waves = await runWaves({
      record,
      repoPath: repo.root,
      base: repo.head,
      remote,
      config,
      backends,
      ...(integrator ? { integrator } : {}),
      backendLabel: backend,
      parallelism: options.agents ?? config.maxParallelAgents,
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      env,
      worktrees,
      checks: scm,
      integrate: options.integrate ?? integrateWave,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
      user: localUser(env),
      now,
      note,
    });
    if (record.run.state !== 'succeeded') return outcome();
    const pullRequestPath = join(runDir, 'PULL_REQUEST.md');
    const body = renderLocalPullRequest({
      run: record.run,
      baseBranch,
      integrationBranch,
      integrations: waves.integrations,
    });
    await writeFile(pullRequestPath, body);
    return outcome({ pullRequestPath });
  } catch (error) {
    // A bug or a git failure outside any task: the run still ends in a final state with the reason.
    if (!['succeeded', 'failed', 'cancelled'].includes(record.run.state)) {
      record.apply({ type: 'failed', reason: `autodev stopped on an error: ${messageOf(error)}` });
    }
    return outcome();
  } finally {
    await removeSelfRemote(repo.root, remote).catch(() => undefined);
    await worktrees.prune().catch((error: unknown) => log.warn({ err: messageOf(error) }, 'prune failed'));
    // Only when empty: another run on the same repository may still have worktrees in it.
    await rmdir(worktreeBase).catch(() => undefined);
    await finish(record, scm);
  }
}

async function prepare(options: RunLocallyOptions): Promise<Prepared> {
  const env = options.env ?? process.env;
  if (!options.spec.trim())
    throw usageError('The spec is empty: pass --spec with a file or the text to build.');
  const backend = options.backend || backendName({ env });
  if (!(AGENT_BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw usageError(`Unknown agent backend "${backend}": use one of ${AGENT_BACKEND_NAMES.join(', ')}.`);
  }
  if (backend === 'scripted' && !env[AGENT_SCRIPT_VARIABLE]) {
    throw usageError(
      `The scripted backend replays attempts from a file: set ${AGENT_SCRIPT_VARIABLE} to its path, or pick another --backend.`,
    );
  }
  for (const [name, value] of [
    ['--agents', options.agents],
    ['--attempts', options.attempts],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw usageError(`${name} must be a whole number of at least 1, not ${value}.`);
    }
  }
  const repo = await inspectRepo(options.repoPath);
  const scm = new LocalScm({ repoPath: repo.root });
  const parsed = parseConfig(await scm.readFile({ owner: 'local', repo: '' }, CONFIG_PATH, repo.head));
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => `- ${p.line ? `line ${p.line}: ` : ''}${p.problem} ${p.fix}`);
    throw usageError(`${CONFIG_PATH} (as committed at HEAD) has problems:\n${problems.join('\n')}`);
  }
  return { repo, config: parsed.config, backend, env };
}

/** One backend per task, built before any agent runs, so a missing key fails the run at once. */
async function prepareBackends(
  run: Run,
  backend: string,
  env: NodeJS.ProcessEnv,
  config: AutodevConfig,
): Promise<Map<string, AgentBackend>> {
  const backends = new Map<string, AgentBackend>();
  for (const task of run.tasks) {
    backends.set(task.id, await buildBackend(backend, task.id, task.role, env, config));
  }
  return backends;
}

async function buildBackend(
  name: string,
  taskId: string,
  role: Run['tasks'][number]['role'],
  env: NodeJS.ProcessEnv,
  config: AutodevConfig,
): Promise<AgentBackend> {
  return backendFor(name, await backendDeps({ env }, { role, taskId }, config));
}

/** The run's final progress, in the progress log, as the progress comment would read on GitHub. */
async function finish(record: RunRecord, scm: LocalScm): Promise<void> {
  await scm
    .createComment(record.run.repo, 0, renderProgress(record.run, { now: new Date() }))
    .catch(() => undefined);
  await record.flush();
}

/** Per repository, so pruning one repository's leftovers never touches another's. */
function worktreeDir(root: string): string {
  const key = createHash('sha256').update(root).digest('hex').slice(0, 12);
  return join(tmpdir(), 'autodev-worktrees', `${basename(root)}-${key}`);
}

/** A heading or the first line of prose; '' when the spec opens with its list (planners then use the goal). */
export function specTitle(spec: string): string {
  const line = spec.split(/\r?\n/).find((l) => l.trim()) ?? '';
  if (/^\s*(?:[-*+]|\d+[.)])\s/.test(line)) return '';
  return line
    .replace(/^#+\s*/, '')
    .trim()
    .slice(0, 120);
}

function localUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'you';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
