/**
 * The read-only git queries behind listFiles and search. They run git directly (not through the
 * agent's command allowlist, which may not even include git) with fixed arguments: the agent's input
 * only ever reaches git as a pattern after `-e` or as a literal pathspec.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { SandboxError } from './workspace.js';
import type { SearchHit } from './workspace.js';

const execFileAsync = promisify(execFile);

/** Longest line text returned per hit: minified files would otherwise flood the agent's context. */
const MAX_HIT_TEXT = 300;

export interface GitQueryContext {
  root: string;
  env: Record<string, string>;
}

/** Tracked plus untracked, non-ignored files under `dir` (repository-relative), at most `limit` + 1. */
export async function gitListFiles(context: GitQueryContext, dir: string, limit: number): Promise<string[]> {
  // `:(literal)` so a directory named `*` or `[ab]` is not taken as a glob.
  const pathspec = dir === '' ? [] : [`:(literal)${dir}`];
  const { stdout } = await execFileAsync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate', '--', ...pathspec],
    { cwd: context.root, env: context.env, maxBuffer: 64 * 1024 * 1024 },
  );
  const files = stdout.split('\0').filter((file) => file !== '');
  return files.slice(0, limit + 1);
}

/**
 * `git grep -n -I --untracked -z -E -e <pattern>`: extended regular expressions because that is what
 * models write (`a|b`, `fn\(`). Stops reading (and ends git) once `maxHits` hits are in.
 */
export async function gitSearch(
  context: GitQueryContext,
  pattern: string,
  maxHits: number,
): Promise<SearchHit[]> {
  const child = spawn('git', ['grep', '-n', '-I', '--untracked', '-z', '-E', '--no-color', '-e', pattern], {
    cwd: context.root,
    env: context.env,
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const hits: SearchHit[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    if (hits.length >= maxHits) return;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const hit = parseHit(line);
      if (hit !== undefined) hits.push(hit);
      if (hits.length >= maxHits) {
        child.kill('SIGTERM');
        break;
      }
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (hits.length < maxHits && pending !== '') {
    const hit = parseHit(pending);
    if (hit !== undefined) hits.push(hit);
  }
  // 1 means no match; 128 a bad pattern. A kill after enough hits gives null.
  if (code !== null && code > 1 && hits.length === 0) {
    throw new SandboxError(
      'bad-argument',
      `The search pattern ${JSON.stringify(pattern)} was refused by git grep (extended regular expressions): ${stderr.trim()}`,
    );
  }
  return hits;
}

/** `path\0line\0text`, as printed with -z. */
function parseHit(line: string): SearchHit | undefined {
  const first = line.indexOf('\0');
  const second = line.indexOf('\0', first + 1);
  if (first === -1 || second === -1) return undefined;
  const lineNumber = Number(line.slice(first + 1, second));
  if (!Number.isInteger(lineNumber)) return undefined;
  const text = line.slice(second + 1);
  return {
    path: line.slice(0, first),
    line: lineNumber,
    text: text.length > MAX_HIT_TEXT ? `${text.slice(0, MAX_HIT_TEXT)}…` : text,
  };
}
