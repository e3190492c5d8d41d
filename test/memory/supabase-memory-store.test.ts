/**
 * The Supabase MemoryStore over supabase-js against the PostgREST emulator (PGlite with pgvector and the
 * project's migrations behind an HTTP server): the shared contract suite, then what goes over the wire
 * — the RPC calls, the filters, the auth headers — and the errors a wrong key or a project without
 * autodev's migrations gives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MEMORY_DIMENSION } from '../../app/memory/memory-input.js';
import { openSupabaseMemoryStore, SupabaseMemoryError } from '../../app/memory/supabase-memory-store.js';
import type { MemoryStore } from '../../app/memory/memory-store.js';
import {
  startPostgrestEmulator,
  type PostgrestEmulator,
  type RecordedExchange,
} from '../support/postgrest-emulator.js';
import { axisVector, describeMemoryStoreContract } from './memory-store-contract.js';

// One database for the file: the contract suite runs first on it, the wire and error tests after.
let emulator: PostgrestEmulator | undefined;
const server = (): PostgrestEmulator => {
  if (!emulator) throw new Error('the PostgREST emulator did not start');
  return emulator;
};

beforeAll(async () => {
  emulator = await startPostgrestEmulator();
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});

describeMemoryStoreContract('SupabaseMemoryStore over supabase-js and PostgREST', async () => ({
  store: await openSupabaseMemoryStore({ url: server().url, serviceKey: server().serviceKey }),
  tamper: (sql) =>
    server()
      .db.exec(sql)
      .then(() => undefined),
  dispose: async () => undefined,
}));

/** The one request the action made, after checking it made exactly one. */
async function onlyExchange(action: () => Promise<unknown>): Promise<RecordedExchange> {
  server().clearExchanges();
  await action();
  expect(server().exchanges).toHaveLength(1);
  return server().exchanges[0] as RecordedExchange;
}

