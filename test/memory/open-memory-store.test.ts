import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import { memoryBackend, memoryOptionsFromEnv, openMemoryStore } from '../../app/memory/open-memory-store.js';
import { openDatabase, StoreOpenError } from '../../app/store/open-store.js';
import { aRun } from '../runs/run-fixtures.js';

describe('choosing the memory backend', () => {
  it('reads Supabase, then DATABASE_URL, then the data folder from the environment', () => {
    const env = {
      SUPABASE_URL: 'https://abc.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: ' key ',
      DATABASE_URL: '',
      AUTODEV_DATA_DIR: '/var/autodev',
    };
    expect(memoryOptionsFromEnv(env)).toEqual({
      supabaseUrl: 'https://abc.supabase.co',
      supabaseServiceKey: 'key',
      dataDir: '/var/autodev',
    });
    expect(memoryBackend(memoryOptionsFromEnv(env))).toBe('supabase');
    expect(memoryBackend({ databaseUrl: 'postgresql://db/autodev' })).toBe('postgres');
    expect(memoryBackend({ databaseUrl: ' ' })).toBe('pglite');
    expect(memoryBackend({})).toBe('pglite');
  });

  it('treats half a Supabase configuration as a mistake, not as a reason to fall back', async () => {
    const attempt = openMemoryStore({
      supabaseUrl: 'https://abc.supabase.co',
      databaseUrl: 'postgresql://x/y',
    });
    await expect(attempt).rejects.toBeInstanceOf(StoreOpenError);
    await expect(attempt).rejects.toThrow(
      'SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not: set both to keep memory in Supabase',
    );
    expect(() => memoryBackend({ supabaseServiceKey: 'k' })).toThrow(
      /SUPABASE_SERVICE_ROLE_KEY is set but SUPABASE_URL is not/,
    );
  });
});

describe('one embedded database for runs and memory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autodev-memory-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves both stores from one data folder (in a worker thread), and memory alone after a reopen', async () => {
    const dataDir = join(dir, 'db');
    const database = await openDatabase({ dataDir });
    try {
      const { created } = await database.store.createRun(aRun());
      expect(created).toBe(true);
      const service = new MemoryService(database.memory, hashedNgramEmbedder());
      await service.remember({
        repo: 'acme/widgets',
        kind: 'decision',
        content: 'Widgets are priced in cents.',
      });
      await database.memory.appendAudit({ repo: 'acme/widgets', actor: 'autodev', action: 'memory.added' });
      // The memory store shares the client: closing it leaves the run store working.
      await database.memory.close();
      expect(await database.store.listRuns({})).toHaveLength(1);
    } finally {
      await database.close();
    }

    const memory = await openMemoryStore({ dataDir });
    try {
      expect(await memory.embeddingSettings()).toEqual({ model: 'hashed-ngram-v1', dimension: 384 });
      const recalled = await new MemoryService(memory, hashedNgramEmbedder()).recall({
        repo: 'acme/widgets',
        query: 'what unit are widget prices in?',
      });
      expect(recalled.map((m) => m.content)).toEqual(['Widgets are priced in cents.']);
      expect((await memory.listAudit()).map((e) => e.action)).toEqual(['memory.added']);
    } finally {
      await memory.close();
    }
  }, 60_000);
});
