/** The job summary of an agent step: the same report as the task's check run, under a heading. Pure. */
import type { TaskResult } from '../../../app/agents/task-result.js';
import { checkRunOutput } from '../../../app/agent-task/task-report.js';

export function renderSummary(title: string, result: TaskResult): string {
  const icon = result.status === 'succeeded' ? '✅' : '❌';
  return `### ${icon} autodev task \`${result.taskId}\`\n\n${checkRunOutput(title, result).summary}\n`;
}
