/**
 * What the rest of autodev uses memory through: remember a text, recall the memories nearest a query
 * within a token budget and render them for a prompt, ingest a repository's convention files, record
 * outcomes. Embedding happens here, with one embedder whose identity the store checks once.
 */
import type { AgentTask } from '../agents/agent-backend.js';
import type { Memory } from '../agents/agent-context.js';
import { estimateTextTokens } from '../models/token-estimate.js';
import type { Embedder } from './embeddings.js';
import type { MemoryKind, MemoryMatch, MemoryStore, OutcomeInput, StoredMemory } from './memory-store.js';

export const DEFAULT_RECALL_K = 8;
export const DEFAULT_RECALL_TOKENS = 1200;
/** Longer sections of a convention file are split at paragraphs into memories of about this size. */
const MAX_CHUNK_CHARS = 1500;
const SECTION_HEADING = '## What autodev remembers about this repository';

export interface RememberInput {
  repo: string;
  kind: MemoryKind;
  content: string;
  metadata?: Record<string, unknown>;
}

export interface RecallInput {
  repo: string;
  query: string;
  /** All kinds when absent or empty. */
  kinds?: readonly MemoryKind[];
  k?: number;
  /** The rendered section (promptSection) stays within this many estimated tokens. */
  tokenBudget?: number;
}

export interface ConventionFile {
  path: string;
  content: string;
  /** The blob sha: an unchanged file is not embedded again. */
  sha: string;
}

export interface IngestReport {
  /** Files embedded for the first time. */
  added: string[];
  /** Files whose earlier memories were replaced because their sha changed. */
  replaced: string[];
  /** Files already stored at this sha. */
  unchanged: string[];
  memories: number;
}

export class MemoryService {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: MemoryStore,
    private readonly embedder: Embedder,
  ) {}

  async remember(input: RememberInput): Promise<StoredMemory> {
    const [stored] = await this.addAll([input]);
    if (!stored) throw new Error('the memory store stored nothing');
    return stored;
  }

  /** The nearest memories, most similar first, as many as fit the token budget. */
  async recall(input: RecallInput): Promise<MemoryMatch[]> {
    await this.ensureSettings();
    const [embedding] = await this.embedder.embed([input.query]);
    if (!embedding) throw new Error(`the embedder ${this.embedder.id} returned no vector`);
    const matches = await this.store.searchMemories({
      repo: input.repo,
      embedding,
      ...(input.kinds ? { kinds: input.kinds } : {}),
      k: input.k ?? DEFAULT_RECALL_K,
    });
    return withinBudget(matches, input.tokenBudget ?? DEFAULT_RECALL_TOKENS);
  }

  /** Markdown for a prompt; empty when there is nothing to say. */
  promptSection(matches: readonly StoredMemory[]): string {
    if (matches.length === 0) return '';
    return [SECTION_HEADING, '', ...matches.map(renderMemory)].join('\n');
  }

  /**
   * Stores AGENTS.md, CLAUDE.md, CONTRIBUTING.md and the like as 'convention' memories, one per heading
   * section. A file already stored at the same sha is left alone; a changed one replaces its memories.
   */
  async ingestConventionFiles(repo: string, files: readonly ConventionFile[]): Promise<IngestReport> {
    const report: IngestReport = { added: [], replaced: [], unchanged: [], memories: 0 };
    const stored = await this.store.listMemories({ repo, kinds: ['convention'], limit: 100_000 });
    const storedSha = new Map<string, unknown>();
    for (const memory of stored) {
      const source = memory.metadata.source;
      if (typeof source === 'string') storedSha.set(source, memory.metadata.sha);
    }
    for (const file of files) {
      if (storedSha.get(file.path) === file.sha) {
        report.unchanged.push(file.path);
        continue;
      }
      if (storedSha.has(file.path)) {
        await this.store.deleteMemoriesBySource(repo, file.path);
        report.replaced.push(file.path);
      } else {
        report.added.push(file.path);
      }
      const chunks = chunkMarkdown(file.content, file.path);
      const added = await this.addAll(
        chunks.map((content, part) => ({
          repo,
          kind: 'convention' as const,
          content,
          metadata: { source: file.path, sha: file.sha, part },
        })),
      );
      report.memories += added.length;
    }
    return report;
  }

  recordOutcome(outcome: OutcomeInput): Promise<void> {
    return this.store.recordOutcome(outcome);
  }

  private async addAll(inputs: readonly RememberInput[]): Promise<StoredMemory[]> {
    if (inputs.length === 0) return [];
    await this.ensureSettings();
    const embeddings = await this.embedder.embed(inputs.map((input) => input.content));
    return this.store.addMemories(inputs.map((input, i) => ({ ...input, embedding: embeddings[i] ?? [] })));
  }

  /** Once per service; a failure (e.g. EmbeddingMismatchError) is thrown again on the next call. */
  private ensureSettings(): Promise<void> {
    this.ready ??= this.store
      .ensureEmbeddingSettings({ model: this.embedder.id, dimension: this.embedder.dimension })
      .catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    return this.ready;
  }
}

