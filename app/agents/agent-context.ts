/**
 * What an agent is told about the repository before it starts: a compact map of files and exported
 * symbols, the repository's own instructions for contributors, and what memory recalls. All of it is
 * read through the Workspace, so it sees exactly the worktree the agent will work in.
 */
import type { AgentTask } from './agent-backend.js';
import { clipMiddle } from './text-format.js';
import type { Workspace } from '../workspace/workspace.js';

/** Outcomes of earlier runs on a repository; implemented by the memory store later. */
export interface Memory {
  recall(query: { repo: string; task: AgentTask; k: number }): Promise<string[]>;
}

/** Memory before there is any: recalls nothing. */
export const noMemory: Memory = {
  recall: () => Promise.resolve([]),
};

export const DEFAULT_REPO_MAP_CHARS = 12_000;
export const DEFAULT_CONVENTIONS_CHARS = 12_000;

/** Files whose first match wins per name; CONTRIBUTING.md often lives under .github/. */
export const CONVENTION_FILES: readonly (readonly string[])[] = [
  ['AGENTS.md'],
  ['CLAUDE.md'],
  ['CONTRIBUTING.md', '.github/CONTRIBUTING.md', 'docs/CONTRIBUTING.md'],
];

/**
 * Generated and vendored folders say nothing about the code an agent should follow, and reading them
 * would spend the map's budget on noise.
 */
const SKIPPED_DIRS = /(^|\/)(node_modules|dist|build|coverage|vendor|\.git|\.next|__pycache__|\.venv|venv)\//;

/** Source files past this many are listed but not read: the map stays cheap on huge repositories. */
const MAX_FILES_SCANNED = 1500;
/** A generated or minified file this long has no symbols worth listing. */
const MAX_SCANNED_FILE_CHARS = 200_000;
/** Per file, so one barrel file does not crowd out the rest. */
const MAX_SYMBOLS_PER_FILE = 25;

const JS_EXPORT =
  /^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
// Top level only (no indentation): methods and nested helpers would double the map for little gain.
const PY_DEF = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/gm;
const GO_FUNC = /^func\s+(?:\(\s*\w*\s*\*?\s*(\w+)[^)]*\)\s*)?([A-Za-z_]\w*)/gm;

/** The exported symbols of one file, by its extension; empty for languages the map does not scan. */
export function exportedSymbols(path: string, text: string): string[] {
  const names: string[] = [];
  if (/\.(?:[cm]?[jt]sx?)$/.test(path) && !path.endsWith('.d.ts')) {
    for (const m of text.matchAll(JS_EXPORT)) if (m[1]) names.push(m[1]);
  } else if (path.endsWith('.py')) {
    for (const m of text.matchAll(PY_DEF)) if (m[1] && !m[1].startsWith('_')) names.push(m[1]);
  } else if (path.endsWith('.go')) {
    for (const m of text.matchAll(GO_FUNC)) if (m[2]) names.push(m[1] ? `${m[1]}.${m[2]}` : m[2]);
  }
  return [...new Set(names)];
}

function isScanned(path: string): boolean {
  return /\.(?:[cm]?[jt]sx?|py|go)$/.test(path) && !path.endsWith('.d.ts');
}

/**
 * One line per file, `path: SymbolA, SymbolB` for source files with exports, capped at `maxChars`;
 * a final line says how many files did not fit.
 */
export async function buildRepoMap(
  workspace: Workspace,
  options: { maxChars?: number } = {},
): Promise<string> {
  const maxChars = options.maxChars ?? DEFAULT_REPO_MAP_CHARS;
  const files = (await workspace.listFiles())
    // The workspace may end a long listing with a "… more than N files" note, which is not a file.
    .filter((file) => !file.startsWith('… ') && !SKIPPED_DIRS.test(`/${file}`))
    .sort((a, b) => a.localeCompare(b));
  const lines: string[] = [];
  let used = 0;
  let scanned = 0;
  for (const [index, file] of files.entries()) {
    let line = file;
    if (isScanned(file) && scanned < MAX_FILES_SCANNED) {
      scanned++;
      const symbols = await readSymbols(workspace, file);
      if (symbols.length > 0) {
        const shown = symbols.slice(0, MAX_SYMBOLS_PER_FILE);
        const more = symbols.length > shown.length ? `, … ${symbols.length - shown.length} more` : '';
        line = `${file}: ${shown.join(', ')}${more}`;
      }
    }
    // Reserve room for the closing "… more files" line, so the cap holds.
    if (used + line.length + 1 > maxChars - 40) {
      lines.push(`… ${files.length - index} more files not shown`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

async function readSymbols(workspace: Workspace, file: string): Promise<string[]> {
  try {
    const text = await workspace.readFile(file);
    return text.length > MAX_SCANNED_FILE_CHARS ? [] : exportedSymbols(file, text);
  } catch {
    // A file that vanished or cannot be read still belongs in the list; it just has no symbols.
    return [];
  }
}

/**
 * AGENTS.md, CLAUDE.md and CONTRIBUTING.md, each under a heading with its path, when present. The
 * budget is shared: a long CONTRIBUTING.md is clipped rather than pushing AGENTS.md out.
 */
export async function readConventions(
  workspace: Workspace,
  options: { maxChars?: number } = {},
): Promise<string> {
  const maxChars = options.maxChars ?? DEFAULT_CONVENTIONS_CHARS;
  const found: { path: string; text: string }[] = [];
  for (const candidates of CONVENTION_FILES) {
    for (const path of candidates) {
      const text = await readIfPresent(workspace, path);
      if (text !== undefined && text.trim() !== '') {
        found.push({ path, text: text.trim() });
        break;
      }
    }
  }
  if (found.length === 0) return '';
  const share = Math.floor(maxChars / found.length);
  return found.map(({ path, text }) => `# ${path}\n\n${clipMiddle(text, share)}`).join('\n\n');
}

async function readIfPresent(workspace: Workspace, path: string): Promise<string | undefined> {
  try {
    return await workspace.readFile(path);
  } catch {
    return undefined;
  }
}
