/**
 * The commit an agent task lands as: a Conventional Commits subject typed by the agent's role, the
 * agent's summary, and trailers that tie the commit to its issue and run. Pure; the caller redacts.
 */
import type { AgentRole } from '../runs/run.js';

const TYPES: Partial<Record<AgentRole, string>> = { coder: 'feat', tester: 'test', docs: 'docs' };

// Long subjects are cut by `git log --oneline` and GitHub's UI alike; the body keeps the whole title.
const SUBJECT_CHARS = 100;

export interface CommitMessageInput {
  runId: string;
  taskId: string;
  issueNumber: number;
  role: AgentRole;
  title: string;
  /** The agent's own summary of what it did. */
  summary: string;
}

export function commitType(role: AgentRole): string {
  return TYPES[role] ?? 'chore';
}

export function commitMessage(input: CommitMessageInput): string {
  const title = oneLine(input.title) || input.taskId;
  let subject = `${commitType(input.role)}(${input.taskId}): ${title}`;
  if (subject.length > SUBJECT_CHARS) subject = `${subject.slice(0, SUBJECT_CHARS - 1)}…`;
  const summary = input.summary.replace(/\r\n?/g, '\n').trim();
  const body = [summary, `Refs #${input.issueNumber}\nautodev-run: ${input.runId}`].filter(Boolean);
  return `${subject}\n\n${body.join('\n\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
