/**
 * The reviewer agent's review as posted on the pull request. The text is a model's, so it is made
 * inert where it could act (hidden content stripped, mentions defused) while its markdown stays.
 * Comments on lines outside the diff, which GitHub would refuse, are kept in the body instead.
 */
import { stripHidden } from '../prompts/untrusted-text.js';
import { codeSpan } from '../progress/markdown-text.js';
import type { ReviewEvent } from '../scm/scm.js';
import type { LineComment } from './diff-lines.js';
import type { Review, ReviewVerdict } from './review-schema.js';

const VERDICT_TEXT: Record<ReviewVerdict, string> = {
  approve: 'approve',
  'request-changes': 'request changes',
  comment: 'comment',
};

const EVENTS: Record<ReviewVerdict, ReviewEvent> = {
  approve: 'APPROVE',
  'request-changes': 'REQUEST_CHANGES',
  comment: 'COMMENT',
};

/** The review event for a verdict; never an approval while something keeps the pull request a draft. */
export function reviewEvent(verdict: ReviewVerdict, draft: boolean): ReviewEvent {
  return draft && verdict === 'approve' ? 'COMMENT' : EVENTS[verdict];
}

/** Model text made inert: no hidden content, no mention that notifies anyone. */
export function inertText(text: string): string {
  return stripHidden(text)
    .replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
    .trim();
}

export function reviewBody(review: Review, offDiff: readonly LineComment[]): string {
  const lines = [
    `**autodev reviewer** · verdict: ${VERDICT_TEXT[review.verdict]}`,
    '',
    inertText(review.summary),
  ];
  if (offDiff.length > 0) {
    lines.push(
      '',
      `<details><summary>Comments on lines outside the diff (${offDiff.length})</summary>`,
      '',
      ...offDiff.map(
        (c) => `- ${codeSpan(c.path, 200)} line ${c.line}: ${inertText(c.body).replace(/\n+/g, ' ')}`,
      ),
      '',
      '</details>',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function inertComments(comments: readonly LineComment[]): LineComment[] {
  return comments.map((c) => ({ ...c, body: inertText(c.body) }));
}
