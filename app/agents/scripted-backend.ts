/**
 * A backend that performs a fixed list of workspace actions per attempt, for tests and the sandbox: the
 * rest of the pipeline (gates, commits, retries) runs for real around it. It records what each attempt
 * was given, so a test can check that attempt 2 saw attempt 1's gate failures.
 */
import { SandboxError } from '../workspace/workspace.js';
import type { AgentBackend, AgentContext, AgentOutcome, AgentStatus } from './agent-backend.js';
import { redactSecrets } from '../workspace/redact.js';

export type ScriptedAction =
  | { write: string; content: string }
  | { edit: string; search: string; replace: string }
  | { run: string; args?: string[] };

export interface ScriptedAttempt {
  actions: ScriptedAction[];
  /** The agent's report; defaults to a list of what it did. */
  summary?: string;
  /** Defaults to 'finished'. */
  status?: AgentStatus;
}

/** What one attempt was given. */
export interface ScriptedCall {
  taskId: string;
  attempt: number;
  feedback: string | undefined;
  memory: string[];
  conventions: string;
  repoMap: string;
}

export class ScriptedBackend implements AgentBackend {
  readonly name = 'scripted';
  readonly calls: ScriptedCall[] = [];

  /** One entry per attempt, used in order; the last one repeats when the pipeline retries further. */
  constructor(private readonly attempts: readonly ScriptedAttempt[]) {}

  async run(context: AgentContext): Promise<AgentOutcome> {
    const attempt = this.calls.length + 1;
    this.calls.push({
      taskId: context.task.taskId,
      attempt,
      feedback: context.feedback,
      memory: [...context.memory],
      conventions: context.conventions,
      repoMap: context.repoMap,
    });
    const script = this.attempts[Math.min(attempt, this.attempts.length) - 1];
    const outcome = (status: AgentStatus, summary: string): AgentOutcome => ({
      status,
      summary: redactSecrets(summary, context.secrets),
      tokens: 0,
      costUsd: 0,
      turns: 1,
      backend: 'scripted',
    });
    if (!script) return outcome('error', 'The scripted backend was given no attempts.');

    const done: string[] = [];
    for (const action of script.actions) {
      try {
        done.push(await perform(context, action));
      } catch (error) {
        // A refusal stops the script the way it would stop a careful agent: reported, not thrown.
        const why = error instanceof SandboxError ? `refused (${error.kind})` : 'failed';
        const message = error instanceof Error ? error.message : String(error);
        return outcome('error', [...done, `${describe(action)} ${why}: ${message}`].join('\n'));
      }
    }
    return outcome(script.status ?? 'finished', script.summary ?? done.join('\n'));
  }
}

async function perform({ workspace }: AgentContext, action: ScriptedAction): Promise<string> {
  if ('write' in action) {
    await workspace.writeFile(action.write, action.content);
  } else if ('edit' in action) {
    await workspace.editFile(action.edit, action.search, action.replace);
  } else {
    const result = await workspace.run(action.run, action.args ?? []);
    return `ran ${result.command}: exit code ${result.exitCode}`;
  }
  return describe(action);
}

function describe(action: ScriptedAction): string {
  if ('write' in action) return `wrote ${action.write}`;
  if ('edit' in action) return `edited ${action.edit}`;
  return `ran ${[action.run, ...(action.args ?? [])].join(' ')}`;
}
