/**
 * The npm packages an import error says are missing, from the messages of node, tsc, jest, webpack,
 * vite and esbuild. Pure. Only bare package names come out: a relative or absolute path, a `node:`
 * builtin or a Node core module is never something to install, and an alias like `@/lib` or `~/x` is
 * not a package name at all.
 */
import { builtinModules } from 'node:module';

const PATTERNS = [
  // node (CJS), tsc TS2307, jest: Cannot find module 'x' (from 'y' | or its corresponding type declarations).
  // Not node ESM's "Cannot find module '<path>' imported from": that one always names a resolved file
  // (a missing package reads "Cannot find package").
  /Cannot find module ['"]([^'"]+)['"](?! imported from)/g,
  // node ESM: Cannot find package 'x' imported from /path
  /Cannot find package ['"]([^'"]+)['"]/g,
  // webpack: Module not found: Error: Can't resolve 'x' in '/path'
  /Can't resolve ['"]([^'"]+)['"]/g,
  // vite: Failed to resolve import "x" from "src/a.ts"
  /Failed to resolve import ['"]([^'"]+)['"]/g,
  // esbuild: Could not resolve "x"
  /Could not resolve ['"]([^'"]+)['"]/g,
];

// npm's rules for a package name (lowercase, URL-safe, optionally in one @scope), except a leading
// `~`, which in an import is a path alias (`~/lib`) far more often than a package.
const PACKAGE_NAME = /^(?:@[a-z0-9-][a-z0-9-._~]*\/)?[a-z0-9-][a-z0-9-._~]*$/;

const BUILTINS = new Set(builtinModules);

/** The package a module specifier belongs to (`lodash/fp` → `lodash`), or null when it is no package. */
export function packageOfSpecifier(specifier: string): string | null {
  const spec = specifier.trim();
  if (spec === '' || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  if (BUILTINS.has(name) || BUILTINS.has(spec)) return null;
  return PACKAGE_NAME.test(name) && name.length <= 214 ? name : null;
}

/** Distinct missing packages named in the messages, in the order they first appear. */
export function missingPackages(messages: readonly string[]): string[] {
  const found: string[] = [];
  for (const message of messages) {
    const hits = PATTERNS.flatMap((pattern) =>
      [...message.matchAll(pattern)].map((match) => ({ at: match.index, spec: match[1] ?? '' })),
    ).sort((a, b) => a.at - b.at);
    for (const { spec } of hits) {
      const name = packageOfSpecifier(spec);
      if (name !== null && !found.includes(name)) found.push(name);
    }
  }
  return found;
}