describe('SupabaseMemoryStore requests', () => {
  let store: MemoryStore;
  beforeAll(async () => {
    store = await openSupabaseMemoryStore({ url: `${server().url}/`, serviceKey: server().serviceKey });
  });
  afterAll(() => store.close());

  it('sends the service role key as apikey and bearer token, from supabase-js', async () => {
    const exchange = await onlyExchange(() => store.listMemories({ repo: 'wire/headers' }));
    expect(exchange.headers).toMatchObject({
      apikey: '<service_role key>',
      authorization: 'Bearer <service_role key>',
      'accept-profile': 'public',
    });
    expect(exchange.headers['x-client-info']).toMatch(/^supabase-js\/2\.\d+\.\d+/);
    expect(exchange.status).toBe(200);
  });

  it('searches memories through the match_memories RPC, with the vector as pgvector text', async () => {
    await store.addMemories([
      { repo: 'wire/search', kind: 'convention', content: 'Use pnpm', embedding: axisVector(40) },
      { repo: 'wire/search', kind: 'decision', content: 'Prefer Postgres', embedding: axisVector(41) },
    ]);
    const query = axisVector(40, 41, 0.25);
    const exchange = await onlyExchange(() =>
      store.searchMemories({ repo: 'wire/search', embedding: query, kinds: ['convention'], k: 3 }),
    );
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/rest/v1/rpc/match_memories',
      query: [],
      status: 200,
      body: {
        query_embedding: `[${query.join(',')}]`,
        match_repo: 'wire/search',
        match_kinds: ['convention'],
        match_count: 3,
      },
    });
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.response).toEqual([
      expect.objectContaining({ repo: 'wire/search', kind: 'convention', content: 'Use pnpm' }),
    ]);
  });

  it('inserts a batch of memories in one POST that asks for the stored rows back, without their vectors', async () => {
    const exchange = await onlyExchange(() =>
      store.addMemories([
        { repo: 'wire/insert', kind: 'pattern', content: 'one', embedding: axisVector(42) },
        {
          repo: 'wire/insert',
          kind: 'pattern',
          content: 'two',
          embedding: axisVector(43),
          metadata: { n: 2 },
        },
      ]),
    );
    expect(exchange.method).toBe('POST');
    expect(exchange.path).toBe('/rest/v1/autodev_memories');
    expect(exchange.query).toEqual([
      ['columns', '"repo","kind","content","metadata","embedding"'],
      ['select', 'id,repo,kind,content,metadata,created_at'],
    ]);
    expect(exchange.headers.prefer).toBe('return=representation');
    const body = exchange.body as { embedding: string }[];
    expect(body.map((row) => row.embedding.split(',').length)).toEqual([MEMORY_DIMENSION, MEMORY_DIMENSION]);
    expect(exchange.status).toBe(201);
    expect((exchange.response as object[]).map((row) => Object.keys(row).sort())).toEqual([
      ['content', 'created_at', 'id', 'kind', 'metadata', 'repo'],
      ['content', 'created_at', 'id', 'kind', 'metadata', 'repo'],
    ]);
  });

  it('lists and deletes with PostgREST filters on repo, kind and metadata->>source', async () => {
    await store.addMemories([
      {
        repo: 'wire/filters',
        kind: 'convention',
        content: 'a',
        embedding: axisVector(44),
        metadata: { source: 'AGENTS.md' },
      },
    ]);
    const listed = await onlyExchange(() =>
      store.listMemories({ repo: 'wire/filters', kinds: ['convention', 'failure'], limit: 2 }),
    );
    expect(listed).toMatchObject({ method: 'GET', path: '/rest/v1/autodev_memories', status: 200 });
    expect(listed.query).toEqual([
      ['select', 'id,repo,kind,content,metadata,created_at'],
      ['repo', 'eq.wire/filters'],
      ['kind', 'in.(convention,failure)'],
      ['order', 'created_at.desc,id.desc'],
      ['limit', '2'],
    ]);

    const deleted = await onlyExchange(() => store.deleteMemoriesBySource('wire/filters', 'AGENTS.md'));
    expect(deleted).toMatchObject({ method: 'DELETE', path: '/rest/v1/autodev_memories', status: 200 });
    expect(deleted.query).toEqual([
      ['repo', 'eq.wire/filters'],
      ['metadata->>source', 'eq.AGENTS.md'],
      ['select', 'id'],
    ]);
    expect(deleted.response).toHaveLength(1);
  });

  it('appends audit events through autodev_append_audit, leaving the previous hash to the database', async () => {
    const exchange = await onlyExchange(() =>
      store.appendAudit({
        repo: 'wire/audit',
        actor: 'autodev',
        action: 'run.created',
        detail: { issue: 3 },
      }),
    );
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/rest/v1/rpc/autodev_append_audit',
      status: 200,
    });
    expect(Object.keys(exchange.body as object).sort()).toEqual([
      'p_action',
      'p_actor',
      'p_at',
      'p_detail',
      'p_payload',
      'p_repo',
      'p_run_id',
    ]);
    expect(exchange.body).toMatchObject({ p_repo: 'wire/audit', p_run_id: null, p_detail: { issue: 3 } });
    expect(exchange.response).toMatchObject({
      repo: 'wire/audit',
      prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('records the embedder with an insert that leaves an existing row alone, and groups outcomes in an RPC', async () => {
    server().clearExchanges();
    await store.ensureEmbeddingSettings({ model: 'contract-test-vectors', dimension: MEMORY_DIMENSION });
    const [insert, read] = server().exchanges;
    expect(insert).toMatchObject({ method: 'POST', path: '/rest/v1/autodev_memory_settings', status: 201 });
    expect(insert?.query).toEqual([['on_conflict', 'id']]);
    expect(insert?.headers.prefer).toBe('resolution=ignore-duplicates');
    expect(read).toMatchObject({ method: 'GET', path: '/rest/v1/autodev_memory_settings', status: 200 });
    expect(read?.query).toContainEqual(['id', 'eq.true']);

    const stats = await onlyExchange(() => store.outcomeStats({ by: 'strategy', taskKind: 'coder' }));
    expect(stats).toMatchObject({
      method: 'POST',
      path: '/rest/v1/rpc/autodev_outcome_stats',
      body: { p_by: 'strategy', p_repo: null, p_task_kind: 'coder' },
      status: 200,
    });
  });
});

