/**
 * What the healers need to know about a checked-out repository before touching it: its package
 * manager, which formatter, linter and test runner it uses, and what it already depends on. Read from
 * the files alone (package.json, lockfiles, config files); nothing is run.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface RepoFacts {
  /** From the lockfile (or package.json's `packageManager`); npm when neither says. */
  packageManager: PackageManager;
  /** The lockfile found, repository-relative; absent when there is none. */
  lockfile?: string;
  hasPackageJson: boolean;
  /** prettier is a dependency or has a config file. */
  usesPrettier: boolean;
  usesEslint: boolean;
  usesJest: boolean;
  /** Every package named in dependencies, devDependencies, peer- and optionalDependencies. */
  declared: ReadonlySet<string>;
  /** Tools installed in the checkout's node_modules/.bin (run through `npx --no`). */
  localBins: ReadonlySet<string>;
  /**
   * Names at the repository's root: a log's "Cannot find module 'src/x.js'" is a path (made relative
   * from the runner's absolute one), not the package `src`.
   */
  rootEntries: ReadonlySet<string>;
}

const LOCKFILES: readonly [string, PackageManager][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
];

const PRETTIER_CONFIGS = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  '.prettierrc.js',
  '.prettierrc.cjs',
  '.prettierrc.mjs',
  '.prettierrc.toml',
  'prettier.config.js',
  'prettier.config.cjs',
  'prettier.config.mjs',
  'prettier.config.ts',
];

const ESLINT_CONFIGS = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  '.eslint.config.js',
  '.eslintrc',
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.json',
  '.eslintrc.yml',
  '.eslintrc.yaml',
];

const JEST_CONFIGS = [
  'jest.config.js',
  'jest.config.cjs',
  'jest.config.mjs',
  'jest.config.ts',
  'jest.config.json',
];

const TOOLS = ['prettier', 'eslint', 'jest'] as const;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  packageManager?: string;
  prettier?: unknown;
  eslintConfig?: unknown;
  jest?: unknown;
}

export async function readRepoFacts(dir: string): Promise<RepoFacts> {
  const pkg = await readPackageJson(dir);
  const declared = new Set(
    [pkg?.dependencies, pkg?.devDependencies, pkg?.peerDependencies, pkg?.optionalDependencies].flatMap(
      (deps) => Object.keys(deps ?? {}),
    ),
  );
  const lock = LOCKFILES.find(([file]) => existsSync(join(dir, file)));
  const fromField = /^(npm|pnpm|yarn)@/.exec(pkg?.packageManager ?? '')?.[1] as PackageManager | undefined;
  const any = (files: readonly string[]) => files.some((file) => existsSync(join(dir, file)));
  return {
    packageManager: lock?.[1] ?? fromField ?? 'npm',
    ...(lock ? { lockfile: lock[0] } : {}),
    hasPackageJson: pkg !== null,
    usesPrettier: declared.has('prettier') || pkg?.prettier !== undefined || any(PRETTIER_CONFIGS),
    usesEslint: declared.has('eslint') || pkg?.eslintConfig !== undefined || any(ESLINT_CONFIGS),
    usesJest: declared.has('jest') || pkg?.jest !== undefined || any(JEST_CONFIGS),
    declared,
    localBins: new Set(TOOLS.filter((tool) => existsSync(join(dir, 'node_modules', '.bin', tool)))),
    rootEntries: new Set(await readdir(dir).catch(() => [])),
  };
}

async function readPackageJson(dir: string): Promise<PackageJson | null> {
  let text: string;
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8');
  } catch {
    return null;
  }
  try {
    const data = JSON.parse(text) as unknown;
    return typeof data === 'object' && data !== null ? (data as PackageJson) : null;
  } catch {
    // A package.json that does not parse is itself the failure; the healers leave it to the agent.
    return null;
  }
}
