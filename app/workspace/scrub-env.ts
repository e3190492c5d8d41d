/**
 * The environment a sandboxed command gets. It starts empty rather than from the runner's, because
 * on Actions the runner's environment holds tokens (GITHUB_TOKEN, ACTIONS_RUNTIME_TOKEN, model API
 * keys) that an agent-run `node -e "console.log(process.env)"` would otherwise hand to the model.
 */
import { isAbsolute } from 'node:path';
import { isInside } from './resolve-in-root.js';
import { SECRET_NAME_PATTERN } from './redact.js';

/** Copied from the parent when present: what programs need to find themselves and behave. */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TMPDIR'] as const;

const PLATFORM_PREFIX = /^(GITHUB_|ACTIONS_|INPUT_|RUNNER_)/i;

export function looksSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name) || PLATFORM_PREFIX.test(name);
}

/**
 * PATH keeps only absolute entries outside the worktree: an agent can write files in its worktree,
 * so a PATH entry there (`node_modules/.bin`, `.`) would let it replace an allowlisted program.
 */
export function safePath(path: string | undefined, root: string): string {
  return (path ?? '')
    .split(':')
    .filter((entry) => entry !== '' && isAbsolute(entry) && !isInside(root, entry))
    .join(':');
}

export function scrubbedEnv(
  parent: Readonly<Record<string, string | undefined>>,
  root: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH = safePath(parent.PATH, root);
  for (const [name, value] of Object.entries(extra)) {
    if (!looksSecretName(name)) env[name] = value;
  }
  env.CI = 'true';
  // git must never wait for a password on a terminal nobody watches.
  env.GIT_TERMINAL_PROMPT = '0';
  // NODE_OPTIONS could preload code (--require) into every node the agent starts.
  delete env.NODE_OPTIONS;
  return env;
}
