/**
 * The control plane's decision path for one recorded delivery: load the repo config, decide whether
 * the event asks for anything, check the person may ask, then act. Runs after the webhook has been
 * acknowledged (see delivery-worker.ts), in any mode: hosted app, Actions, sandbox.
 */
import { renderCommandError, renderHelp } from '../commands/help-text.js';
import type { Command } from '../commands/command.js';
import { type AutodevConfig, defaultConfig } from '../config/config-schema.js';
import { parseConfig, renderConfigError } from '../config/load-config.js';
import { autoFixCommand, ciWorkflowCompleted } from '../heal/ci-events.js';
import type { Planner } from '../planner/planner.js';
import type { RepoRef, RunTrigger } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import type { Delivery, Store } from '../store/store.js';
import { authorize } from './authorize.js';
import { detectTrigger, type Trigger } from './detect-trigger.js';
import type { Dispatcher } from './dispatcher.js';
import type { IntegrationSource } from '../finish/integration-source.js';
import type { Reviewer } from '../finish/reviewer.js';
import { repoOfPayload } from './event-fields.js';
import type { RunObserver } from '../observability/run-observer.js';
import type { MemoryService } from '../memory/memory-service.js';
import { childLog, type Log } from './logger.js';
import {
  busyRunReply,
  emptySpecReply,
  noMemoryReply,
  rememberedReply,
  noRunReply,
  notWaitingReply,
  refusalReply,
  runEndedReply,
} from './replies.js';
import { isFinal, RunService, type RunScope } from './run-service.js';

export const CONFIG_PATH = '.github/autodev.yml';

export interface EngineDeps {
  store: Store;
  planner: Planner;
  dispatcher: Dispatcher;
  /** Scm authenticated for the delivery's installation (or the workflow's token). */
  scmFor(delivery: Delivery): Promise<Scm>;
  /** Scm for a repository outside any delivery (the sweep); without it the sweep does nothing. */
  scmForRepo?(repo: RepoRef): Promise<Scm>;
  reviewer?: Reviewer;
  integrations?: IntegrationSource;
  /** Told of every saved change of a run (metrics, notifications, the stage log). */
  observer?: RunObserver;
  /** The repository memory `/remember` writes to; without it `/remember` says memory is off. */
  memory?: Pick<MemoryService, 'remember'>;
  /** The app's own login, e.g. "autodev[bot]"; its comments never trigger anything. */
  botLogin(): Promise<string>;
  log: Log;
  now?: () => Date;
}

type CommandTrigger = Extract<Trigger, { kind: 'command' }>;

export class Engine {
  readonly runs: RunService;

  constructor(private readonly deps: EngineDeps) {
    this.runs = new RunService(deps);
  }

  async process(delivery: Delivery): Promise<void> {
    const log = childLog(this.deps.log, { deliveryId: delivery.id, event: delivery.event });
    const repo = repoOfPayload(delivery.payload);
    if (!repo) return log.info('event has no repository; nothing to do');

    const scm = await this.deps.scmFor(delivery);
    const parsed = parseConfig(await scm.readFile(repo, CONFIG_PATH));
    // With a broken config, defaults decide whether the event was meant for autodev at all.
    const config = parsed.ok ? parsed.config : defaultConfig();
    const event = { name: delivery.event, payload: delivery.payload };
    const trigger = detectTrigger(event, { config, botLogin: await this.deps.botLogin() });
    if (trigger.kind === 'ignore') return log.debug({ reason: trigger.reason }, 'ignored');
    // GitHub reports on work autodev itself started: no person to authorise.
    if (trigger.kind === 'workflow-completed') return this.workflowCompleted(scm, config, trigger, log);

    const permission = config.allowedBots.includes(trigger.actor)
      ? 'none'
      : await scm.getPermission(repo, trigger.actor);
    const auth = authorize(trigger.actor, permission, config);
    if (!auth.allowed) {
      log.info({ actor: trigger.actor, permission }, 'refused');
      if (config.onUnauthorized === 'reply') {
        await scm.createComment(repo, trigger.issueNumber, refusalReply(auth.reason));
      }
      return;
    }
    if (!parsed.ok) {
      await scm.createComment(repo, trigger.issueNumber, renderConfigError(parsed.problems));
      return;
    }

    const scope: RunScope = { scm, config, log };
    if (trigger.kind === 'issue-run') {
      await scm.reactToIssue(repo, trigger.issueNumber, 'eyes');
      if (!trigger.spec.trim()) {
        await scm.createComment(repo, trigger.issueNumber, emptySpecReply());
        return;
      }
      const run = await this.runs.start(scope, {
        repo,
        issueNumber: trigger.issueNumber,
        deliveryId: delivery.id,
        trigger: {
          kind: 'issue',
          actor: trigger.actor,
          command: { name: 'parallel-dev' },
          spec: trigger.spec,
          title: trigger.title,
        },
      });
      // GitHub sends opened and labeled for an issue opened with the label: the twin finds the run.
      if (run.deliveryId !== delivery.id) log.info({ runId: run.id }, 'issue already has an unfinished run');
      return;
    }

    if (!trigger.parse.ok) {
      const options = { maxInstances: config.maxParallelAgents };
      await scm.createComment(repo, trigger.issueNumber, renderCommandError(trigger.parse.error, options));
      return;
    }
    await scm.reactToComment(repo, trigger.commentId, 'eyes');
    await this.runCommand(scope, repo, trigger, trigger.parse.command, delivery.id);
  }

