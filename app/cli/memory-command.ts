/**
 * `autodev memory search|add|onboarding`: look into and add to what autodev remembers about a
 * repository, from a terminal. Reads the arguments, opens the store like the app does (or uses the one
 * given), and prints; the work is the MemoryService's and onboarding-summary.ts's.
 *
 * Exit codes: 0 done, 1 the store failed (the reason is printed), 2 the input must change.
 */
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { createEmbedder, type Embedder } from '../memory/embeddings.js';
import { MemoryInputError } from '../memory/memory-input.js';
import { MemoryService } from '../memory/memory-service.js';
import {
  EmbeddingMismatchError,
  MEMORY_KINDS,
  type MemoryKind,
  type MemoryMatch,
  type MemoryStore,
} from '../memory/memory-store.js';
import { ModelConfigError } from '../models/model-error.js';
import { withMemoryStore } from './memory-store-from-env.js';
import { gatherOnboardingFacts, renderOnboarding } from './onboarding-summary.js';

export const MEMORY_USAGE = `autodev memory search <query> [--repo owner/name] [--kind <kind>] [-k <n>]
autodev memory add <text> --repo owner/name [--kind <kind>]
autodev memory onboarding --repo owner/name
  search                    The memories nearest the query, most similar first.
  add                       Remember a text (a convention unless --kind says otherwise).
  onboarding                A markdown summary of what autodev knows about the repository: conventions,
                            decisions, architecture, recent failures, and how each backend, model and
                            strategy has done.
  --repo owner/name         The repository (search defaults to the origin remote of this folder).
  --kind <kind>             ${MEMORY_KINDS.join(', ')}.
                            search: only these kinds (repeat or comma-separate; default all).
  -k, --limit <n>           How many memories search shows (default 5).
  Uses the memory store the app uses (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, DATABASE_URL, else the
  embedded database at AUTODEV_DATA_DIR) and the embedder AUTODEV_EMBEDDER names (default hashed).
`;

const DEFAULT_K = 5;

export interface MemoryCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** An open store to use instead of the one the environment names; left open. */
  store?: MemoryStore;
  /** Instead of the one AUTODEV_EMBEDDER names. */
  embedder?: Embedder;
}

/** The input must change; the message says how. */
export class MemoryUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryUsageError';
  }
}

