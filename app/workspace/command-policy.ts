/**
 * Which commands an agent may run. The allowlist is the real boundary: allowlisting `node`, `npm` or
 * `npx` means trusting whatever code they run (package scripts, `node -e`, packages npx fetches) with
 * the runner user's rights; the runner being a throwaway VM and the commit step's diff check
 * (changedPathViolations) are what contain that. On top, this refuses the arguments that cheaply and
 * obviously step outside the policy: git options that pick another repository or config, git
 * subcommands that talk to remotes or rewrite refs, global package-manager writes, and paths that
 * point outside the worktree.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { checkPathPolicy, normaliseAgentPath } from './path-policy.js';
import { isInside } from './resolve-in-root.js';
import { SandboxError } from './workspace.js';
import type { WorkspacePolicy } from './workspace.js';

/** Read-only inspection plus staging and committing on the agent's own branch; nothing remote. */
export const SAFE_GIT_SUBCOMMANDS = [
  'status',
  'diff',
  'log',
  'show',
  'add',
  'commit',
  'rm',
  'mv',
  'restore',
  'ls-files',
  'grep',
] as const;

/**
 * Subcommand options that point git at another repository or program, or write or read outside the
 * worktree. Global options (`-c`, `-C`, `--git-dir` before the subcommand) are refused wholesale.
 */
const GIT_FORBIDDEN_OPTIONS = [
  '--config-env',
  '--git-dir',
  '--work-tree',
  '--exec-path',
  '--namespace',
  '--output',
  '--open-files-in-pager',
  '--no-index',
  '--upload-pack',
  '--receive-pack',
  '--pathspec-from-file',
];

/** git subcommands whose path arguments are writes, checked against the write policy. */
const GIT_WRITING_SUBCOMMANDS = new Set(['add', 'rm', 'mv', 'restore']);

const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn']);
const PACKAGE_MANAGER_FORBIDDEN_SUBCOMMANDS = new Set([
  'publish',
  'unpublish',
  'login',
  'logout',
  'adduser',
  'token',
  'owner',
  'access',
  'deprecate',
  'dist-tag',
  'config',
  'set',
  'global',
  'link',
]);
const PACKAGE_MANAGER_FORBIDDEN_OPTIONS = [
  '-g',
  '--global',
  '--location',
  '--prefix',
  '--userconfig',
  '--globalconfig',
];

/** Options whose value is free text (a message, code), not a path to check. */
const TEXT_VALUE_OPTIONS = new Set(['-m', '--message', '-e', '--eval', '-p', '--print']);

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq === -1 ? arg : arg.slice(0, eq);
}

function hasOption(arg: string, forbidden: readonly string[]): boolean {
  const name = optionName(arg);
  // Short options may carry their value glued on: `-g`, `-gx`.
  return forbidden.some((f) => name === f || (/^-[a-zA-Z]$/.test(f) && arg.startsWith(f)));
}

export function checkProgram(program: string, policy: WorkspacePolicy): void {
  if (program === '' || program.includes('\0')) {
    throw new SandboxError('bad-argument', 'The program name is empty or contains a NUL byte.');
  }
  if (/[/\\]/.test(program) || program === '.' || program === '..') {
    throw new SandboxError(
      'command-not-allowed',
      `\`${program}\` is a path; run programs by their name from allowedCommands in .github/autodev.yml (${policy.allowedCommands.join(', ')}).`,
    );
  }
  if (!policy.allowedCommands.includes(program)) {
    throw new SandboxError(
      'command-not-allowed',
      `\`${program}\` is not in allowedCommands in .github/autodev.yml; allowed are: ${policy.allowedCommands.join(', ')}.`,
    );
  }
}

