/**
 * Paths and volatile details in CI output: turns runner workspace paths (`/home/runner/work/<repo>/<repo>/`,
 * `D:\a\<repo>\<repo>\`, container `/__w/…`) and temp directories into repository-relative paths, and
 * normalises a message so that the same failure reads the same on every run (no timestamps, durations,
 * line numbers, temp paths, run ids or process ids).
 */

const FILE_URL = /^file:\/\//;
const WORKSPACE = /^(?:.*?\/)?(?:work|_work|__w)\/([^/]+)\/\1\//;
const WINDOWS_WORKSPACE = /^[A-Za-z]:\/a\/([^/]+)\/\1\//;
const TEMP_DIR =
  /^(?:\/private)?\/(?:tmp|var\/tmp|var\/folders\/[^/]+\/[^/]+\/T)\/[^/]+\/|^[A-Za-z]:\/Users\/[^/]+\/AppData\/Local\/Temp\/[^/]+\//;

/** A path as the repository knows it: runner workspace and temp-dir prefixes removed, `/` separators. */
export function repoRelativePath(path: string): string {
  let p = path.replace(FILE_URL, '');
  if (/^[A-Za-z]:[\\/]/.test(p) || (p.includes('\\') && !p.includes('/'))) p = p.replace(/\\/g, '/');
  const stripped = p.replace(WORKSPACE, '').replace(WINDOWS_WORKSPACE, '');
  if (stripped !== p) return stripped;
  return p.replace(TEMP_DIR, '').replace(/^\.\//, '');
}

/** True when the path still points outside the repository after `repoRelativePath`. */
export function isOutsideRepo(path: string): boolean {
  return /^(?:\/|[A-Za-z]:\/|node:)/.test(path) || path.includes('node_modules/');
}

// An absolute POSIX or Windows path, or a file:// URL, up to whitespace, quotes or brackets.
const ABSOLUTE_PATH = /(?:file:\/\/)?(?:[A-Za-z]:[\\/]|\/)(?:[^\s'"`()<>,:]+)/g;

/** Rewrites every absolute path in a line to its repository-relative form. */
export function relativisePaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (match, offset: number, whole: string) => {
    // A slash inside a word (`a/b`, `https://x/y`) is not the start of a path.
    const before = whole[offset - 1];
    if (before !== undefined && /[\w.:/-]/.test(before)) return match;
    const relative = repoRelativePath(match);
    return relative.startsWith('/') && /^\/(?:tmp|var|private)\//.test(relative) ? '<tmp>' : relative;
  });
}

/**
 * The message as it would read on any run of the same failure: paths relative, positions, durations,
 * timestamps, ids, hashes and process ids replaced, whitespace collapsed.
 */
export function normaliseMessage(message: string): string {
  return (
    relativisePaths(message)
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}[:_]\d{2}[:_]\d{2}(?:[._]\d+)?Z?/g, '<time>')
      // file positions: a.ts(3,7)  a.js:3:15  a.js:3  (3:10)
      .replace(/(\.\w+)\(\d+,\d+\)/g, '$1')
      .replace(/(\.\w+):\d+(?::\d+)?/g, '$1')
      .replace(/\(\d+:\d+\)/g, '')
      .replace(/\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?s\b/g, '<duration>')
      .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds?|m|min|minutes?|h|hours?)\b/g, '<duration>')
      .replace(/\(node:\d+\)/g, '(node)')
      .replace(/\b(?:runs|job|jobs|actions\/runs)\/\d+/g, '<run>')
      .replace(/\b[0-9a-f]{12,}\b/gi, '<hash>')
      .replace(/\b\d{6,}\b/g, '<id>')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
