/**
 * Decides which webhook events start something. Payloads arrive as `unknown` (a signed webhook, or the
 * event file of an Actions run), so every field is read through a small type guard instead of trusting
 * the @octokit/webhooks shapes: a payload missing a field is ignored with a reason, never a crash.
 */
import type { ParseResult } from '../commands/command.js';
import { looksLikeCommand, parseCommand } from '../commands/parse-command.js';
import type { AutodevConfig } from '../config/config-schema.js';
import type { RepoRef } from '../runs/run.js';

export interface WebhookEvent {
  /** The X-GitHub-Event name without the action, e.g. `issues` or `issue_comment`. */
  name: string;
  payload: unknown;
}

export interface TriggerContext {
  config: Pick<AutodevConfig, 'label' | 'allowedBots' | 'maxParallelAgents'>;
  /** The app's own login, e.g. `autodev[bot]`. */
  botLogin: string;
}

/** What the payload says about a finished workflow run, for CI failure handling (app/heal). */
export interface CompletedWorkflowRun {
  /** The workflow's name ('' when GitHub sent none). */
  name: string;
  /** What started the run: push, pull_request, schedule, workflow_dispatch … */
  event: string;
  headBranch: string;
  headSha: string;
  /** owner/name of the repository holding the head commit (a fork's for fork pull requests). */
  headRepo: string | null;
  /** The repository's default branch as the payload names it, or null. */
  defaultBranch: string | null;
  url: string;
  runAttempt: number;
  /** The repository's web address. */
  repoUrl: string;
}

export type Trigger =
  | { kind: 'ignore'; reason: string }
  /**
   * A workflow run finished: the agents workflow of one of autodev's runs, the auto-fix workflow, or
   * any other workflow (CI failures on the default branch become issues).
   */
  | {
      kind: 'workflow-completed';
      repo: RepoRef;
      workflowRunId: number;
      workflowPath: string;
      conclusion: string;
      run: CompletedWorkflowRun;
    }
  | { kind: 'issue-run'; repo: RepoRef; issueNumber: number; actor: string; title: string; spec: string }
  | {
      kind: 'command';
      repo: RepoRef;
      issueNumber: number;
      isPullRequest: boolean;
      actor: string;
      commentId: number;
      title: string;
      issueBody: string;
      parse: ParseResult;
    };

/**
 * Pre-filter for the webhook request path, before the repo config is loaded. A superset of
 * `detectTrigger`: it never says false to an event that would start something. It reads only the
 * action and the first non-empty line of a comment.
 */
export function mightTrigger(event: WebhookEvent): boolean {
  const payload = asRecord(event.payload);
  if (payload === null) return false;
  const action = payload['action'];
  if (event.name === 'issues') {
    // Whatever label the config names, an issue opened with no labels at all cannot carry it.
    if (action === 'opened') return labelNames(asRecord(payload['issue'])?.['labels']).length > 0;
    return action === 'labeled';
  }
  if (event.name === 'workflow_run') return action === 'completed';
  if (event.name === 'issue_comment' && action === 'created') {
    const body = asRecord(payload['comment'])?.['body'];
    return typeof body === 'string' && looksLikeCommand(body);
  }
  return false;
}

export function detectTrigger(event: WebhookEvent, ctx: TriggerContext): Trigger {
  const payload = asRecord(event.payload);
  if (payload === null) return ignore(`${event.name} event has no payload object`);
  const action = typeof payload['action'] === 'string' ? payload['action'] : '(none)';
  if (event.name === 'issues') return detectIssueRun(payload, action, ctx);
  if (event.name === 'issue_comment') return detectCommand(payload, action, ctx);
  if (event.name === 'workflow_run') return detectWorkflowCompleted(payload, action);
  return ignore(`${event.name} events never trigger autodev`);
}

function detectIssueRun(payload: Record<string, unknown>, action: string, ctx: TriggerContext): Trigger {
  if (action !== 'opened' && action !== 'labeled') {
    return ignore(`issue ${action}: only opened or labeled issues start a run`);
  }
  const common = readCommon(payload);
  if (typeof common === 'string') return ignore(`malformed issues.${action} payload: ${common}`);
  const { repo, issue, sender } = common;

  const refusal = refuseSender(sender, ctx, 'issue event');
  if (refusal !== null) return ignore(refusal);

  // Labelling a closed issue (say, while triaging old ones) is not a request for work.
  if (issue.closed) return ignore(`issue #${issue.number} is closed`);

  const label = ctx.config.label;
  if (action === 'opened' && !issue.labels.some((name) => sameText(name, label))) {
    return ignore(`issue has no '${label}' label`);
  }
  if (action === 'labeled') {
    const added = asRecord(payload['label'])?.['name'];
    if (typeof added !== 'string') return ignore('malformed issues.labeled payload: no label name');
    if (!sameText(added, label)) return ignore(`label '${added}' added, not '${label}'`);
  }
  return {
    kind: 'issue-run',
    repo,
    issueNumber: issue.number,
    actor: sender.login,
    title: issue.title,
    spec: issue.body,
  };
}

