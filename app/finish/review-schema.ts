/**
 * The review the reviewer agent answers with (prompts/reviewer.md), as a zod schema. The same schema
 * checks the answer and, as JSON Schema, tells the model what to write, so the two cannot drift.
 */
import { z } from 'zod';
import { extractJson } from '../planning/extract-json.js';

export const REVIEW_VERDICTS = ['approve', 'request-changes', 'comment'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

/** More comments than this is noise a maintainer will not read; the summary can say the rest. */
export const MAX_REVIEW_COMMENTS = 50;

export const reviewSchema = z.object({
  verdict: z
    .enum(REVIEW_VERDICTS)
    .describe('approve: only minor points remain; request-changes: bugs, failing gates, unmet criteria.'),
  summary: z.string().min(1).max(20_000).describe('The overall review, in markdown.'),
  comments: z
    .array(
      z.object({
        path: z.string().min(1).max(500).describe("The file's path in the new version."),
        line: z.int().positive().describe('A line number of the new version that appears in the diff.'),
        body: z.string().min(1).max(10_000).describe('The problem, why it matters, what to change.'),
      }),
    )
    .max(MAX_REVIEW_COMMENTS)
    .default([])
    .describe('Comments on lines of the diff.'),
});

export type Review = z.infer<typeof reviewSchema>;

let schemaText: string | undefined;

export function reviewJsonSchema(): string {
  schemaText ??= JSON.stringify(z.toJSONSchema(reviewSchema, { io: 'input' }), null, 2);
  return schemaText;
}

export type ReviewParseResult = { ok: true; review: Review } | { ok: false; error: string };

export function parseReview(text: string): ReviewParseResult {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, error: extracted.error };
  const parsed = reviewSchema.safeParse(extracted.value);
  if (parsed.success) return { ok: true, review: parsed.data };
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, error: `the review does not match the schema: ${problems.join('; ')}` };
}