  /**
   * Moves on runs that wait for time rather than an event (retry backoffs, silent waves, interrupted
   * finishes). Called periodically by the delivery worker; each repository's config is read once.
   */
  async sweep(now?: Date): Promise<void> {
    const scmForRepo = this.deps.scmForRepo;
    if (!scmForRepo) return;
    const scopes = new Map<string, Promise<RunScope | null>>();
    const scopeFor = (repo: RepoRef): Promise<RunScope | null> => {
      const key = `${repo.owner}/${repo.repo}`.toLowerCase();
      let scope = scopes.get(key);
      if (!scope) {
        scope = scmForRepo(repo).then(async (scm) => {
          const parsed = parseConfig(await scm.readFile(repo, CONFIG_PATH));
          // A config broken mid-run is reported on the next command; guessing defaults could dispatch wrongly.
          return parsed.ok ? { scm, config: parsed.config } : null;
        });
        scopes.set(key, scope);
      }
      return scope;
    };
    await this.runs.sweep((run) => scopeFor(run.repo), now);
  }

  private clock(): { now?: () => Date } {
    return this.deps.now ? { now: this.deps.now } : {};
  }

  private async workflowCompleted(
    scm: Scm,
    config: AutodevConfig,
    trigger: Extract<Trigger, { kind: 'workflow-completed' }>,
    log: Log,
  ): Promise<void> {
    const workflow = config.dispatch.workflow;
    if (trigger.workflowPath !== workflow && !trigger.workflowPath.endsWith(`/${workflow}`)) {
      // Any other workflow: CI failures become issues, auto-fix runs report back (app/heal).
      const botLogin = await this.deps.botLogin();
      return ciWorkflowCompleted({ scm, config, log, botLogin, ...this.clock() }, trigger);
    }
    const active = await this.deps.store.listRuns({ repo: trigger.repo, states: ['running', 'integrating'] });
    const run = active.find((r) =>
      r.waves?.some((w) => w.workflowRuns.some((x) => x.id === trigger.workflowRunId)),
    );
    if (!run)
      return log.info({ workflowRunId: trigger.workflowRunId }, 'no active run owns this workflow run');
    await this.runs.workflowCompleted({ scm, config, log }, run, trigger.workflowRunId);
  }