/** Throws SandboxError when the program or an argument is outside the policy. */
export function checkCommand(
  program: string,
  args: readonly string[],
  root: string,
  policy: WorkspacePolicy,
): void {
  checkProgram(program, policy);
  args.forEach((arg, i) => {
    if (arg.includes('\0')) throw new SandboxError('bad-argument', `Argument ${i + 1} contains a NUL byte.`);
  });
  if (program === 'git') checkGit(args, root, policy);
  if (PACKAGE_MANAGERS.has(program)) checkPackageManager(program, args);
  checkPathArguments(program, args, root);
}

function checkGit(args: readonly string[], root: string, policy: WorkspacePolicy): void {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand.startsWith('-')) {
    const shown =
      subcommand === undefined ? 'no subcommand' : `the global option \`${optionName(subcommand)}\``;
    throw new SandboxError(
      'command-not-allowed',
      `\`git\` with ${shown} is not allowed: git runs in the worktree with the repository's own config. Use \`git <subcommand> …\` with one of: ${SAFE_GIT_SUBCOMMANDS.join(', ')}.`,
    );
  }
  if (!(SAFE_GIT_SUBCOMMANDS as readonly string[]).includes(subcommand)) {
    throw new SandboxError(
      'command-not-allowed',
      `\`git ${subcommand}\` is not allowed; agents may use git ${SAFE_GIT_SUBCOMMANDS.join(', ')}. Pushing, fetching, branches and history rewrites are autodev's job.`,
    );
  }
  for (const arg of rest) {
    if (arg === '--') break;
    // In grep, -O runs a pager program on the matches; elsewhere -O is a harmless order file.
    if (hasOption(arg, GIT_FORBIDDEN_OPTIONS) || (subcommand === 'grep' && arg.startsWith('-O'))) {
      throw new SandboxError(
        'bad-argument',
        `\`git ${subcommand} ${optionName(arg)}\` is not allowed: it points git at another repository, config or program, or writes outside the worktree.`,
      );
    }
  }
  if (!GIT_WRITING_SUBCOMMANDS.has(subcommand)) return;
  for (const arg of rest) {
    if (arg.startsWith('-')) continue;
    if (arg.startsWith(':')) {
      throw new SandboxError(
        'bad-argument',
        `Pathspec magic (\`${arg}\`) is not allowed in \`git ${subcommand}\`; name the files.`,
      );
    }
    const absolute = resolve(root, arg);
    const rel = isAbsolute(arg) ? relative(root, absolute) : arg;
    checkPathPolicy(normaliseAgentPath(rel), 'write', policy);
  }
}

function checkPackageManager(program: string, args: readonly string[]): void {
  const subcommand = args.find((arg) => !arg.startsWith('-'));
  if (subcommand !== undefined && PACKAGE_MANAGER_FORBIDDEN_SUBCOMMANDS.has(subcommand)) {
    throw new SandboxError(
      'command-not-allowed',
      `\`${program} ${subcommand}\` is not allowed: it changes global or registry state outside the worktree.`,
    );
  }
  for (const arg of args) {
    if (arg === '--') break;
    if (hasOption(arg, PACKAGE_MANAGER_FORBIDDEN_OPTIONS)) {
      throw new SandboxError(
        'bad-argument',
        `\`${program} ${optionName(arg)}\` is not allowed: agents install and configure packages only inside the worktree.`,
      );
    }
  }
}

/** Absolute, home-relative or `..` paths that land outside the worktree, alone or as `--opt=path`. */
function checkPathArguments(program: string, args: readonly string[], root: string): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (TEXT_VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
    if (value === '/dev/null') continue;
    const pathLike = value.startsWith('/') || value.startsWith('~') || /(^|[/\\])\.\.([/\\]|$)/.test(value);
    if (!pathLike) continue;
    if (value.startsWith('~') || !isInside(root, resolve(root, value))) {
      throw new SandboxError(
        'bad-argument',
        `\`${program}\` argument \`${arg}\` points outside the worktree; agents may only use paths inside it (relative to the repository root).`,
      );
    }
  }
}
