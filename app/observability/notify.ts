/**
 * Notifications to chat webhooks (config `notifications`): when a run ends, a task fails, or a run's
 * spending reaches its budget, a Slack-compatible message (`text` + `blocks`) is posted to every
 * webhook subscribed to that event. Posting happens in the background with bounded retries; a cooldown
 * keeps one problem (the same run and event, or the same failure text) from being posted twice.
 *
 * Deciding what to post (`noticesFor`) and rendering it (`slackPayload`) are pure; the Notifier only
 * sends. It watches runs through the run service's saves, so each change is seen by exactly one process.
 */
import type { AutodevConfig } from '../config/config-schema.js';
import type { Log } from '../core/logger.js';
import { FINAL_RUN_STATES, type Run } from '../runs/run.js';
import { redactSecrets, secretValuesFromEnv } from '../workspace/redact.js';
import { formatDuration } from './bottlenecks.js';
import { ENV_URL_PATTERN, type NotifyEvent } from './notify-events.js';
import type { RunChange, RunObserver } from './run-observer.js';

export interface Notice {
  event: NotifyEvent;
  run: Run;
  /** The failed task, for task.failed. */
  taskId?: string;
  /** One line saying what happened. */
  headline: string;
  detail?: string;
  /** What makes two notices "the same problem" besides their run and event (failures only). */
  signature?: string;
}

/** What a change to a run is worth telling people about. */
export function noticesFor(change: Pick<RunChange, 'before' | 'after' | 'config'>): Notice[] {
  const { before, after, config } = change;
  const where = `${after.repo.owner}/${after.repo.repo}#${after.issueNumber}`;
  const notices: Notice[] = [];
  const previous = new Map(before.tasks.map((t) => [t.id, t.state]));
  for (const task of after.tasks) {
    if (task.state !== 'failed' || previous.get(task.id) === 'failed') continue;
    notices.push({
      event: 'task.failed',
      run: after,
      taskId: task.id,
      headline: `Task ${task.id} (${task.title}) of run ${after.id} failed on ${where}`,
      ...(task.reason ? { detail: task.reason, signature: failureSignature(task.reason) } : {}),
    });
  }
  const limit = config.budget;
  const reached = (run: Run) => run.tokens >= limit.tokens || run.costUsd >= limit.dollars;
  const budgetFailure = after.state === 'failed' && /\bbudget\b/i.test(after.reason ?? '');
  if ((reached(after) && !reached(before)) || (budgetFailure && before.state !== 'failed')) {
    notices.push({
      event: 'budget.reached',
      run: after,
      headline: `Run ${after.id} on ${where} reached its budget`,
      detail:
        `Spent ${after.tokens.toLocaleString('en-US')} of ${limit.tokens.toLocaleString('en-US')} tokens and ` +
        `$${after.costUsd.toFixed(2)} of $${limit.dollars.toFixed(2)}. Raise budget.tokens or budget.dollars ` +
        'in .github/autodev.yml to allow more.',
    });
  }
  if (after.state !== before.state && FINAL_RUN_STATES.includes(after.state)) {
    const event = `run.${after.state}` as NotifyEvent;
    const verb = { succeeded: 'succeeded', failed: 'failed', cancelled: 'was cancelled' }[
      after.state as 'succeeded' | 'failed' | 'cancelled'
    ];
    notices.push({
      event,
      run: after,
      headline: `Run ${after.id} ${verb} on ${where}: ${after.trigger.title}`,
      ...(after.reason ? { detail: after.reason } : {}),
      ...(after.state === 'failed' && after.reason ? { signature: failureSignature(after.reason) } : {}),
    });
  }
  return notices;
}

/**
 * The failure text with what differs between occurrences of one problem taken out (ids, numbers,
 * hashes, times), so the same failure in two runs or tasks is recognised.
 */
