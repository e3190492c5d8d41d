/**
 * The small glob language of `protectedPaths`, without a dependency: `*` and `?` stay within one path
 * segment, `**` spans segments. Matching follows .gitignore habits people already have: a pattern
 * without a slash matches a name at any depth (`*.pem`), a leading `/` anchors at the root, and a
 * pattern that matches a directory covers everything under it (`secrets/`).
 */

export function globToRegExp(pattern: string): RegExp {
  let glob = pattern.trim().replace(/\\/g, '/');
  const anchored = glob.startsWith('/');
  glob = glob.replace(/^\/+/, '').replace(/\/+$/, '');
  // No slash left: the pattern names a file or directory wherever it is, as in .gitignore.
  if (!anchored && !glob.includes('/')) glob = `**/${glob}`;

  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
      if (atSegmentStart && atSegmentEnd) {
        if (i + 2 === glob.length) {
          source += '.*';
        } else {
          // `**/` may match no directory at all: `**/x` matches `x`.
          source += '(?:.*/)?';
          i++;
        }
        i++;
        continue;
      }
      // `a**b` is not a segment wildcard: read it as two stars.
      source += '[^/]*';
      i++;
      continue;
    }
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // The pattern may name a directory: then every path under it matches too.
  return new RegExp(`^${source}(?:/.*)?$`);
}

/** True when the repository-relative POSIX path matches the glob (or lies under a match). */
export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** The first pattern that covers the path, for a message that names it. */
export function firstMatchingGlob(path: string, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => pattern.trim() !== '' && matchesGlob(path, pattern));
}