describe('SupabaseMemoryStore configuration errors', () => {
  it('reports a key Supabase does not accept, naming the variable to fix', async () => {
    server().clearExchanges();
    const opening = openSupabaseMemoryStore({
      url: server().url,
      serviceKey: 'sb_secret_not-this-projects-key',
    });
    await expect(opening).rejects.toBeInstanceOf(SupabaseMemoryError);
    await expect(opening).rejects.toThrow(
      `Supabase at ${server().url} refused the key while reading table autodev_memory_settings ` +
        '(401: Invalid API key — Double check your Supabase `anon` or `service_role` API key.). ' +
        "Set SUPABASE_SERVICE_ROLE_KEY to the project's service_role (secret) key",
    );
    expect(server().exchanges.map((e) => [e.path, e.status, e.headers.apikey])).toEqual([
      ['/rest/v1/autodev_memory_settings', 401, '<unknown key>'],
    ]);
  });

  it('refuses the anon key before sending anything', async () => {
    server().clearExchanges();
    await expect(
      openSupabaseMemoryStore({ url: server().url, serviceKey: server().anonKey }),
    ).rejects.toThrow('SUPABASE_SERVICE_ROLE_KEY holds a key for the "anon" role.');
    expect(server().exchanges).toEqual([]);
  });

  it('says to run supabase db push when the memory tables are missing', async () => {
    await server().db.exec('alter table autodev_memory_settings rename to autodev_memory_settings_hidden');
    try {
      const opening = openSupabaseMemoryStore({ url: server().url, serviceKey: server().serviceKey });
      await expect(opening).rejects.toThrow(
        `Supabase at ${server().url} has no such table while reading table autodev_memory_settings ` +
          "(Could not find the table 'public.autodev_memory_settings' in the schema cache): autodev's " +
          "migrations are not applied there. Apply autodev's migrations to this project with `supabase db push`",
      );
      await expect(opening).rejects.toMatchObject({ status: 404, code: 'PGRST205' });
    } finally {
      await server().db.exec('alter table autodev_memory_settings_hidden rename to autodev_memory_settings');
    }
  });

  it('names the missing function when match_memories is not in the database', async () => {
    const store = await openSupabaseMemoryStore({ url: server().url, serviceKey: server().serviceKey });
    await server().db.exec(
      'alter function match_memories(vector, text, text[], integer) rename to match_memories_old',
    );
    try {
      const searching = store.searchMemories({ repo: 'wire/missing', embedding: axisVector(1), k: 1 });
      await expect(searching).rejects.toThrow(
        "has no function matching autodev's call while calling function match_memories(query_embedding, " +
          'match_repo, match_kinds, match_count) (Could not find the function ' +
          'public.match_memories(match_count, match_kinds, match_repo, query_embedding) in the schema cache',
      );
      await expect(searching).rejects.toThrow(/supabase db push/);
    } finally {
      await server().db.exec(
        'alter function match_memories_old(vector, text, text[], integer) rename to match_memories',
      );
      await store.close();
    }
  });

  it('refuses calls once closed', async () => {
    const store = await openSupabaseMemoryStore({ url: server().url, serviceKey: server().serviceKey });
    await store.close();
    await expect(store.listAudit()).rejects.toThrow('the Supabase memory store is closed');
  });

  it('refuses a URL that is not the project URL', async () => {
    await expect(
      openSupabaseMemoryStore({ url: `${server().url}/rest/v1`, serviceKey: server().serviceKey }),
    ).rejects.toThrow(`SUPABASE_URL ends in /rest/v1; give the project URL without it (${server().url})`);
    await expect(
      openSupabaseMemoryStore({ url: 'acme.supabase.co', serviceKey: server().serviceKey }),
    ).rejects.toThrow(
      'SUPABASE_URL "acme.supabase.co" is not a URL; give the project URL, e.g. https://<project-ref>.supabase.co',
    );
  });
});

