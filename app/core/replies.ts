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

export function rememberedReply(kind: string, text: string): string {
  const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  const quoted = shown
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return `🧠 Remembered as a ${kind} for this repository; plans and agents will recall it when it is relevant:\n\n${quoted}`;
}

export function noMemoryReply(): string {
  return "autodev's memory is not set up for this installation, so nothing was stored. The app keeps memory in its database (the embedded one by default, `DATABASE_URL` or `SUPABASE_URL` otherwise).";
}
