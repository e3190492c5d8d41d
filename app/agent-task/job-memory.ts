/**
 * Memory for a job on a runner: only a shared database helps there — Postgres (DATABASE_URL) or
 * Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY), passed to the workflow as secrets. An embedded
 * PGlite on a fresh runner would be empty, so without those the job runs without memory. A store that
 * cannot be opened is reported and skipped: memory must never fail a task. The same database keeps the
 * audit trail, so the agent's actions are appended to it as they happen.
 */
import type { AgentTask } from '../agents/agent-backend.js';
import type { Memory } from '../agents/agent-context.js';
import type { AgentAction } from './audited-workspace.js';
import type { Log } from '../core/logger.js';
import { createEmbedder } from '../memory/embeddings.js';
import { agentMemory, MemoryService } from '../memory/memory-service.js';
import { memoryBackend, memoryOptionsFromEnv, openMemoryStore } from '../memory/open-memory-store.js';

export interface JobMemory {
  memory: Memory;
  /** Appends the agent's actions to the audit trail, in order; close() waits for them. */
  audit(task: Pick<AgentTask, 'repository' | 'runId' | 'taskId'>): (action: AgentAction) => void;
  close(): Promise<void>;
}

export async function jobMemoryFromEnv(env: NodeJS.ProcessEnv, log: Log): Promise<JobMemory | undefined> {
  const options = memoryOptionsFromEnv(env);
  try {
    if (memoryBackend(options) === 'pglite') return undefined;
    const embedder = createEmbedder(env.AUTODEV_EMBEDDER, env);
    const store = await openMemoryStore(options);
    let queue: Promise<unknown> = Promise.resolve();
    return {
      memory: agentMemory(new MemoryService(store, embedder)),
      audit: (task) => (action) => {
        const event = {
          repo: task.repository,
          runId: task.runId,
          actor: `agent:${task.taskId}`,
          action: action.action,
          detail: action.detail,
        };
        queue = queue
          .then(() => store.appendAudit(event))
          .catch((error: unknown) => log.warn({ err: String(error) }, 'an agent action was not audited'));
      },
      close: async () => {
        await queue;
        await store.close();
      },
    };
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'the job runs without memory');
    return undefined;
  }
}
