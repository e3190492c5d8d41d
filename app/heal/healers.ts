/**
 * The deterministic healers `/auto-fix` tries before any model: a formatter, `eslint --fix`, a missing
 * dependency, a lockfile refresh and (only when the config allows) a snapshot update. Each says whether
 * it applies to a classified failure in this repository and, when asked, runs its tool through the
 * Workspace — allowlisted program, no shell, scrubbed environment, timeout. Whether the failure is
 * then gone is not theirs to say: auto-fix.ts re-runs the failing command.
 *
 * Decisions:
 * - A tool the checkout installed (node_modules/.bin) runs through `npx --no`, because the sandbox
 *   keeps PATH entries inside the worktree out of reach; otherwise the program on PATH runs.
 * - Package-manager commands pass `--ignore-scripts`: a newly added package's install scripts are code
 *   from the registry that nobody reviewed.
 * - A missing package is installed for real when the checkout has node_modules (so the re-run can find
 *   it) and only written to package.json and the lockfile (`--package-lock-only`) when it has none.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AutodevConfig } from '../config/config-schema.js';
import type { CommandResult, Workspace } from '../workspace/workspace.js';
import { splitCommandLine } from '../workspace/split-command-line.js';
import type { FailureAnalysis } from './failure-analysis.js';
import { HEALER_NAMES, type HealerName } from './healer-names.js';
import { missingPackages } from './missing-package.js';
import type { PackageManager, RepoFacts } from './repo-facts.js';

export { HEALER_NAMES, type HealerName } from './healer-names.js';

export type HealerOptions = Pick<AutodevConfig['autoFix'], 'updateSnapshots'>;

export interface HealContext {
  workspace: Workspace;
  analysis: FailureAnalysis;
  facts: RepoFacts;
  /** The command the failure came from, e.g. "npm run lint". */
  failingCommand: string;
}

export interface HealOutcome {
  /** The commands the healer ran, as run. */
  commands: CommandResult[];
  /** One line for the progress comment, e.g. "prettier --write on 2 reported files". */
  summary: string;
}

export interface Healer {
  readonly name: HealerName;
  applies(analysis: FailureAnalysis, facts: RepoFacts, options: HealerOptions): boolean;
  heal(context: HealContext): Promise<HealOutcome>;
}

const PRETTIER_HINT = /prettier|code style issues|forgot to run prettier/i;
const LOCKFILE_HINT =
  /package\.json and package-lock\.json (?:or npm-shrinkwrap\.json )?are (?:not )?in sync|Missing: \S+ from lock file|Invalid: lock file's|ERR_PNPM_OUTDATED_LOCKFILE|lockfile needs to be updated|lockfile would have been modified/i;
const SNAPSHOT_HINT =
  /snapshots? (?:failed|obsolete|written)|toMatch(?:Inline)?Snapshot|Snapshot name:|› \d+ snapshots? failed/i;

/** Text a healer reads its hints from: the messages and the excerpt around the first error. */
function evidence(analysis: FailureAnalysis): string {
  return [...analysis.messages, analysis.excerpt].join('\n');
}

/** `npx --no -- tool` for a tool the checkout installed, else the tool from PATH. */
export function toolCommand(tool: string, facts: RepoFacts): [string, string[]] {
  return facts.localBins.has(tool) ? ['npx', ['--no', '--', tool]] : [tool, []];
}

/** The reported files that exist in the checkout, repository-relative and de-duplicated. */
async function reportedFiles(workspace: Workspace, analysis: FailureAnalysis): Promise<string[]> {
  const files: string[] = [];
  for (const { file } of analysis.locations) {
    if (files.includes(file)) continue;
    try {
      if (existsSync(await workspace.resolve(file, 'write'))) files.push(file);
    } catch {
      // Outside the worktree, protected or a workflow: not the healer's to touch.
    }
  }
  return files;
}

async function runTool(
  workspace: Workspace,
  tool: string,
  facts: RepoFacts,
  args: string[],
): Promise<CommandResult> {
  const [program, prefix] = toolCommand(tool, facts);
  return workspace.run(program, [...prefix, ...args]);
}

const prettier: Healer = {
  name: 'prettier',
  applies: (analysis, facts) =>
    facts.usesPrettier &&
    analysis.class === 'lint_error' &&
    (analysis.locations.length > 0 || PRETTIER_HINT.test(evidence(analysis))),
  async heal({ workspace, analysis, facts }) {
    const files = await reportedFiles(workspace, analysis);
    // The whole project only when the log says prettier failed but names no file the checkout has.
    const targets = files.length > 0 ? files : PRETTIER_HINT.test(evidence(analysis)) ? ['.'] : [];
    if (targets.length === 0) return { commands: [], summary: 'prettier: no reported file to format' };
    const ran = await runTool(workspace, 'prettier', facts, ['--write', '--ignore-unknown', ...targets]);
    return { commands: [ran], summary: `prettier --write on ${describeTargets(targets)}` };
  },
};

