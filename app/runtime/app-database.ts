/**
 * The app's database as the environment names it: the run store, and the memory beside it — on one
 * PGlite folder or Postgres database (DATABASE_URL), or memory in Supabase (SUPABASE_URL +
 * SUPABASE_SERVICE_ROLE_KEY) — with the embedder AUTODEV_EMBEDDER names ("hashed", the offline
 * default; "openai:<model>"; "ollama:<model>"). Then the pieces that use memory: the planner that
 * recalls it and shows learned estimates, and the dispatcher whose bandit picks backends from outcomes.
 */
import type { Log } from '../core/logger.js';
import { ActionsDispatcher } from '../dispatch/actions-dispatcher.js';
import { chooseBackend } from '../learning/choose-backend.js';
import { withLearnedEstimates } from '../learning/learned-estimates.js';
import { createEmbedder } from '../memory/embeddings.js';
import { MemoryService } from '../memory/memory-service.js';
import type { MemoryStore } from '../memory/memory-store.js';
import { memoryBackend, memoryOptionsFromEnv, openMemoryStore } from '../memory/open-memory-store.js';
import { plannerMemory } from '../memory/planner-memory.js';
import { configuredPlanner } from '../planning/configured-planner.js';
import type { Planner } from '../planner/planner.js';
import { openDatabase, openStore, type OpenStoreOptions } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface AppMemory {
  store: MemoryStore;
  service: MemoryService;
}

export interface AppDatabase {
  store: Store;
  memory: AppMemory;
  close(): Promise<void>;
}

export async function openAppDatabase(
  env: NodeJS.ProcessEnv = process.env,
  overrides: OpenStoreOptions = {},
): Promise<AppDatabase> {
  // The embedder is checked first: a misnamed one should stop start-up before any database opens.
  const embedder = createEmbedder(env.AUTODEV_EMBEDDER, env);
  const options = { ...memoryOptionsFromEnv(env), ...overrides };
  if (memoryBackend(options) === 'supabase') {
    const store = await openStore(options);
    try {
      const memory = await openMemoryStore(options);
      return {
        store,
        memory: { store: memory, service: new MemoryService(memory, embedder) },
        close: async () => {
          await memory.close();
          await store.close();
        },
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const db = await openDatabase(options);
  return {
    store: db.store,
    memory: { store: db.memory, service: new MemoryService(db.memory, embedder) },
    close: () => db.close(),
  };
}

/** The planner with memory in its prompt and learned estimates in its plans. */
export function learningPlanner(memory: AppMemory, options: { planner?: Planner; log?: Log } = {}): Planner {
  const planner =
    options.planner ??
    configuredPlanner({
      memory: plannerMemory(memory.service, { ...(options.log ? { log: options.log } : {}) }),
    });
  return withLearnedEstimates(planner, memory.store, options.log);
}

/** The Actions dispatcher, choosing backends by config `learning.backends` from recorded outcomes. */
export function learningDispatcher(
  memory: AppMemory,
  options: { now?: () => Date; log?: Log } = {},
): ActionsDispatcher {
  return new ActionsDispatcher({
    ...options,
    chooseBackend: (request) => chooseBackend(memory.store, request),
  });
}
