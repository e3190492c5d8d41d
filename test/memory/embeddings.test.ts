import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { createEmbedder, EmbeddingDimensionError, hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { stem, tokenize } from '../../app/memory/hashed-ngram-embedder.js';
import { ModelConfigError } from '../../app/models/model-error.js';

// nock patches node:http for the whole worker process: later test files in it get the real one back.
afterAll(() => nock.restore());

const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

describe('the hashed n-gram embedder', () => {
  const embedder = hashedNgramEmbedder();

  it('gives the same unit vector of 384 dimensions for the same text', async () => {
    const [a, b, c] = await embedder.embed([
      'Run the migrations before tests',
      'Run the migrations before tests',
      '',
    ]);
    expect(embedder).toMatchObject({ id: 'hashed-ngram-v1', dimension: 384 });
    expect(a).toHaveLength(384);
    expect(a).toEqual(b);
    expect(Math.hypot(...(a ?? []))).toBeCloseTo(1, 10);
    // Even an empty text has a direction, so cosine distance is defined for it.
    expect(Math.hypot(...(c ?? []))).toBeCloseTo(1, 10);
    expect((await hashedNgramEmbedder().embed(['Run the migrations before tests']))[0]).toEqual(a);
  });

  it('hashes the same way forever: stored vectors are only comparable while it does', async () => {
    // One word: its unigram (weight 1) and five boundary-marked trigrams (weight 0.25 each), unit length.
    // A change to tokenising, hashing or weights must change the id (hashed-ngram-v2), because the
    // vectors already stored would no longer match new queries.
    const [vector = []] = await embedder.embed(['retry']);
    const coordinates = vector.flatMap((value, i) => (value === 0 ? [] : [[i, Number(value.toFixed(4))]]));
    expect(coordinates).toEqual([
      [50, 0.8729],
      [65, 0.2182],
      [231, -0.2182],
      [245, 0.2182],
      [296, 0.2182],
      [301, 0.2182],
    ]);
  });

  it('scores related texts above unrelated ones', async () => {
    const [query, related, morphological, unrelated] = await embedder.embed([
      'the database migration failed on deploy',
      'deploying broke because a migration of the database failed',
      'migrations fail',
      'buttons use the brand colour palette in dark mode',
    ]);
    const q = query ?? [];
    expect(dot(q, related ?? [])).toBeGreaterThan(0.4);
    expect(dot(q, morphological ?? [])).toBeGreaterThan(dot(q, unrelated ?? []) + 0.2);
    expect(Math.abs(dot(q, unrelated ?? []))).toBeLessThan(0.15);
  });

  it('splits code identifiers into words', async () => {
    expect(tokenize('parseHTTPRequest max_retries user-id fooBar2Baz')).toEqual([
      'parse',
      'http',
      'request',
      'max',
      'retries',
      'user',
      'id',
      'foo',
      'bar2',
      'baz',
    ]);
    expect(['tests', 'testing', 'tested', 'dependencies', 'classes', 'class'].map(stem)).toEqual([
      'test',
      'test',
      'test',
      'dependency',
      'class',
      'class',
    ]);
    const [identifier, words] = await embedder.embed(['retryCount', 'retry count']);
    expect(dot(identifier ?? [], words ?? [])).toBeCloseTo(1, 10);
  });

  it('refuses a dimension it cannot fill', () => {
    expect(() => hashedNgramEmbedder(4)).toThrow(
      'the hashed embedder needs a whole number of at least 8 dimensions, not 4',
    );
  });
});

describe('createEmbedder', () => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const unused = nock.pendingMocks();
    nock.cleanAll();
    expect(unused).toEqual([]);
  });

  it('gives the offline embedder by default', () => {
    expect(createEmbedder(undefined, {}).id).toBe('hashed-ngram-v1');
    expect(createEmbedder('  ', {}).id).toBe('hashed-ngram-v1');
    expect(createEmbedder('hashed', {}).dimension).toBe(384);
  });

  it('says which specs exist, and that a provider needs a model', () => {
    expect(() => createEmbedder('cohere:embed-v3', {})).toThrow(
      /unknown embedder "cohere:embed-v3" in AUTODEV_EMBEDDER; use "hashed" \(offline\), "openai:<model>"/,
    );
    expect(() => createEmbedder('openai', { OPENAI_API_KEY: 'sk-test' })).toThrow(
      'the embedder "openai" in AUTODEV_EMBEDDER needs a model: "openai:<model>"',
    );
  });

  it('names the missing key before any text is sent', () => {
    const attempt = () => createEmbedder('openai:text-embedding-3-small', {});
    expect(attempt).toThrow(ModelConfigError);
    expect(attempt).toThrow(/Set OPENAI_API_KEY/);
  });

  /** OpenAI's embeddings endpoint as documented: base64 float32 vectors when asked for base64. */
  function openaiReplies(dimension: number) {
    return (_uri: string, body: nock.Body) => {
      const request = body as {
        input: string[];
        model: string;
        dimensions?: number;
        encoding_format?: string;
      };
      const vector = (i: number) => Array.from({ length: dimension }, (_, d) => (d === i ? 1 : 0));
      const encode = (values: number[]) =>
        request.encoding_format === 'base64'
          ? Buffer.from(new Float32Array(values).buffer).toString('base64')
          : values;
      return [
        200,
        {
          object: 'list',
          model: request.model,
          data: request.input.map((_, i) => ({
            object: 'embedding',
            index: i,
            embedding: encode(vector(i)),
          })),
          usage: { prompt_tokens: 4, total_tokens: 4 },
        },
      ] as const;
    };
  }

  it('asks OpenAI for 384 dimensions with the key, and returns one vector per text', async () => {
    let seen: Record<string, unknown> | undefined;
    nock('https://api.openai.com', { reqheaders: { authorization: 'Bearer sk-test' } })
      .post('/v1/embeddings', (body: Record<string, unknown>) => {
        seen = body;
        return true;
      })
      .reply(openaiReplies(384));
    const embedder = createEmbedder('openai:text-embedding-3-small', { OPENAI_API_KEY: 'sk-test' });
    expect(embedder).toMatchObject({ id: 'openai:text-embedding-3-small', dimension: 384 });
    const vectors = await embedder.embed(['first text', 'second text']);
    expect(seen).toMatchObject({
      model: 'text-embedding-3-small',
      dimensions: 384,
      input: ['first text', 'second text'],
    });
    expect(vectors).toHaveLength(2);
    expect(vectors[1]?.[1]).toBe(1);
    expect(vectors[1]?.[0]).toBe(0);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('talks to an OpenAI-compatible server at OPENAI_BASE_URL', async () => {
    nock('http://127.0.0.1:8089').post('/v1/embeddings').reply(openaiReplies(384));
    const embedder = createEmbedder('openai:local-embedder', {
      OPENAI_API_KEY: 'local',
      OPENAI_BASE_URL: 'http://127.0.0.1:8089/v1',
    });
    expect((await embedder.embed(['x']))[0]).toHaveLength(384);
  });

  it('refuses vectors of another size, naming the model and both sizes', async () => {
    nock('https://api.openai.com').post('/v1/embeddings').reply(openaiReplies(1536));
    const embedder = createEmbedder('openai:text-embedding-ada-002', { OPENAI_API_KEY: 'sk-test' });
    const attempt = embedder.embed(['x']);
    await expect(attempt).rejects.toBeInstanceOf(EmbeddingDimensionError);
    await expect(attempt).rejects.toThrow(
      /the embedder openai:text-embedding-ada-002 returned 1536-dimensional vectors; autodev's memory stores 384/,
    );
  });

  it('embeds through Ollama at OLLAMA_HOST and checks the size there too', async () => {
    nock('http://10.0.0.5:11434')
      .post('/api/embed', (body: { model: string; input: string[] }) => body.model === 'nomic-embed-text')
      .reply(200, { model: 'nomic-embed-text', embeddings: [new Array<number>(768).fill(0.01)] });
    const embedder = createEmbedder('ollama:nomic-embed-text', { OLLAMA_HOST: '10.0.0.5' });
    await expect(embedder.embed(['x'])).rejects.toThrow(
      /the embedder ollama:nomic-embed-text returned 768-dimensional vectors.*Ollama all-minilm has it/,
    );
  });
});