  private async runCommand(
    scope: RunScope,
    repo: RepoRef,
    trigger: CommandTrigger,
    command: Command,
    deliveryId: string,
  ): Promise<void> {
    const { scm, config } = scope;
    const reply = (body: string) => scm.createComment(repo, trigger.issueNumber, body);
    const latest = () => this.deps.store.latestRunForIssue(repo, trigger.issueNumber);
    const base = { repo, issueNumber: trigger.issueNumber, deliveryId };

    switch (command.name) {
      case 'help':
        await reply(renderHelp({ maxInstances: config.maxParallelAgents }));
        return;
      case 'remember': {
        if (!this.deps.memory) {
          await reply(noMemoryReply());
          return;
        }
        await this.deps.memory.remember({
          repo: `${repo.owner}/${repo.repo}`,
          kind: command.kind,
          content: command.text,
          metadata: { from: 'comment', by: trigger.actor, issue: trigger.issueNumber },
        });
        await reply(rememberedReply(command.kind, command.text));
        return;
      }
      case 'auto-fix':
        await autoFixCommand(
          { scm, config, log: this.deps.log, botLogin: await this.deps.botLogin(), ...this.clock() },
          {
            repo,
            issueNumber: trigger.issueNumber,
            isPullRequest: trigger.isPullRequest,
            issueBody: trigger.issueBody,
            actor: trigger.actor,
            ...(command.attempts !== undefined ? { attempts: command.attempts } : {}),
          },
        );
        return;
      case 'parallel-dev': {
        const spec = command.feature ?? trigger.issueBody;
        if (!spec.trim()) {
          await reply(emptySpecReply());
          return;
        }
        const run = await this.runs.start(scope, {
          ...base,
          trigger: commandTrigger(trigger, command, spec),
        });
        if (run.deliveryId !== deliveryId) await reply(busyRunReply(run));
        return;
      }
      case 'plan': {
        const run = await latest();
        if (run && (run.state === 'planning' || run.state === 'awaiting-approval')) {
          await this.runs.replan(scope, run, command.feedback);
        } else if (run && !isFinal(run)) {
          await reply(busyRunReply(run));
        } else if (!trigger.issueBody.trim() && !command.feedback.trim()) {
          await reply(emptySpecReply());
        } else {
          // A plan-only run: it always waits for /approve, whatever the config says.
          const spec = trigger.issueBody.trim() ? trigger.issueBody : command.feedback;
          const started = await this.runs.start(
            scope,
            { ...base, trigger: commandTrigger(trigger, command, spec) },
            { requireApproval: true, ...(command.feedback ? { feedback: command.feedback } : {}) },
          );
          if (started.deliveryId !== deliveryId) await reply(busyRunReply(started));
        }
        return;
      }
      case 'status': {
        const run = await latest();
        if (run) await this.runs.refresh(scope, run);
        else await reply(noRunReply('/status'));
        return;
      }
      case 'cancel': {
        const run = await latest();
        if (!run) await reply(noRunReply('/cancel'));
        else if (isFinal(run)) await reply(runEndedReply(run, '/cancel'));
        else await this.runs.cancel(scope, run, trigger.actor);
        return;
      }
      case 'approve': {
        const run = await latest();
        if (!run) await reply(noRunReply('/approve'));
        else if (run.state !== 'awaiting-approval') await reply(notWaitingReply(run));
        else await this.runs.approve(scope, run, trigger.actor);
        return;
      }
      case 'retry': {
        const run = await latest();
        if (!run) await reply(noRunReply('/retry'));
        else if (!run.tasks.some((t) => t.id === command.taskId)) {
          const ids = run.tasks.map((t) => `\`${t.id}\``).join(', ') || 'none';
          await reply(`Run \`${run.id}\` has no task \`${command.taskId}\`. Its tasks: ${ids}.`);
        } else await this.runs.retry(scope, run, command.taskId);
        return;
      }
    }
  }
}

function commandTrigger(trigger: CommandTrigger, command: Command, spec: string): RunTrigger {
  const base: RunTrigger = {
    kind: 'command',
    actor: trigger.actor,
    command,
    spec,
    title: command.name === 'parallel-dev' && command.feature ? command.feature : trigger.title,
    ...(trigger.isPullRequest ? { onPullRequest: true } : {}),
  };
  if (command.name !== 'parallel-dev') return base;
  return {
    ...base,
    ...(command.strategy ? { strategy: command.strategy } : {}),
    ...(command.complexity ? { complexity: command.complexity } : {}),
    ...(command.instances ? { instances: command.instances } : {}),
  };
}
