/**
 * Memory for a job on a runner: only a shared database helps there — Postgres (DATABASE_URL) or
 * Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY), passed to the workflow as secrets. An embedded
 * PGlite on a fresh runner would be empty, so without those the job runs without memory. A store that
 * cannot be opened is reported and skipped: memory must never fail a task.
 */
import type { Memory } from '../agents/agent-context.js';
import type { Log } from '../core/logger.js';
import { createEmbedder } from '../memory/embeddings.js';
import { agentMemory, MemoryService } from '../memory/memory-service.js';
import { memoryBackend, memoryOptionsFromEnv, openMemoryStore } from '../memory/open-memory-store.js';

export interface JobMemory {
  memory: Memory;
  close(): Promise<void>;
}

export async function jobMemoryFromEnv(env: NodeJS.ProcessEnv, log: Log): Promise<JobMemory | undefined> {
  const options = memoryOptionsFromEnv(env);
  try {
    if (memoryBackend(options) === 'pglite') return undefined;
    const embedder = createEmbedder(env.AUTODEV_EMBEDDER, env);
    const store = await openMemoryStore(options);
    return { memory: agentMemory(new MemoryService(store, embedder)), close: () => store.close() };
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'the job runs without memory');
    return undefined;
  }
}
