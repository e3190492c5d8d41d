/**
 * Embedders turn text into vectors for the memory store. A registry (CONVENTIONS #4) maps a spec to a
 * factory: "hashed" (the offline default, no download), "openai:<model>" and "ollama:<model>" through
 * LangChain. Every embedder must give MEMORY_DIMENSION (384) dimensions, the memory column's size; one
 * that does not fails with a message naming the model and both sizes, never a silently mixed store.
 */
import type { Embeddings } from '@langchain/core/embeddings';
import type { ModelChoice } from '../models/model-choice.js';
import { ModelConfigError } from '../models/model-error.js';
import { OPENAI_DEFAULT_BASE_URL, ollamaHost, requireKey } from '../models/provider-env.js';
import { HASHED_NGRAM_ID, hashedNgramEmbedder } from './hashed-ngram-embedder.js';
import { MEMORY_DIMENSION } from './memory-input.js';

export { hashedNgramEmbedder, HASHED_NGRAM_ID };

export interface Embedder {
  /** Stored with the vectors (EmbeddingSettings.model), e.g. "hashed-ngram-v1", "openai:text-embedding-3-small". */
  id: string;
  dimension: number;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

export const DEFAULT_EMBEDDER_SPEC = 'hashed';

/** The configuration key error messages name. */
const CONFIG_KEY = 'AUTODEV_EMBEDDER';

export type EmbedderFactory = (model: string, env: NodeJS.ProcessEnv) => Embedder;

/** Raised when a provider answers with vectors of the wrong size or count. */
export class EmbeddingDimensionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingDimensionError';
  }
}

export const EMBEDDER_FACTORIES: Readonly<Record<string, EmbedderFactory>> = {
  hashed: () => hashedNgramEmbedder(MEMORY_DIMENSION),
  openai: (model, env) => {
    const choice: ModelChoice = { provider: 'openai', model, configKey: CONFIG_KEY };
    const apiKey = requireKey(choice, env);
    return langchainEmbedder(`openai:${model}`, async () => {
      const { OpenAIEmbeddings } = await import('@langchain/openai');
      return new OpenAIEmbeddings({
        model,
        // text-embedding-3-* shorten their vectors on request; older models ignore this and are caught below.
        dimensions: MEMORY_DIMENSION,
        apiKey,
        maxRetries: 2,
        // Always explicit: left undefined, the client would read process.env instead of `env`.
        configuration: { baseURL: env.OPENAI_BASE_URL?.trim() || OPENAI_DEFAULT_BASE_URL },
      });
    });
  },
  ollama: (model, env) => {
    const baseUrl = ollamaHost({ provider: 'ollama', model, configKey: CONFIG_KEY }, env);
    return langchainEmbedder(`ollama:${model}`, async () => {
      const { OllamaEmbeddings } = await import('@langchain/ollama');
      return new OllamaEmbeddings({ model, baseUrl, maxRetries: 2 });
    });
  },
};

/**
 * The embedder a spec names: "hashed", "openai:<model>" or "ollama:<model>". Missing keys are reported
 * here, before any text is sent.
 */
export function createEmbedder(
  spec: string = DEFAULT_EMBEDDER_SPEC,
  env: NodeJS.ProcessEnv = process.env,
  factories: Readonly<Record<string, EmbedderFactory>> = EMBEDDER_FACTORIES,
): Embedder {
  const trimmed = spec.trim() || DEFAULT_EMBEDDER_SPEC;
  const colon = trimmed.indexOf(':');
  const provider = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const model = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  const factory = Object.hasOwn(factories, provider) ? factories[provider] : undefined;
  if (!factory) {
    throw new ModelConfigError(
      `unknown embedder "${trimmed}" in ${CONFIG_KEY}; use "hashed" (offline), "openai:<model>" ` +
        `(e.g. openai:text-embedding-3-small) or "ollama:<model>" (a ${MEMORY_DIMENSION}-dimensional one, ` +
        'e.g. ollama:all-minilm)',
    );
  }
  if (provider !== 'hashed' && !model) {
    throw new ModelConfigError(
      `the embedder "${trimmed}" in ${CONFIG_KEY} needs a model: "${provider}:<model>"`,
    );
  }
  const embedder = factory(model, env);
  if (embedder.dimension !== MEMORY_DIMENSION) {
    throw new EmbeddingDimensionError(
      `the embedder ${embedder.id} gives ${embedder.dimension} dimensions; the memory store takes ${MEMORY_DIMENSION}`,
    );
  }
  return embedder;
}

/**
 * A LangChain Embeddings client behind the Embedder interface: its module is loaded on first use (the
 * factories have already checked keys and hosts), and every answer is checked for count and size.
 */
function langchainEmbedder(id: string, build: () => Promise<Embeddings>): Embedder {
  let client: Promise<Embeddings> | undefined;
  return {
    id,
    dimension: MEMORY_DIMENSION,
    embed: async (texts) => {
      if (texts.length === 0) return [];
      client ??= build();
      const vectors = await (await client).embedDocuments(texts);
      return checkVectors(id, texts.length, vectors);
    },
  };
}

function checkVectors(id: string, expected: number, vectors: number[][]): number[][] {
  if (vectors.length !== expected) {
    throw new EmbeddingDimensionError(
      `the embedder ${id} returned ${vectors.length} vectors for ${expected} texts`,
    );
  }
  for (const vector of vectors) {
    if (vector.length !== MEMORY_DIMENSION) {
      throw new EmbeddingDimensionError(
        `the embedder ${id} returned ${vector.length}-dimensional vectors; autodev's memory stores ` +
          `${MEMORY_DIMENSION} dimensions. Choose a model that gives ${MEMORY_DIMENSION} (OpenAI ` +
          `text-embedding-3-* shorten to it; Ollama all-minilm has it) or the offline "hashed" embedder`,
      );
    }
  }
  return vectors;
}