function detectWorkflowCompleted(payload: Record<string, unknown>, action: string): Trigger {
  if (action !== 'completed') return ignore(`workflow run ${action}: only completed runs report back`);
  const repository = asRecord(payload['repository']);
  const owner = asRecord(repository?.['owner'])?.['login'];
  const repoName = repository?.['name'];
  const workflowRun = asRecord(payload['workflow_run']);
  const id = workflowRun?.['id'];
  const path = workflowRun?.['path'];
  if (typeof owner !== 'string' || typeof repoName !== 'string' || typeof id !== 'number') {
    return ignore('malformed workflow_run.completed payload: no repository or run id');
  }
  const conclusion = workflowRun?.['conclusion'];
  return {
    kind: 'workflow-completed',
    repo: { owner, repo: repoName },
    workflowRunId: id,
    workflowPath: typeof path === 'string' ? path : '',
    conclusion: typeof conclusion === 'string' ? conclusion : 'unknown',
    run: completedRun(payload, repository, workflowRun ?? {}, `${owner}/${repoName}`),
  };
}

function completedRun(
  payload: Record<string, unknown>,
  repository: Record<string, unknown> | null,
  workflowRun: Record<string, unknown>,
  fullName: string,
): CompletedWorkflowRun {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const headRepo = asRecord(workflowRun['head_repository'])?.['full_name'];
  const attempt = workflowRun['run_attempt'];
  const defaultBranch = repository?.['default_branch'];
  return {
    // The run's name is '' in some payloads; the workflow object names it then.
    name: text(workflowRun['name']) || text(asRecord(payload['workflow'])?.['name']),
    event: text(workflowRun['event']),
    headBranch: text(workflowRun['head_branch']),
    headSha: text(workflowRun['head_sha']),
    headRepo: typeof headRepo === 'string' ? headRepo : null,
    defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : null,
    url: text(workflowRun['html_url']),
    runAttempt: typeof attempt === 'number' ? attempt : 1,
    repoUrl: text(repository?.['html_url']) || `https://github.com/${fullName}`,
  };
}

function detectCommand(payload: Record<string, unknown>, action: string, ctx: TriggerContext): Trigger {
  if (action === 'edited') return ignore('comment edited: edits never re-trigger');
  if (action === 'deleted') return ignore('comment deleted');
  if (action !== 'created') return ignore(`comment ${action}: only new comments carry commands`);

  const common = readCommon(payload);
  if (typeof common === 'string') return ignore(`malformed issue_comment.created payload: ${common}`);
  const { repo, issue, sender } = common;
  const comment = asRecord(payload['comment']);
  const commentId = comment?.['id'];
  const body = comment?.['body'];
  if (typeof commentId !== 'number' || typeof body !== 'string') {
    return ignore('malformed issue_comment.created payload: no comment id or body');
  }

  const refusal = refuseSender(sender, ctx, 'comment');
  if (refusal !== null) return ignore(refusal);

  const parse = parseCommand(body, { maxInstances: ctx.config.maxParallelAgents });
  if (parse === null) return ignore('comment does not start with a slash command');
  return {
    kind: 'command',
    repo,
    issueNumber: issue.number,
    isPullRequest: issue.isPullRequest,
    actor: sender.login,
    commentId,
    title: issue.title,
    issueBody: issue.body,
    parse,
  };
}

interface Sender {
  login: string;
  type: string;
}

interface IssueFields {
  number: number;
  title: string;
  /** '' when GitHub sends null. */
  body: string;
  labels: string[];
  isPullRequest: boolean;
  closed: boolean;
}

interface Common {
  repo: RepoRef;
  issue: IssueFields;
  sender: Sender;
}

/** Reads the fields every issues / issue_comment payload has; returns what is missing otherwise. */
function readCommon(payload: Record<string, unknown>): Common | string {
  const repository = asRecord(payload['repository']);
  const owner = asRecord(repository?.['owner'])?.['login'];
  const repoName = repository?.['name'];
  if (typeof owner !== 'string' || typeof repoName !== 'string') return 'no repository owner or name';

  const issue = asRecord(payload['issue']);
  const number = issue?.['number'];
  const title = issue?.['title'];
  const body = issue?.['body'];
  if (issue === null || typeof number !== 'number' || typeof title !== 'string')
    return 'no issue number or title';

  const sender = asRecord(payload['sender']);
  const login = sender?.['login'];
  if (typeof login !== 'string') return 'no sender login';
  const type = sender?.['type'];

  return {
    repo: { owner, repo: repoName },
    issue: {
      number,
      title,
      body: typeof body === 'string' ? body : '',
      labels: labelNames(issue['labels']),
      // GitHub marks an issue that is really a pull request by this key; its value does not matter.
      isPullRequest: issue['pull_request'] !== undefined && issue['pull_request'] !== null,
      closed: issue['state'] === 'closed',
    },
    sender: { login, type: typeof type === 'string' ? type : 'User' },
  };
}

/** Why this sender may not trigger anything, or null when it may. */
function refuseSender(sender: Sender, ctx: TriggerContext, what: 'comment' | 'issue event'): string | null {
  // Checked before the allowlist so a config listing autodev itself cannot make it answer itself.
  if (sameText(sender.login, ctx.botLogin)) return `${what} by autodev itself (${sender.login})`;
  const isBot = sender.type === 'Bot' || sender.login.toLowerCase().endsWith('[bot]');
  if (isBot && !ctx.config.allowedBots.some((allowed) => sameText(allowed, sender.login))) {
    return `sender ${sender.login} is a bot not in allowedBots`;
  }
  return null;
}

function labelNames(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  const names: string[] = [];
  for (const label of labels) {
    // Labels are objects in webhook payloads; plain strings appear in some hand-written event files.
    const name = typeof label === 'string' ? label : asRecord(label)?.['name'];
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/** GitHub treats logins and label names case-insensitively. */
function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function ignore(reason: string): Trigger {
  return { kind: 'ignore', reason };
}
