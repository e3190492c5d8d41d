import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { AgentTask } from '../../app/agents/agent-backend.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { agentMemory, chunkMarkdown, MemoryService } from '../../app/memory/memory-service.js';
import { EmbeddingMismatchError } from '../../app/memory/memory-store.js';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { estimateTextTokens } from '../../app/models/token-estimate.js';
import { migrate } from '../../app/store/migrate.js';
import { pgliteClient, type SqlClient } from '../../app/store/sql-client.js';

describe('MemoryService on PGlite with the offline embedder', () => {
  let client: SqlClient;
  let store: SqlMemoryStore;
  let service: MemoryService;

  beforeAll(async () => {
    client = pgliteClient(await PGlite.create({ extensions: { vector } }));
    await migrate(client);
    store = new SqlMemoryStore(client);
    service = new MemoryService(store, hashedNgramEmbedder());
  }, 60_000);
  afterAll(async () => {
    await client.close();
  });

  it('remembers a text and recalls it for a related question, rendered for a prompt', async () => {
    const repo = 'svc/remember';
    await service.remember({
      repo,
      kind: 'convention',
      content: 'Run database migrations with dbmate, never by hand.',
    });
    await service.remember({ repo, kind: 'decision', content: 'The marketing site is built with Astro.' });
    expect(await store.embeddingSettings()).toEqual({ model: 'hashed-ngram-v1', dimension: 384 });

    const matches = await service.recall({ repo, query: 'how are migrations of the database applied?' });
    expect(matches[0]?.content).toBe('Run database migrations with dbmate, never by hand.');
    expect(service.promptSection(matches.slice(0, 1))).toBe(
      '## What autodev remembers about this repository\n\n' +
        '- **convention**: Run database migrations with dbmate, never by hand.',
    );
    expect(service.promptSection([])).toBe('');

    const decisions = await service.recall({ repo, query: 'database migrations', kinds: ['decision'] });
    expect(decisions.map((m) => m.kind)).toEqual(['decision']);
    expect(await service.recall({ repo: 'svc/unrelated', query: 'database migrations' })).toEqual([]);
  });

  it('keeps the recalled section within the token budget, most similar first', async () => {
    const repo = 'svc/budget';
    const long = `Deployments: ${'the release checklist covers staging, smoke tests and rollback. '.repeat(20)}`;
    await service.remember({ repo, kind: 'learning', content: long });
    await service.remember({ repo, kind: 'learning', content: 'Deployments need a release tag on main.' });
    await service.remember({
      repo,
      kind: 'learning',
      content: 'Deployments to staging happen on every merge.',
    });

    const all = await service.recall({ repo, query: 'deployments release staging', tokenBudget: 10_000 });
    expect(all).toHaveLength(3);
    const budget = 60;
    const trimmed = await service.recall({ repo, query: 'deployments release staging', tokenBudget: budget });
    // The long memory does not fit and is left out; the short ones keep their order.
    expect(trimmed.map((m) => m.content)).toEqual(all.map((m) => m.content).filter((c) => c !== long));
    expect(estimateTextTokens(service.promptSection(trimmed))).toBeLessThanOrEqual(budget);
    expect(await service.recall({ repo, query: 'deployments', tokenBudget: 5 })).toEqual([]);
  });

  it('ingests convention files by section, skips unchanged ones and replaces changed ones', async () => {
    const repo = 'svc/conventions';
    const agentsV1 = [
      '# Agents guide',
      'Read this before changing code.',
      '## Testing',
      'Run `npm test`; every change needs a unit test.',
      '```sh',
      '# not a heading: a comment in a shell block',
      'npm test',
      '```',
      '## Style',
      'Prettier formats everything; do not hand-align.',
      '### Naming',
      'Files are kebab-case.',
      '## Empty section',
      '',
    ].join('\n');
    const claude = {
      path: 'CLAUDE.md',
      content: '# Claude\nUse the repository scripts, not global tools.',
      sha: 'c1',
    };

    const first = await service.ingestConventionFiles(repo, [
      { path: 'AGENTS.md', content: agentsV1, sha: 'a1' },
      claude,
    ]);
    expect(first).toEqual({ added: ['AGENTS.md', 'CLAUDE.md'], replaced: [], unchanged: [], memories: 5 });
    const stored = await store.listMemories({ repo, limit: 50 });
    expect(stored.map((m) => m.content).sort()).toEqual([
      'AGENTS.md › Agents guide\nRead this before changing code.',
      'AGENTS.md › Agents guide › Style\nPrettier formats everything; do not hand-align.',
      'AGENTS.md › Agents guide › Style › Naming\nFiles are kebab-case.',
      'AGENTS.md › Agents guide › Testing\nRun `npm test`; every change needs a unit test.\n```sh\n# not a heading: a comment in a shell block\nnpm test\n```',
      'CLAUDE.md › Claude\nUse the repository scripts, not global tools.',
    ]);
    expect(stored.every((m) => m.kind === 'convention')).toBe(true);
    expect(stored.find((m) => m.content.startsWith('CLAUDE.md'))?.metadata).toEqual({
      source: 'CLAUDE.md',
      sha: 'c1',
      part: 0,
    });

    const again = await service.ingestConventionFiles(repo, [
      { path: 'AGENTS.md', content: agentsV1, sha: 'a1' },
      claude,
    ]);
    expect(again).toEqual({ added: [], replaced: [], unchanged: ['AGENTS.md', 'CLAUDE.md'], memories: 0 });
    expect(await store.listMemories({ repo, limit: 50 })).toHaveLength(5);

    const changed = await service.ingestConventionFiles(repo, [
      { path: 'AGENTS.md', content: '# Agents guide\n## Testing\nUse vitest now.', sha: 'a2' },
      claude,
    ]);
    expect(changed).toEqual({ added: [], replaced: ['AGENTS.md'], unchanged: ['CLAUDE.md'], memories: 1 });
    expect((await store.listMemories({ repo, limit: 50 })).map((m) => m.content).sort()).toEqual([
      'AGENTS.md › Agents guide › Testing\nUse vitest now.',
      'CLAUDE.md › Claude\nUse the repository scripts, not global tools.',
    ]);
    const recalled = await service.recall({ repo, query: 'which test runner do we use?' });
    expect(recalled[0]?.content).toBe('AGENTS.md › Agents guide › Testing\nUse vitest now.');
  });

  it('splits a long section at paragraphs', () => {
    const paragraph = 'word '.repeat(100).trim();
    const chunks = chunkMarkdown(
      `# Big\n${Array.from({ length: 6 }, () => paragraph).join('\n\n')}`,
      'README.md',
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.startsWith('README.md › Big\n') && chunk.length < 1700)).toBe(true);
    expect(chunks.join('').split('word').length - 1).toBe(600);
  });

  it('refuses to mix in another embedder, every time it is asked', async () => {
    const other = new MemoryService(store, { ...hashedNgramEmbedder(), id: 'another-embedder' });
    await expect(other.recall({ repo: 'svc/remember', query: 'x' })).rejects.toBeInstanceOf(
      EmbeddingMismatchError,
    );
    await expect(other.remember({ repo: 'svc/remember', kind: 'learning', content: 'x' })).rejects.toThrow(
      /holds 384-dimensional vectors from hashed-ngram-v1, but the configured embedder is another-embedder/,
    );
  });

  it("serves agents' memory: the task's title and description as the query, this repo only", async () => {
    const repo = 'svc/agents';
    await service.remember({
      repo,
      kind: 'failure',
      content: 'The payment webhook handler must be idempotent by event id.',
    });
    await service.remember({ repo, kind: 'convention', content: 'CSS lives in modules next to components.' });
    const task = {
      title: 'Handle duplicate payment webhook deliveries',
      description: 'Stripe retries webhooks; the handler processes an event twice.',
    } as AgentTask;
    const memory = agentMemory(service);
    const recalled = await memory.recall({ repo, task, k: 1 });
    expect(recalled).toEqual(['(failure) The payment webhook handler must be idempotent by event id.']);
    expect(await memory.recall({ repo: 'svc/elsewhere', task, k: 3 })).toEqual([]);
  });

  it('records outcomes through to the store', async () => {
    await service.recordOutcome({
      repo: 'svc/outcomes',
      runId: 'run-1',
      scope: 'run',
      taskKind: 'run',
      success: true,
      durationMs: 1234,
      tokens: 10,
      costUsd: 0.01,
    });
    expect(await store.listOutcomes({ repo: 'svc/outcomes' })).toEqual([
      expect.objectContaining({ runId: 'run-1', success: true, durationMs: 1234 }),
    ]);
  });
});