/** A raw request to the emulator's REST API, as a client other than supabase-js would send it. */
async function rest(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server().url}/rest/v1/${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const keyHeaders = (key: string, extra: Record<string, string> = {}) => ({
  apikey: key,
  authorization: `Bearer ${key}`,
  ...extra,
});

describe('the PostgREST emulator', () => {
  it('answers like the Supabase gateway and PostgREST when the key is missing or wrong', async () => {
    expect(await rest('autodev_outcomes')).toEqual({
      status: 401,
      body: {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      },
    });
    expect(await rest('autodev_outcomes', { headers: keyHeaders('guess') })).toMatchObject({
      status: 401,
      body: { message: 'Invalid API key' },
    });
    expect(await rest('autodev_outcomes', { headers: { apikey: server().serviceKey } })).toMatchObject({
      status: 401,
      body: { code: 'PGRST302' },
    });
    expect(
      await rest('autodev_outcomes', {
        headers: { apikey: server().serviceKey, authorization: 'Bearer forged' },
      }),
    ).toMatchObject({ status: 401, body: { code: 'PGRST301', message: 'JWSError JWSInvalidSignature' } });
  });

  it('refuses bodies that are not JSON and tables that do not exist, in PostgREST error JSON', async () => {
    const post = (body: string, type: string) =>
      rest('autodev_outcomes', {
        method: 'POST',
        headers: keyHeaders(server().serviceKey, { 'content-type': type }),
        body,
      });
    expect(await post('repo=a', 'application/x-www-form-urlencoded')).toEqual({
      status: 415,
      body: {
        code: 'PGRST107',
        details: null,
        hint: null,
        message: 'Content-Type not acceptable: application/x-www-form-urlencoded',
      },
    });
    expect(await post('{"repo": ', 'application/json')).toMatchObject({
      status: 400,
      body: { code: 'PGRST102' },
    });
    expect(await rest('autodev_outcome?select=*', { headers: keyHeaders(server().serviceKey) })).toEqual({
      status: 404,
      body: {
        code: 'PGRST205',
        details: null,
        hint: "Perhaps you meant the table 'public.autodev_outcomes'",
        message: "Could not find the table 'public.autodev_outcome' in the schema cache",
      },
    });
    expect(
      await rest('autodev_outcomes?or=(repo.eq.a,repo.eq.b)', { headers: keyHeaders(server().serviceKey) }),
    ).toMatchObject({ status: 400, body: { code: 'PGRST100' } });
  });

  it("runs requests as the key's role, so grants and row level security apply", async () => {
    await rest('autodev_outcomes', {
      method: 'POST',
      headers: keyHeaders(server().serviceKey, { 'content-type': 'application/json' }),
      body: JSON.stringify({
        repo: 'emu/rls',
        run_id: 'r1',
        scope: 'run',
        task_kind: 'run',
        success: true,
        duration_ms: 5,
      }),
    });
    const asService = await rest('autodev_outcomes?select=run_id&repo=eq.emu/rls', {
      headers: keyHeaders(server().serviceKey),
    });
    expect(asService).toEqual({ status: 200, body: [{ run_id: 'r1' }] });
    // anon has table privileges, as on Supabase, but no policy: it sees nothing and cannot write.
    expect(
      await rest('autodev_outcomes?select=run_id&repo=eq.emu/rls', { headers: keyHeaders(server().anonKey) }),
    ).toEqual({
      status: 200,
      body: [],
    });
    const anonInsert = await rest('autodev_outcomes', {
      method: 'POST',
      headers: keyHeaders(server().anonKey, { 'content-type': 'application/json' }),
      body: JSON.stringify({
        repo: 'emu/rls',
        run_id: 'r2',
        scope: 'run',
        task_kind: 'run',
        success: true,
        duration_ms: 5,
      }),
    });
    expect(anonInsert).toMatchObject({ status: 401, body: { code: '42501' } });
    // The migrations grant the service role only reading and appending on the audit trail.
    const rewrite = await rest('autodev_audit_events?seq=eq.1', {
      method: 'PATCH',
      headers: keyHeaders(server().serviceKey, { 'content-type': 'application/json' }),
      body: JSON.stringify({ actor: 'someone else' }),
    });
    expect(rewrite).toEqual({
      status: 403,
      body: {
        code: '42501',
        details: null,
        hint: null,
        message: 'permission denied for table autodev_audit_events',
      },
    });
  });

  it('answers a request for one object with exactly one row or PGRST116', async () => {
    const one = keyHeaders(server().serviceKey, { accept: 'application/vnd.pgrst.object+json' });
    expect(
      await rest('autodev_memory_settings?select=embedding_dimension&id=eq.true', { headers: one }),
    ).toEqual({
      status: 200,
      body: { embedding_dimension: MEMORY_DIMENSION },
    });
    expect(await rest('autodev_outcomes?select=id&limit=2', { headers: one })).toEqual({
      status: 406,
      body: {
        code: 'PGRST116',
        details: 'The result contains 2 rows',
        hint: null,
        message: 'Cannot coerce the result to a single JSON object',
      },
    });
  });

  it('refuses a DELETE without a filter, as Supabase does, and deletes nothing', async () => {
    const before = await rest('autodev_outcomes?select=id', { headers: keyHeaders(server().serviceKey) });
    expect(
      await rest('autodev_outcomes', { method: 'DELETE', headers: keyHeaders(server().serviceKey) }),
    ).toEqual({
      status: 400,
      body: { code: '21000', details: null, hint: null, message: 'DELETE requires a WHERE clause' },
    });
    expect(await rest('autodev_outcomes?select=id', { headers: keyHeaders(server().serviceKey) })).toEqual(
      before,
    );
    expect((before.body as unknown[]).length).toBeGreaterThan(0);
  });

  it('records exchanges without the keys themselves', async () => {
    server().clearExchanges();
    await rest('autodev_outcomes?limit=1', { headers: keyHeaders(server().serviceKey) });
    await rest('autodev_outcomes?limit=1', { headers: keyHeaders(server().anonKey) });
    await rest('autodev_outcomes?limit=1', { headers: keyHeaders('sb_secret_a-guess') });
    expect(server().exchanges.map((e) => [e.headers.apikey, e.headers.authorization, e.status])).toEqual([
      ['<service_role key>', 'Bearer <service_role key>', 200],
      ['<anon key>', 'Bearer <anon key>', 200],
      ['<unknown key>', 'Bearer <unknown key>', 401],
    ]);
    const recorded = JSON.stringify(server().exchanges);
    for (const key of [server().serviceKey, server().anonKey, 'sb_secret_a-guess']) {
      expect(recorded).not.toContain(key);
    }
  });
});
