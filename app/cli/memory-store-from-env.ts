/**
 * The memory store a CLI command works on: the one given (tests, or a caller that has it open), else the
 * one the environment names, like the app's — Supabase (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY),
 * Postgres (DATABASE_URL), else the embedded PGlite at AUTODEV_DATA_DIR (.data/autodev).
 */
import type { MemoryStore } from '../memory/memory-store.js';
import { memoryOptionsFromEnv, openMemoryStore } from '../memory/open-memory-store.js';

/** Runs `fn` on the store and closes it afterwards when this function opened it. */
export async function withMemoryStore<T>(
  given: MemoryStore | undefined,
  env: NodeJS.ProcessEnv,
  fn: (store: MemoryStore) => Promise<T>,
): Promise<T> {
  if (given) return fn(given);
  const store = await openMemoryStore(memoryOptionsFromEnv(env));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