const OPTIONS = {
  repo: { type: 'string' },
  kind: { type: 'string', multiple: true },
  limit: { type: 'string', short: 'k' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function memoryCommand(args: string[], io: Partial<MemoryCommandIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  try {
    const [subcommand, ...rest] = args;
    if (subcommand === undefined) throw new MemoryUsageError('say what to do: search, add or onboarding');
    if (subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
      stdout.write(MEMORY_USAGE);
      return 0;
    }
    const { values, positionals } = parse(rest);
    if (values.help) {
      stdout.write(MEMORY_USAGE);
      return 0;
    }
    const embedder = () => io.embedder ?? createEmbedder(env.AUTODEV_EMBEDDER, env);
    switch (subcommand) {
      case 'search': {
        const query = text(positionals, 'search needs a query: autodev memory search "how are tests run"');
        const repo = values.repo ?? (await repoFromOrigin(cwd));
        const kinds = kindsOf(values.kind);
        const k = limitOf(values.limit);
        const embed = embedder();
        const matches = await withMemoryStore(io.store, env, (store) =>
          // No token budget here: the user asked for k memories.
          new MemoryService(store, embed).recall({
            repo,
            query,
            kinds,
            k,
            tokenBudget: Number.POSITIVE_INFINITY,
          }),
        );
        stdout.write(renderMatches(repo, query, kinds, matches));
        return 0;
      }
      case 'add': {
        const content = text(
          positionals,
          'add needs the text to remember: autodev memory add "Use pnpm" --repo owner/name',
        );
        const repo = requireRepo(values.repo, 'add');
        const [kind = 'convention', ...others] = kindsOf(values.kind);
        if (others.length > 0) throw new MemoryUsageError('add takes one --kind');
        const embed = embedder();
        const stored = await withMemoryStore(io.store, env, (store) =>
          new MemoryService(store, embed).remember({
            repo,
            kind,
            content,
            metadata: { via: 'autodev memory add' },
          }),
        );
        stdout.write(`Remembered ${kind} #${stored.id} for ${repo}.\n`);
        return 0;
      }
      case 'onboarding': {
        if (positionals.length > 0) {
          throw new MemoryUsageError('onboarding takes no text, only --repo owner/name');
        }
        const repo = requireRepo(values.repo, 'onboarding');
        const facts = await withMemoryStore(io.store, env, (store) => gatherOnboardingFacts(store, repo));
        stdout.write(renderOnboarding(facts));
        return 0;
      }
      default:
        throw new MemoryUsageError(`unknown subcommand "${subcommand}"; use search, add or onboarding`);
    }
  } catch (error) {
    if (!isInputError(error)) throw error;
    stderr.write(`autodev memory: ${error.message}\n\n${MEMORY_USAGE}`);
    return 2;
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new MemoryUsageError(error instanceof Error ? error.message : String(error));
  }
}

function isInputError(error: unknown): error is Error {
  return (
    error instanceof MemoryUsageError ||
    error instanceof MemoryInputError ||
    error instanceof ModelConfigError ||
    error instanceof EmbeddingMismatchError
  );
}

function text(positionals: string[], missing: string): string {
  const joined = positionals.join(' ').trim();
  if (!joined) throw new MemoryUsageError(missing);
  return joined;
}

function requireRepo(repo: string | undefined, subcommand: string): string {
  if (!repo) throw new MemoryUsageError(`${subcommand} needs --repo owner/name`);
  return repo;
}

export function kindsOf(values: readonly string[] | undefined): MemoryKind[] {
  const kinds = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(MEMORY_KINDS as readonly string[]).includes(kind)) {
      throw new MemoryUsageError(`"${kind}" is not a memory kind; use one of ${MEMORY_KINDS.join(', ')}`);
    }
  }
  return [...new Set(kinds)] as MemoryKind[];
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_K;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new MemoryUsageError(`-k takes a whole number from 1 to 100, not "${value}"`);
  }
  return n;
}

/** owner/name from the origin remote of the git repository at `cwd`. */
export async function repoFromOrigin(cwd: string): Promise<string> {
  let url: string;
  try {
    const { stdout } = await promisify(execFile)('git', ['remote', 'get-url', 'origin'], { cwd });
    url = stdout.trim();
  } catch {
    throw new MemoryUsageError(
      'no --repo given and this folder has no git remote "origin": pass --repo owner/name',
    );
  }
  const match = /[/:]([^/:\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url);
  if (!match)
    throw new MemoryUsageError(
      `cannot tell owner/name from the origin remote ${url}: pass --repo owner/name`,
    );
  return `${match[1]}/${match[2]}`;
}

export function renderMatches(
  repo: string,
  query: string,
  kinds: readonly MemoryKind[],
  matches: readonly MemoryMatch[],
): string {
  const of = kinds.length > 0 ? ` of kind ${kinds.join(', ')}` : '';
  if (matches.length === 0) {
    return (
      `autodev has no memories${of} of ${repo} yet. Add one with ` +
      `autodev memory add "<text>" --repo ${repo}${kinds.length === 1 ? ` --kind ${kinds[0]}` : ''}\n`
    );
  }
  const lines = [
    `${matches.length} ${matches.length === 1 ? 'memory' : 'memories'}${of} of ${repo} nearest "${query}":`,
  ];
  matches.forEach((m, i) => {
    const source = typeof m.metadata.source === 'string' ? ` · ${m.metadata.source}` : '';
    lines.push(`${i + 1}. ${m.kind} · similarity ${m.similarity.toFixed(2)} · #${m.id}${source}`);
    for (const line of m.content.trim().split('\n')) lines.push(line.trim() ? `   ${line}` : '');
  });
  return `${lines.join('\n')}\n`;
}