const eslint: Healer = {
  name: 'eslint',
  applies: (analysis, facts) => facts.usesEslint && analysis.class === 'lint_error',
  async heal({ workspace, analysis, facts }) {
    const files = await reportedFiles(workspace, analysis);
    const targets = files.length > 0 ? files : ['.'];
    const ran = await runTool(workspace, 'eslint', facts, ['--fix', ...targets]);
    return { commands: [ran], summary: `eslint --fix on ${describeTargets(targets)}` };
  },
};

const missingDependency: Healer = {
  name: 'missing-dependency',
  applies: (analysis, facts) =>
    facts.hasPackageJson &&
    (analysis.class === 'import_error' || analysis.class === 'type_error') &&
    undeclared(analysis, facts).length > 0,
  async heal({ workspace, analysis, facts }) {
    const packages = undeclared(analysis, facts);
    const installed = existsSync(join(workspace.root, 'node_modules'));
    const ran = await workspace.run(facts.packageManager, addArgs(facts.packageManager, packages, installed));
    const how = installed ? 'installed and added' : 'added (lockfile only)';
    return { commands: [ran], summary: `${how} ${packages.join(', ')} to dependencies` };
  },
};

const lockfile: Healer = {
  name: 'lockfile',
  applies: (analysis, facts) =>
    facts.hasPackageJson && facts.packageManager !== 'yarn' && LOCKFILE_HINT.test(evidence(analysis)),
  async heal({ workspace, facts }) {
    const args =
      facts.packageManager === 'pnpm'
        ? ['install', '--lockfile-only', '--ignore-scripts']
        : ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];
    const ran = await workspace.run(facts.packageManager, args);
    return { commands: [ran], summary: `refreshed ${facts.lockfile ?? 'the lockfile'} from package.json` };
  },
};

const snapshots: Healer = {
  name: 'snapshots',
  applies: (analysis, _facts, options) =>
    options.updateSnapshots && analysis.class === 'test_failure' && SNAPSHOT_HINT.test(evidence(analysis)),
  async heal({ workspace, failingCommand }) {
    const [program, ...args] = updateSnapshotCommand(failingCommand);
    const ran = await workspace.run(program as string, args);
    return { commands: [ran], summary: `updated the snapshots with \`${ran.command}\`` };
  },
};

/** The healers by name (CONVENTIONS #4), in the order they are tried. */
export const HEALERS: Readonly<Record<HealerName, Healer>> = {
  prettier,
  eslint,
  'missing-dependency': missingDependency,
  lockfile,
  snapshots,
};

/** The healers the config enables that apply to this failure, in HEALER_NAMES order. */
export function applicableHealers(
  analysis: FailureAnalysis,
  facts: RepoFacts,
  config: Pick<AutodevConfig['autoFix'], 'healers' | 'updateSnapshots'>,
  registry: Readonly<Record<HealerName, Healer>> = HEALERS,
): Healer[] {
  return HEALER_NAMES.filter((name) => config.healers.includes(name))
    .map((name) => registry[name])
    .filter((healer) => healer.applies(analysis, facts, config));
}

function undeclared(analysis: FailureAnalysis, facts: RepoFacts): string[] {
  return missingPackages(analysis.messages).filter(
    (name) => !facts.declared.has(name) && !facts.rootEntries.has(name.split('/')[0] ?? name),
  );
}

export function addArgs(manager: PackageManager, packages: string[], install: boolean): string[] {
  if (manager === 'pnpm')
    return ['add', ...packages, '--ignore-scripts', ...(install ? [] : ['--lockfile-only'])];
  // yarn has no lockfile-only add; berry rejects --ignore-scripts, so yarn gets the plain command.
  if (manager === 'yarn') return ['add', ...packages];
  return [
    'install',
    '--save',
    ...(install ? [] : ['--package-lock-only']),
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    ...packages,
  ];
}

/**
 * The failing test command with jest's / vitest's update flag: through `npm test` / `npm run x` after
 * `--`, appended directly otherwise (npx jest, yarn test, pnpm test, vitest run).
 */
export function updateSnapshotCommand(failingCommand: string): string[] {
  const words = splitCommandLine(failingCommand);
  const [program, subcommand] = words;
  const viaNpmScript = program === 'npm' && subcommand !== 'exec' && subcommand !== 'x';
  if (viaNpmScript && !words.includes('--')) return [...words, '--', '-u'];
  return [...words, '-u'];
}

function describeTargets(targets: string[]): string {
  if (targets.length === 1 && targets[0] === '.') return 'the project';
  if (targets.length <= 3) return targets.join(', ');
  return `${targets.length} reported files`;
}
