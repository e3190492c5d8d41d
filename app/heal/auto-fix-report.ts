/**
 * The auto-fix workflow's report, as its last job builds it from what the heal and publish jobs left:
 * heal's result file (which came out of a job that ran the head's code, so it is checked here and only
 * the known fields are kept) and publish's output (where the fix went). The control plane reads the
 * same shape back from the state branch (auto-fix-state.ts), through the same schema, and renders it
 * in the progress comment. Pure: the action does the I/O.
 */
import { z } from 'zod';
import type { AutoFixReport } from './auto-fix-state.js';
import type { PublishResult } from './publish-fix.js';

/** How a job of the workflow ended, as `needs.<job>.result` says it. */
export const JOB_OUTCOMES = ['success', 'failure', 'cancelled', 'skipped'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

const text = (max: number) => z.string().max(max);
const count = z.int().min(0);

const verificationSchema = z.object({
  command: text(2_000),
  exitCode: z.int(),
  passed: z.boolean(),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
  outputTail: text(20_000),
});

const attemptSchema = z.object({
  attempt: z.int().min(1),
  of: z.int().min(1),
  kind: z.enum(['healer', 'agent']),
  name: text(200),
  tried: text(2_000),
  changed: z.array(text(1_000)).max(1_000),
  verification: verificationSchema.nullable(),
  modelCalls: count,
});

const fixedBySchema = z.object({ kind: z.enum(['healer', 'agent']), name: text(200) });

const REASON_CHARS = 5_000;

const outcomeFields = {
  fixed: z.boolean(),
  fixedBy: fixedBySchema.optional(),
  reason: text(REASON_CHARS),
  attempts: z.array(attemptSchema).max(50),
  modelCalls: count,
};

/** The report on the state branch; both the action (writing) and the control plane (reading) use it. */
export const autoFixReportSchema = z.object({
  workflowRunId: z.int().positive(),
  ...outcomeFields,
  pushed: z.object({ branch: text(255), sha: z.string().regex(/^[0-9a-f]{7,64}$/) }).optional(),
  pullRequest: z.object({ number: z.int().positive(), url: text(2_000) }).optional(),
}) satisfies z.ZodType<AutoFixReport>;

/** The part of heal's result the report is made of. */
const healResultSchema = z.object({ fix: z.object(outcomeFields) });
export type HealOutcome = z.infer<typeof healResultSchema>;

const publishResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pushed'), branch: text(255), commit: z.string().regex(/^[0-9a-f]{7,64}$/) }),
  z.object({
    kind: z.literal('pull-request'),
    branch: text(255),
    commit: z.string().regex(/^[0-9a-f]{7,64}$/),
    number: z.int().positive(),
    url: text(2_000),
    created: z.boolean(),
  }),
]) satisfies z.ZodType<PublishResult>;

/** Heal's result file, or why it cannot be used; unknown fields are dropped. */
export function parseHealResult(
  json: string,
): { ok: true; heal: HealOutcome } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return {
      ok: false,
      reason: `it is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const parsed = healResultSchema.safeParse(value);
  return parsed.success ? { ok: true, heal: parsed.data } : { ok: false, reason: firstIssue(parsed.error) };
}

/** Publish's `result` output; throws a message naming the input when it is not a publish result. */
export function parsePublishResult(json: string): PublishResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(
      `publish-result must be the publish step's \`result\` output (JSON), not "${json.slice(0, 80)}"`,
    );
  }
  const parsed = publishResultSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `publish-result is not the publish step's \`result\` output: ${firstIssue(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** A report read from the state branch, or null when it is not one. */
export function asAutoFixReport(value: unknown): AutoFixReport | null {
  const parsed = autoFixReportSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export interface ReportInput {
  /** The auto-fix workflow run (`github.run_id`). */
  workflowRunId: number;
  heal: {
    outcome: JobOutcome;
    /** Its result file, checked; null when there is none. */
    result: HealOutcome | null;
    /** Why the result file could not be used, when it could not. */
    unreadable?: string;
    /** The heal step's error message, when it failed. */
    error?: string;
  };
  publish: {
    outcome: JobOutcome;
    /** Where the fix went; null when publish did not run or failed. */
    result: PublishResult | null;
    error?: string;
  };
}

/** What the progress comment shows: every attempt, and fixed only when the fix also reached GitHub. */
export function autoFixReport(input: ReportInput): AutoFixReport {
  const { workflowRunId, heal, publish } = input;
  if (!heal.result) {
    return {
      workflowRunId,
      fixed: false,
      reason: clip(healDidNotReport(heal)),
      attempts: [],
      modelCalls: 0,
    };
  }
  const { fix } = heal.result;
  const base = { workflowRunId, attempts: fix.attempts, modelCalls: fix.modelCalls };
  if (!fix.fixed) return { ...base, fixed: false, reason: fix.reason };
  const published = publish.result;
  if (!published) {
    return { ...base, fixed: false, reason: clip(`${fix.reason}, but ${publishDidNotHappen(publish)}`) };
  }
  return {
    ...base,
    fixed: true,
    ...(fix.fixedBy ? { fixedBy: fix.fixedBy } : {}),
    reason: fix.reason,
    ...(published.kind === 'pushed'
      ? { pushed: { branch: published.branch, sha: published.commit } }
      : { pullRequest: { number: published.number, url: published.url } }),
  };
}

function healDidNotReport(heal: ReportInput['heal']): string {
  if (heal.unreadable) return `the heal job's result could not be used: ${heal.unreadable}`;
  const ended = heal.outcome === 'failure' ? 'failed' : `ended (${heal.outcome})`;
  return heal.error
    ? `the heal job ${ended}: ${oneLine(heal.error)}`
    : `the heal job ${ended} before it wrote a result; its log says why`;
}

function publishDidNotHappen(publish: ReportInput['publish']): string {
  const what =
    publish.outcome === 'skipped'
      ? 'the publish job did not run'
      : publish.outcome === 'success'
        ? 'the publish job reported no result'
        : `publishing it ${publish.outcome === 'failure' ? 'failed' : `ended (${publish.outcome})`}`;
  return `${what}${publish.error ? `: ${oneLine(publish.error)}` : ''}. Nothing was pushed`;
}

function oneLine(message: string): string {
  return clip(message.replace(/\s+/g, ' ').trim(), 1_000).replace(/\.$/, '');
}

/** Within the schema's bound on reasons, so the control plane never rejects a report this built. */
function clip(text: string, max = REASON_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not have the expected shape';
  const at = issue.path.length > 0 ? issue.path.join('.') : 'the top level';
  return `${at}: ${issue.message}`;
}
