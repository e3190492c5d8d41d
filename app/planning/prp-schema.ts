/**
 * The PRP (product requirements prompt) a planner model answers with, as a zod schema. The same
 * schema checks the answer and, as JSON Schema, tells the model what to write, so the two cannot drift.
 *
 * Task ids are deliberately loose here (any short text): models write "Task 1" or "API endpoint", and
 * normaliseTaskIds turns those into stable ids afterwards rather than spending a retry on them.
 */
import { z } from 'zod';
import { STRATEGIES } from '../commands/command.js';
import { AGENT_ROLES, PLAN_PATTERNS } from '../runs/run.js';

/** More tasks than this is a runaway answer, not a plan anyone could review. */
export const MAX_PLAN_TASKS = 500;

export const prpTaskSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .describe('Short unique id: lowercase letters, digits and dashes, e.g. "api-route".'),
  title: z.string().min(1).max(200).describe('One line a reviewer reads in the task list.'),
  role: z.enum(AGENT_ROLES).describe('The kind of agent that does the task.'),
  description: z.string().min(1).max(8000).describe('What the agent must do, self-contained.'),
  files: z
    .array(z.string().min(1).max(300))
    .max(200)
    .default([])
    .describe('Paths the task creates or changes.'),
  dependsOn: z
    .array(z.string().min(1).max(100))
    .max(100)
    .default([])
    .describe('Ids of tasks that must finish first.'),
  acceptance: z
    .array(z.string().min(1).max(1000))
    .max(50)
    .default([])
    .describe('Checks that tell the task is done.'),
  estimate: z.int().positive().max(10_000).describe('Minutes of focused agent work.'),
  candidates: z
    .int()
    .min(1)
    .optional()
    .describe('Best-of-N: agents that attempt the task in competition (default 1).'),
  mvp: z.boolean().optional().describe('Agile strategy: part of the first runnable slice.'),
});

export const prpSchema = z.object({
  goal: z.string().min(1).max(2000).describe('What will be true when the work is done, in one paragraph.'),
  why: z.string().min(1).max(2000).describe('Why it matters to the people who asked.'),
  what: z.string().min(1).max(8000).describe('The user-visible behaviour and the technical scope.'),
  context: z.string().max(8000).default('').describe('Code, docs and gotchas the agents need to know.'),
  acceptanceCriteria: z
    .array(z.string().min(1).max(1000))
    .min(1)
    .max(50)
    .describe('How the whole feature is accepted.'),
  validationGates: z
    .array(z.string().min(1).max(500))
    .max(20)
    .default([])
    .describe('Shell commands that must pass, e.g. "npm test".'),
  strategy: z.enum(STRATEGIES).describe('How the work is ordered.'),
  pattern: z.enum(PLAN_PATTERNS).describe('How the parallel work is shaped.'),
  tasks: z.array(prpTaskSchema).min(1).max(MAX_PLAN_TASKS),
});

export type Prp = z.output<typeof prpSchema>;
export type PrpTask = z.output<typeof prpTaskSchema>;

let schemaText: string | undefined;

/** The JSON Schema of an answer, as text for the planner prompt (computed once: it never changes). */
export function planJsonSchema(): string {
  schemaText ??= JSON.stringify(z.toJSONSchema(prpSchema, { io: 'input' }), null, 2);
  return schemaText;
}

export type PrpParseResult = { ok: true; prp: Prp } | { ok: false; errors: string[] };

const MAX_REPORTED_ISSUES = 20;

/** Checks an answer against the schema; errors read like `tasks[2].role: expected one of …`. */
export function parsePrp(raw: unknown): PrpParseResult {
  const result = prpSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { ok: true, prp: result.data };
  const issues = result.error.issues;
  const errors = issues.slice(0, MAX_REPORTED_ISSUES).map(formatIssue);
  if (issues.length > MAX_REPORTED_ISSUES)
    errors.push(`…and ${issues.length - MAX_REPORTED_ISSUES} more problems`);
  return { ok: false, errors };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  const message = missing ? 'is missing' : issue.message.replace(/^Invalid input: /, '');
  const got = !missing && issue.code === 'invalid_value' ? ` (got ${preview(issue.input)})` : '';
  return `${where}: ${message}${got}`;
}

/** `["tasks", 2, "role"]` → `tasks[2].role`; the answer as a whole is `(the answer)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(the answer)';
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
