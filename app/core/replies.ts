/** Short replies the bot posts besides the progress comment. Pure text builders. */
import type { Run } from '../runs/run.js';

export function refusalReply(reason: string): string {
  return `🚫 autodev did not act on this: ${reason}\n\nAsk a maintainer to run the command, or to change \`minPermission\` in \`.github/autodev.yml\`.`;
}

export function noRunReply(command: string): string {
  return `There is no autodev run on this issue or pull request yet, so \`${command}\` has nothing to act on. Start one with \`/parallel-dev\`.`;
}

export function runEndedReply(run: Run, command: string): string {
  return `Run \`${run.id}\` already ended (${run.state}), so \`${command}\` changes nothing. Start a new one with \`/parallel-dev\`.`;
}

export function notWaitingReply(run: Run): string {
  return `Run \`${run.id}\` is ${run.state}, not waiting for approval, so there is nothing to approve.`;
}

export function busyRunReply(run: Run): string {
  return `Run \`${run.id}\` is already ${run.state}. Reply \`/cancel\` first if you want to plan again.`;
}

export function emptySpecReply(): string {
  return 'There is nothing to plan: this issue has no description. Write the spec in the issue body, or give it inline: `/parallel-dev feature="Add a login page"`.';
}

export function notAvailableReply(command: string): string {
  return `\`${command}\` is not available in this version of autodev yet.`;
}
