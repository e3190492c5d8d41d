/**
 * Memory search at scale: 100k memories of 384 dimensions in the embedded PGlite (worker thread, as
 * the app runs it), on the migrated schema, written and searched through the SQL memory store. Reports
 * top-10 latency (p50 / p99) of the store's search (match_memories, its HNSW index and the ef_search the
 * function sets), recall@10 against exact search (the same call with index scans turned off, so
 * Postgres scans every row and sorts by distance), and insert throughput.
 *
 * Loading follows pgvector's advice for a first fill: the HNSW index is dropped, the rows are inserted,
 * and the index is created again from the migration's own definition. Inserting into the indexed table
 * (what the app does day to day) is measured separately on a further batch.
 *
 * The vectors are deterministic and clustered like embeddings of a repository's notes: each lies near
 * one of many topic centres, spread along a few directions of its own topic plus a little noise, so
 * nearest neighbours are well defined and recall means something (uniform noise in 384 dimensions would
 * make every point about equally far from every other).
 */
import { mulberry32, type Rng, sampleNormal } from '../../app/learning/random.js';
import type { MemoryInput } from '../../app/memory/memory-store.js';
import { SqlMemoryStore } from '../../app/memory/sql-memory-store.js';
import { openSqlClient } from '../../app/store/open-store.js';

const DIMENSION = 384;
const TOPICS = 1000;
/** Directions of spread within a topic: the data's intrinsic dimension is low, as with real text. */
const TOPIC_DIRECTIONS = 8;
const SPREAD = 0.35;
const NOISE = 0.02;
const REPO = 'acme/web';
const K = 10;
const LOAD_BATCH = 5000;
const INDEXED_INSERTS = 1000;
const INDEX_NAME = 'autodev_memories_embedding_idx';

export interface MemoryBenchOptions {
  memories?: number;
  /** Timed top-10 searches. */
  queries?: number;
  /** Of these, how many are also run exactly for recall (each scans every row). */
  recallQueries?: number;
  seed?: number;
}

export interface MemoryBenchResult {
  memories: number;
  dimension: number;
  /** Rows per second inserting through the store with the HNSW index dropped. */
  bulkInsertsPerSecond: number;
  indexBuildMs: number;
  /** Rows per second inserting through the store into the indexed table. */
  indexedInsertsPerSecond: number;
  /** hnsw.ef_search in effect for the store's search. */
  efSearch: string;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  recallQueries: number;
  recallAt10: number;
  exactP50Ms: number;
  /**
   * Recall@10 of the same search with a smaller candidate list (hnsw.ef_search), run directly: shows the
   * measurement can tell a worse search from a good one on this data.
   */
  recallAtLowerEf: { efSearch: number; recallAt10: number }[];
}

const LOWER_EF = [10, 20];

