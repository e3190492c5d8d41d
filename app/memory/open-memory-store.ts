/**
 * Opens the MemoryStore the configuration asks for: Supabase through supabase-js when SUPABASE_URL and
 * SUPABASE_SERVICE_ROLE_KEY are set, else Postgres by DATABASE_URL, else the embedded PGlite under
 * AUTODEV_DATA_DIR (.data/autodev). A process that also needs the run store on the same PGlite folder
 * opens both at once with openDatabase (app/store/open-store.ts): a data folder opens only once.
 */
import { openSqlClient, StoreOpenError, type OpenStoreOptions } from '../store/open-store.js';
import type { MemoryStore } from './memory-store.js';
import { SqlMemoryStore } from './sql-memory-store.js';

export interface OpenMemoryStoreOptions extends OpenStoreOptions {
  /** https://<project-ref>.supabase.co; with supabaseServiceKey, selects the Supabase backend. */
  supabaseUrl?: string;
  supabaseServiceKey?: string;
}

export type MemoryBackend = 'supabase' | 'postgres' | 'pglite';

/** The options the environment gives; empty variables count as unset. */
export function memoryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenMemoryStoreOptions {
  const read = (name: string) => env[name]?.trim() || undefined;
  const options: OpenMemoryStoreOptions = {};
  const supabaseUrl = read('SUPABASE_URL');
  const supabaseServiceKey = read('SUPABASE_SERVICE_ROLE_KEY');
  const databaseUrl = read('DATABASE_URL');
  const dataDir = read('AUTODEV_DATA_DIR');
  if (supabaseUrl) options.supabaseUrl = supabaseUrl;
  if (supabaseServiceKey) options.supabaseServiceKey = supabaseServiceKey;
  if (databaseUrl) options.databaseUrl = databaseUrl;
  if (dataDir) options.dataDir = dataDir;
  return options;
}

/** Which backend the options select; half a Supabase configuration is an error, not a fallback. */
export function memoryBackend(options: OpenMemoryStoreOptions): MemoryBackend {
  const url = options.supabaseUrl?.trim();
  const key = options.supabaseServiceKey?.trim();
  if (url && key) return 'supabase';
  if (url || key) {
    throw new StoreOpenError(
      `${url ? 'SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not' : 'SUPABASE_SERVICE_ROLE_KEY is set but SUPABASE_URL is not'}: ` +
        'set both to keep memory in Supabase (Project Settings → API), or neither to use DATABASE_URL or ' +
        'the embedded database',
    );
  }
  return options.databaseUrl?.trim() ? 'postgres' : 'pglite';
}

export async function openMemoryStore(
  options: OpenMemoryStoreOptions = memoryOptionsFromEnv(),
): Promise<MemoryStore> {
  if (memoryBackend(options) === 'supabase') {
    // Loaded only when chosen: supabase-js and its dependencies are not needed otherwise.
    const { openSupabaseMemoryStore } = await import('./supabase-memory-store.js');
    return openSupabaseMemoryStore({
      url: options.supabaseUrl ?? '',
      serviceKey: options.supabaseServiceKey ?? '',
    });
  }
  return new SqlMemoryStore(await openSqlClient(options));
}
