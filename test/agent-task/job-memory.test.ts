/**
 * An agent job's memory: a shared Postgres (here PGlite behind the Postgres wire protocol) named by
 * DATABASE_URL gives the agent what was remembered for its repository; no shared database, or one
 * that cannot be reached, leaves the job to run without memory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jobMemoryFromEnv } from '../../app/agent-task/job-memory.js';
import type { AgentTask } from '../../app/agents/agent-backend.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import { openMemoryStore } from '../../app/memory/open-memory-store.js';
import { startWireServer, type WireServer } from '../store/start-wire-server.js';

let server: WireServer;

beforeAll(async () => {
  server = await startWireServer();
}, 60_000);

afterAll(() => server?.stop());

const task = {
  repository: 'acme/widgets',
  title: 'Add the settings form',
  description: 'A form on the settings page that saves the theme',
} as AgentTask;

const warnings: string[] = [];
const log = {
  debug() {},
  info() {},
  error() {},
  warn: (_o: object | string, m?: string) => warnings.push(String(m)),
};

describe('jobMemoryFromEnv', () => {
  it("recalls the repository's memories from the database DATABASE_URL names", async () => {
    const store = await openMemoryStore({ databaseUrl: server.url });
    await new MemoryService(store, hashedNgramEmbedder()).remember({
      repo: 'acme/widgets',
      kind: 'convention',
      content: 'Settings forms save through the useSettings hook, never with fetch directly.',
    });
    await store.close();

    const job = await jobMemoryFromEnv({ DATABASE_URL: server.url }, log);
    expect(job).toBeDefined();
    const recalled = await job!.memory.recall({ repo: 'acme/widgets', task, k: 3 });
    await job!.close();
    expect(recalled[0]).toBe(
      '(convention) Settings forms save through the useSettings hook, never with fetch directly.',
    );
  });

  it('is none without a shared database, and none with a warning when it cannot be reached', async () => {
    expect(await jobMemoryFromEnv({}, log)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(
      await jobMemoryFromEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, log),
    ).toBeUndefined();
    expect(warnings).toEqual(['the job runs without memory']);
  });
});
