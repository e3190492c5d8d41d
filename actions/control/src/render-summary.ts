/** The job summary: what this workflow run did for autodev, in a few lines. Pure. */
import type { EventOutcome } from '../../../app/runtime/actions-runtime.js';
import type { DeliveryInput } from '../../../app/store/store.js';

const OUTCOMES: Record<EventOutcome['kind'], string> = {
  handled: 'handled',
  repeat: 'already handled by an earlier start of this workflow run attempt',
  ignored: 'nothing in this event asks autodev for anything',
};

export function renderSummary(input: DeliveryInput, outcome: EventOutcome, serverUrl: string): string {
  const event = input.action ? `${input.event}.${input.action}` : input.event;
  const lines = [
    '### autodev',
    '',
    `- Event: \`${event}\` on ${input.repo}`,
    `- Outcome: ${OUTCOMES[outcome.kind]}`,
  ];
  const run = outcome.run;
  if (run) {
    const issue = `${serverUrl}/${run.repo.owner}/${run.repo.repo}/issues/${run.issueNumber}`;
    const comment = run.commentId === undefined ? issue : `${issue}#issuecomment-${run.commentId}`;
    lines.push(`- Run: \`${run.id}\` is **${run.state}** ([progress](${comment}))`);
    if (run.reason) lines.push(`- Why: ${run.reason.replace(/\s+/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}