function renderMemory(memory: StoredMemory): string {
  const source = typeof memory.metadata.source === 'string' ? ` (${memory.metadata.source})` : '';
  const [first = '', ...rest] = memory.content.trim().split('\n');
  return [`- **${memory.kind}**${source}: ${first}`, ...rest.map((line) => (line ? `  ${line}` : ''))].join(
    '\n',
  );
}

/** Matches in order, leaving out any that would push the rendered section over the budget. */
export function withinBudget<T extends StoredMemory>(matches: readonly T[], tokenBudget: number): T[] {
  let used = estimateTextTokens(SECTION_HEADING) + 1;
  const kept: T[] = [];
  for (const match of matches) {
    const cost = estimateTextTokens(renderMemory(match)) + 1;
    if (used + cost > tokenBudget) continue;
    used += cost;
    kept.push(match);
  }
  return kept;
}

/**
 * Sections of a markdown file, each led by its heading trail ("AGENTS.md › Testing › Unit"). Headings
 * inside fenced code blocks are not headings; sections with no text of their own are dropped.
 */
export function chunkMarkdown(content: string, title: string): string[] {
  const chunks: string[] = [];
  const trail: string[] = [];
  let body: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    const text = body.join('\n').trim();
    body = [];
    if (!text) return;
    const heading = [title, ...trail.filter(Boolean)].join(' › ');
    for (const piece of splitLong(text)) chunks.push(`${heading}\n${piece}`);
  };
  for (const line of content.replaceAll('\r\n', '\n').split('\n')) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark && (!fence || fence === fenceMark)) fence = fence ? undefined : fenceMark;
    const heading = fence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) {
      body.push(line);
      continue;
    }
    flush();
    const level = (heading[1] ?? '#').length;
    trail.length = level - 1;
    trail[level - 1] = heading[2] ?? '';
  }
  flush();
  return chunks;
}

function splitLong(text: string): string[] {
  if (text.length <= MAX_CHUNK_CHARS) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (current && current.length + paragraph.length + 2 > MAX_CHUNK_CHARS) {
      pieces.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) pieces.push(current);
  return pieces;
}

export interface AgentMemoryOptions {
  tokenBudget?: number;
}

/** The agents' Memory (app/agents/agent-context.ts) over the service: the task's title and description as the query. */
export function agentMemory(service: MemoryService, options: AgentMemoryOptions = {}): Memory {
  return {
    recall: async ({ repo, task, k }: { repo: string; task: AgentTask; k: number }) => {
      const matches = await service.recall({
        repo,
        query: `${task.title}\n${task.description}`,
        k,
        ...(options.tokenBudget !== undefined ? { tokenBudget: options.tokenBudget } : {}),
      });
      return matches.map((match) => `(${match.kind}) ${match.content}`);
    },
  };
}