export async function benchMemorySearch(options: MemoryBenchOptions = {}): Promise<MemoryBenchResult> {
  const memories = options.memories ?? 100_000;
  const queries = options.queries ?? 500;
  const recallQueries = Math.min(options.recallQueries ?? 100, queries);
  const rng = mulberry32(options.seed ?? 2026);
  const topics = makeTopics(rng);

  const client = await openSqlClient({ dataDir: 'memory://' });
  const store = new SqlMemoryStore(client);
  try {
    await store.ensureEmbeddingSettings({ model: 'bench-clustered', dimension: DIMENSION });
    const { rows } = await client.query<{ indexdef: string }>(
      'select indexdef from pg_indexes where indexname = $1',
      [INDEX_NAME],
    );
    const indexDef = rows[0]?.indexdef;
    if (!indexDef)
      throw new Error(`the migrated schema has no ${INDEX_NAME}; the benchmark measures that index`);

    await client.exec(`drop index ${INDEX_NAME}`);
    let insertMs = 0;
    for (let start = 0; start < memories; start += LOAD_BATCH) {
      const batch = makeMemories(topics, rng, start, Math.min(LOAD_BATCH, memories - start));
      const began = performance.now();
      await store.addMemories(batch);
      insertMs += performance.now() - began;
    }

    // Room to build the graph in memory; pgvector falls back to a slower build when it does not fit.
    await client.exec(`set maintenance_work_mem = '1GB'`);
    const buildStarted = performance.now();
    await client.exec(indexDef);
    const indexBuildMs = performance.now() - buildStarted;
    await client.exec('reset maintenance_work_mem');
    await client.exec('analyze autodev_memories');

    const extra = makeMemories(topics, rng, memories, INDEXED_INSERTS);
    const extraStarted = performance.now();
    await store.addMemories(extra);
    const indexedInsertsPerSecond = (INDEXED_INSERTS / (performance.now() - extraStarted)) * 1000;

    const probes = Array.from({ length: queries }, () => point(topics, Math.floor(rng() * TOPICS), rng));
    const search = async (embedding: number[]) =>
      (await store.searchMemories({ repo: REPO, embedding, k: K })).map((m) => m.id);
    for (const probe of probes.slice(0, 20)) await search(probe);

    const times: number[] = [];
    const found: string[][] = [];
    for (const probe of probes) {
      const began = performance.now();
      found.push(await search(probe));
      times.push(performance.now() - began);
    }

    await client.exec('set enable_indexscan = off');
    const exact: string[][] = [];
    const exactTimes: number[] = [];
    for (let i = 0; i < recallQueries; i++) {
      const began = performance.now();
      const ids = await search(probes[i] as number[]);
      exactTimes.push(performance.now() - began);
      if (ids.length !== K) throw new Error(`exact search returned ${ids.length} rows, not ${K}`);
      exact.push(ids);
    }
    await client.exec('reset enable_indexscan');

    const recallAtLowerEf: MemoryBenchResult['recallAtLowerEf'] = [];
    for (const efSearch of LOWER_EF) {
      // match_memories' own query and settings, with ef_search lowered.
      await client.exec(`set hnsw.ef_search = ${efSearch}; set hnsw.iterative_scan = strict_order`);
      const results: string[][] = [];
      for (let i = 0; i < recallQueries; i++) {
        const { rows: nearest } = await client.query<{ id: number }>(
          'select id from autodev_memories where repo = $1 order by embedding <=> $2::vector limit $3',
          [REPO, `[${(probes[i] as number[]).join(',')}]`, K],
        );
        results.push(nearest.map((r) => String(r.id)));
      }
      recallAtLowerEf.push({ efSearch, recallAt10: recall(results, exact) });
    }
    await client.exec('reset hnsw.ef_search; reset hnsw.iterative_scan');

    return {
      memories,
      dimension: DIMENSION,
      bulkInsertsPerSecond: (memories / insertMs) * 1000,
      indexBuildMs,
      indexedInsertsPerSecond,
      efSearch: await effectiveEfSearch(client),
      queries,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      recallQueries,
      recallAt10: recall(found.slice(0, recallQueries), exact),
      exactP50Ms: percentile(exactTimes, 50),
      recallAtLowerEf,
    };
  } finally {
    await store.close();
  }
}

/** match_memories sets its own ef_search (a SET clause on the function); else the session's applies. */
async function effectiveEfSearch(client: Awaited<ReturnType<typeof openSqlClient>>): Promise<string> {
  const { rows } = await client.query<{ setting: string | null }>(
    `select (select split_part(c, '=', 2) from unnest(p.proconfig) c where c like 'hnsw.ef_search=%') as setting
     from pg_proc p where p.proname = 'match_memories'`,
  );
  const fromFunction = rows[0]?.setting;
  if (fromFunction) return `${fromFunction} (set by match_memories)`;
  const session = await client.query<{ ef: string }>('select current_setting($1) as ef', ['hnsw.ef_search']);
  return `${session.rows[0]?.ef ?? '?'} (session)`;
}

interface Topic {
  centre: Float64Array;
  directions: Float64Array[];
}

function makeTopics(rng: Rng): Topic[] {
  return Array.from({ length: TOPICS }, () => ({
    centre: unitRandom(rng),
    directions: Array.from({ length: TOPIC_DIRECTIONS }, () => unitRandom(rng)),
  }));
}

function makeMemories(topics: Topic[], rng: Rng, first: number, count: number): MemoryInput[] {
  return Array.from({ length: count }, (_, i) => {
    const topic = Math.floor(rng() * TOPICS);
    return {
      repo: REPO,
      kind: 'learning',
      content: `memory ${first + i} about topic ${topic}`,
      embedding: point(topics, topic, rng),
    };
  });
}

/** A unit vector near a topic; five decimals keep the SQL text small without changing neighbours. */
function point(topics: Topic[], index: number, rng: Rng): number[] {
  const topic = topics[index] as Topic;
  const v = Float64Array.from(topic.centre);
  for (const direction of topic.directions) {
    const weight = SPREAD * sampleNormal(rng);
    for (let d = 0; d < DIMENSION; d++) v[d] = (v[d] as number) + weight * (direction[d] as number);
  }
  for (let d = 0; d < DIMENSION; d++) v[d] = (v[d] as number) + NOISE * sampleNormal(rng);
  const norm = Math.hypot(...v);
  return Array.from(v, (x) => Math.round((x / norm) * 1e5) / 1e5);
}

function unitRandom(rng: Rng): Float64Array {
  const v = Float64Array.from({ length: DIMENSION }, () => sampleNormal(rng));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Share of the exact top-10 ids that the approximate results hold. */
function recall(approximate: readonly string[][], exact: readonly string[][]): number {
  let hits = 0;
  exact.forEach((ids, i) => {
    const found = new Set(approximate[i]);
    hits += ids.filter((id) => found.has(id)).length;
  });
  return hits / (exact.length * K);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}
