/**
 * The offline default embedder: deterministic, no model to download, no network. A text becomes word
 * unigrams and bigrams plus character trigrams of each word (code identifiers split at camelCase and
 * snake_case), hashed into a fixed number of dimensions with a sign bit (signed feature hashing), each
 * weighted by sublinear term frequency, and the vector scaled to unit length. Texts sharing words, or
 * words sharing stems and fragments ("migrate", "migrations"), point in similar directions.
 */
import type { Embedder } from './embeddings.js';

export const HASHED_NGRAM_ID = 'hashed-ngram-v1';

/** Weights per feature family: whole words count most, trigrams give partial credit to related forms. */
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const TRIGRAM_WEIGHT = 0.25;

/** Words that say nothing about the topic; without inverse document frequency they would dominate. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it ' +
    'its of on or our should so that the their them then there these they this to was we were what when ' +
    'where which while who why will with would you your not no yes use used using all any each every ' +
    'also only just than too very'
  ).split(' '),
);

export function hashedNgramEmbedder(dimension = 384): Embedder {
  if (!Number.isInteger(dimension) || dimension < 8) {
    throw new Error(`the hashed embedder needs a whole number of at least 8 dimensions, not ${dimension}`);
  }
  return {
    id: HASHED_NGRAM_ID,
    dimension,
    embed: (texts) => Promise.resolve(texts.map((text) => embedText(text, dimension))),
  };
}

export function embedText(text: string, dimension: number): number[] {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const words = tokenize(text);
  const kept = words.filter((word) => !STOP_WORDS.has(word));
  const stems = kept.map(stem);
  for (const word of stems) add(`w:${word}`);
  for (let i = 1; i < stems.length; i++) add(`b:${stems[i - 1]} ${stems[i]}`);
  for (const word of kept) for (const trigram of trigrams(word)) add(`t:${trigram}`);
  // A text of stop words only, or none at all, still gets a direction of its own instead of zero.
  if (counts.size === 0) add(`e:${words.join(' ')}`);

  const vector = new Array<number>(dimension).fill(0);
  for (const [feature, count] of counts) {
    const index = mix(fnv1a(feature)) % dimension;
    // The top bit of an independently seeded hash: FNV-1a's low bits are weak (bit 0 is only the parity
    // of the characters), and a sign tied to the bucket would make every collision add up instead of cancel.
    const sign = mix(fnv1a(feature, SIGN_SEED)) >>> 31 ? 1 : -1;
    vector[index] = (vector[index] ?? 0) + sign * familyWeight(feature) * (1 + Math.log(count));
  }
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  return norm > 0 ? vector.map((value) => value / norm) : vector;
}

function familyWeight(feature: string): number {
  if (feature.startsWith('b:')) return BIGRAM_WEIGHT;
  if (feature.startsWith('t:')) return TRIGRAM_WEIGHT;
  return UNIGRAM_WEIGHT;
}

/** Lowercase words; identifiers split first: "parseHTTPRequest" → parse http request, "max_retries" → max retries. */
export function tokenize(text: string): string[] {
  return text
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** A light suffix strip so "tests", "testing" and "tested" meet at "test". */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('es') && /(?:ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Character trigrams of a word with boundary marks: "log" → "<lo", "log", "og>". */
function trigrams(word: string): string[] {
  const padded = `<${word}>`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** A second offset basis gives a sign independent of the bucket. */
const SIGN_SEED = 0x5bd1e995;

/** MurmurHash3's finaliser: spreads every input bit over every output bit. */
function mix(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units, as an unsigned integer. */
export function fnv1a(text: string, seed = FNV_OFFSET): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}