export function failureSignature(reason: string): string {
  return reason
    .toLowerCase()
    .replace(/\b[0-9a-f]{7,}\b/g, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

const ICONS: Record<NotifyEvent, string> = {
  'run.succeeded': ':white_check_mark:',
  'run.failed': ':x:',
  'run.cancelled': ':no_entry_sign:',
  'task.failed': ':warning:',
  'budget.reached': ':moneybag:',
};

export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

/** A Slack-compatible message: `text` for notifications and plain clients, `blocks` for the layout. */
export function slackPayload(
  notice: Notice,
  options: { webUrl?: string; now: Date; redact?: (text: string) => string },
): SlackPayload {
  const clean = options.redact ?? ((text: string) => text);
  const { run } = notice;
  const web = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const issueUrl = `${web}/${run.repo.owner}/${run.repo.repo}/issues/${run.issueNumber}`;
  const done = run.tasks.filter((t) => t.state === 'succeeded').length;
  const elapsed = Date.parse(run.finishedAt ?? options.now.toISOString()) - Date.parse(run.createdAt);
  const facts = [
    `${done}/${run.tasks.length} tasks succeeded`,
    `${run.tokens.toLocaleString('en-US')} tokens`,
    `$${run.costUsd.toFixed(2)}`,
    formatDuration(Math.max(0, elapsed)),
  ];
  const headline = clean(notice.headline);
  const detail = notice.detail ? clean(notice.detail) : undefined;
  const links = [`<${issueUrl}|${run.repo.owner}/${run.repo.repo}#${run.issueNumber}>`];
  if (run.pullRequest) links.push(`<${run.pullRequest.url}|pull request #${run.pullRequest.number}>`);
  return {
    text: detail ? `${headline}: ${truncate(detail, 300)}` : headline,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${ICONS[notice.event]} *${escapeMrkdwn(headline)}*${detail ? `\n${escapeMrkdwn(truncate(detail, 2500))}` : ''}`,
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${links.join(' · ')} · ${facts.join(' · ')}` },
          { type: 'mrkdwn', text: `autodev \`${notice.event}\` · run \`${run.id}\`` },
        ],
      },
    ],
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack's mrkdwn treats &, < and > as markup. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface NotifierOptions {
  log: Log;
  /** Where `env:NAME` URLs are read, and whose secret values are kept out of messages. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
  /** Attempts per message, the first included (default 4). */
  attempts?: number;
  /** First retry delay, doubled each time up to maxDelayMs (default 1 s, 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  webUrl?: string;
  now?: () => Date;
}

type Target = AutodevConfig['notifications'][number];

export class Notifier implements RunObserver {
  private readonly sent = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => Date;
  private readonly redact: (text: string) => string;
  /** Messages posted, for health checks and tests. */
  readonly stats = { delivered: 0, failed: 0, suppressed: 0 };

  constructor(private readonly options: NotifierOptions) {
    this.env = options.env ?? process.env;
    this.now = options.now ?? (() => new Date());
    const secrets = secretValuesFromEnv(this.env);
    this.redact = (text) => redactSecrets(text, secrets);
  }

  runChanged(change: RunChange): void {
    const targets = change.config.notifications;
    if (targets.length === 0) return;
    for (const notice of noticesFor(change)) {
      targets.forEach((target, index) => {
        if (!target.events.includes(notice.event)) return;
        if (!this.claim(target, index, notice)) {
          this.stats.suppressed++;
          return;
        }
        this.track(this.post(target, notice, change.log ?? this.options.log));
      });
    }
  }

  /** Resolves when every message started so far was delivered or given up on. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Takes the notice's cooldown slots on this webhook; false when one is still cooling down. Keys:
   * run + event always, and the failure signature when there is one.
   */
  private claim(target: Target, index: number, notice: Notice): boolean {
    const now = this.now().getTime();
    const cooldownMs = target.cooldownMinutes * 60_000;
    const prefix = `${index}|${target.url}|`;
    const keys = [`${prefix}${notice.run.id}|${notice.event}|${notice.taskId ?? ''}`];
    if (notice.signature) keys.push(`${prefix}${notice.event}|${notice.signature}`);
    if (keys.some((key) => now - (this.sent.get(key) ?? -Infinity) < cooldownMs)) return false;
    for (const key of keys) this.sent.set(key, now);
    // Old entries are useless once their cooldown is over; keep the map from growing without end.
    if (this.sent.size > 5000) {
      for (const [key, at] of this.sent) if (now - at > 24 * 60 * 60_000) this.sent.delete(key);
    }
    return true;
  }

  private track(work: Promise<void>): void {
    const task = work.finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  private async post(target: Target, notice: Notice, log: Log): Promise<void> {
    const context = { runId: notice.run.id, event: notice.event, webhook: describeTarget(target.url) };
    const url = this.resolve(target.url);
    if (!url.ok) {
      this.stats.failed++;
      log.warn(context, `notification not sent: ${url.problem}`);
      return;
    }
    const payload = slackPayload(notice, {
      now: this.now(),
      redact: this.redact,
      ...(this.options.webUrl ? { webUrl: this.options.webUrl } : {}),
    });
    const attempts = Math.max(1, this.options.attempts ?? 4);
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await this.attempt(url.value, payload);
      if (outcome.ok) {
        this.stats.delivered++;
        log.info({ ...context, attempt }, 'notification sent');
        return;
      }
      problem = outcome.problem;
      if (!outcome.retry || attempt === attempts) break;
      await sleep(this.delay(attempt, outcome.retryAfterMs));
    }
    this.stats.failed++;
    log.warn({ ...context, attempts }, `notification not delivered: ${this.redact(problem)}`);
  }

  private async attempt(
    url: string,
    payload: SlackPayload,
  ): Promise<{ ok: true } | { ok: false; retry: boolean; problem: string; retryAfterMs?: number }> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      // The body is not needed, but reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true };
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        // Too many requests and server trouble pass; any other refusal will not change by retrying.
        retry: response.status === 429 || response.status >= 500,
        problem: `the webhook answered HTTP ${response.status}`,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      return { ok: false, retry: true, problem: error instanceof Error ? error.message : String(error) };
    }
  }

  private delay(attempt: number, retryAfterMs?: number): number {
    const max = this.options.maxDelayMs ?? 30_000;
    const backoff = (this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1);
    return Math.min(max, Math.max(backoff, retryAfterMs ?? 0));
  }

  private resolve(reference: string): { ok: true; value: string } | { ok: false; problem: string } {
    const fromEnv = ENV_URL_PATTERN.exec(reference);
    const value = fromEnv?.[1] ? this.env[fromEnv[1]]?.trim() : reference;
    if (!value) {
      return { ok: false, problem: `${reference} names an environment variable that is not set on the app` };
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // The value may be a secret put in the wrong variable: never repeat it.
      return { ok: false, problem: `${describeTarget(reference)} is not a URL` };
    }
    // A repository's own config may only name https; http is for URLs the operator sets in the environment.
    const allowed = fromEnv ? ['https:', 'http:'] : ['https:'];
    if (!allowed.includes(parsed.protocol)) {
      return { ok: false, problem: `${describeTarget(reference)} must be an ${allowed.join(' or ')} URL` };
    }
    return { ok: true, value };
  }
}

/** How a webhook is named in logs: the variable, or only the host of a literal URL (its path is the secret). */
export function describeTarget(reference: string): string {
  if (ENV_URL_PATTERN.test(reference)) return reference;
  try {
    return new URL(reference).host;
  } catch {
    return 'an invalid URL';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
