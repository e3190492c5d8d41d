/**
 * Retrieval quality of the embedded default, end to end: the offline hashed embedder, PGlite with
 * pgvector's HNSW index, match_memories. Every query must bring its labelled memory first.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { migrate } from '../../app/store/migrate.js';
import { pgliteClient, type SqlClient } from '../../app/store/sql-client.js';
import { LABELLED_MEMORIES, LABELLED_QUERIES } from './labelled-memories.js';

const REPO = 'shop/storefront';
/** The same memories under other labels in another repository: a filter bug would surface them. */
const OTHER_REPO = 'shop/decoy';

describe('recall with the offline embedder on PGlite', () => {
  let client: SqlClient;
  let service: MemoryService;

  beforeAll(async () => {
    client = pgliteClient(await PGlite.create({ extensions: { vector } }));
    await migrate(client);
    service = new MemoryService(new SqlMemoryStore(client), hashedNgramEmbedder());
    for (const repo of [REPO, OTHER_REPO]) {
      for (const memory of LABELLED_MEMORIES) {
        const label = repo === REPO ? memory.label : `decoy-${memory.label}`;
        await service.remember({ repo, kind: memory.kind, content: memory.content, metadata: { label } });
      }
    }
  }, 60_000);
  afterAll(async () => {
    await client.close();
  });

  it('has at least 50 labelled memories and 20 queries worded unlike their answers', () => {
    expect(LABELLED_MEMORIES.length).toBeGreaterThanOrEqual(50);
    expect(LABELLED_QUERIES.length).toBeGreaterThanOrEqual(20);
    const byLabel = new Map(LABELLED_MEMORIES.map((m) => [m.label, m.content.toLowerCase()]));
    expect(byLabel.size).toBe(LABELLED_MEMORIES.length);
    for (const { query, expect: label } of LABELLED_QUERIES) {
      const answer = byLabel.get(label);
      expect(answer).toBeDefined();
      // No query copies a run of four words from its answer.
      const words = query.toLowerCase().split(/\W+/).filter(Boolean);
      for (let i = 0; i + 4 <= words.length; i++) {
        expect(answer).not.toContain(words.slice(i, i + 4).join(' '));
      }
    }
  });

  it.each(LABELLED_QUERIES)('"$query" recalls $expect first', async ({ query, expect: label }) => {
    const matches = await service.recall({ repo: REPO, query, k: 5, tokenBudget: 100_000 });
    expect(matches.map((m) => m.metadata.label)[0]).toBe(label);
    expect(matches.every((m) => m.repo === REPO)).toBe(true);
    expect(matches.map((m) => m.similarity)).toEqual(
      [...matches.map((m) => m.similarity)].sort((a, b) => b - a),
    );
  });
});
