/**
 * The prompt library: every prompt autodev sends is a versioned template in the package's `prompts/`
 * folder, and a repository may replace any of them with `.github/autodev/prompts/<name>.md` on its
 * default branch. A broken override fails loudly with a PromptError instead of falling back, so a
 * maintainer never wonders which prompt ran.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepoRef } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import { listNames, parsePromptFile, PROMPT_NAMES, PromptError } from './prompt-template.js';
import type { ParsedPrompt, PromptName, PromptTemplate } from './prompt-template.js';

export { NONE, PROMPT_NAMES, PromptError, renderPrompt } from './prompt-template.js';
export type { PromptInput, PromptName, PromptTemplate } from './prompt-template.js';

export interface LoadPromptOptions {
  /** With `repo`: where to look for a repository override. Without both, the built-in prompt is used. */
  scm?: Pick<Scm, 'readFile'>;
  repo?: RepoRef;
  /** Ref to read the override from; the default branch when omitted. */
  ref?: string;
}

export function overridePath(name: PromptName): string {
  return `.github/autodev/prompts/${name}.md`;
}

/** The prompt `name`: the repository's override when it has a valid one, else the built-in. */
export async function loadPrompt(name: PromptName, options: LoadPromptOptions = {}): Promise<PromptTemplate> {
  if (!(PROMPT_NAMES as readonly string[]).includes(name)) {
    throw new PromptError(
      `There is no prompt named "${String(name)}"; prompts are ${listNames(PROMPT_NAMES)}.`,
    );
  }
  const builtin = await loadBuiltin(name);
  const { scm, repo, ref } = options;
  // One without the other is a wiring mistake that would silently skip the repository's override.
  if (!scm !== !repo)
    throw new PromptError('loadPrompt needs both `scm` and `repo` to look for an override.');
  if (!scm || !repo) return builtin;
  const path = overridePath(name);
  const text = await scm.readFile(repo, path, ref);
  if (text === null) return builtin;
  return parseOverride(text, path, `${repo.owner}/${repo.repo}`, builtin);
}

// The package's prompt files never change while the process runs; parse each once.
const builtinCache = new Map<PromptName, Promise<PromptTemplate>>();

function loadBuiltin(name: PromptName): Promise<PromptTemplate> {
  let cached = builtinCache.get(name);
  if (!cached) {
    cached = readBuiltin(name);
    // A failed read (a broken install) should be retried, not remembered.
    cached.catch(() => builtinCache.delete(name));
    builtinCache.set(name, cached);
  }
  return cached;
}

async function readBuiltin(name: PromptName): Promise<PromptTemplate> {
  const path = `prompts/${name}.md`;
  const text = await readFile(join(packageRootWithPrompts(), path), 'utf8');
  const result = parsePromptFile(text);
  if (!result.ok) {
    throw new PromptError(
      `The built-in prompt ${path} is invalid (a bug in autodev): ${result.problems.join('; ')}.`,
    );
  }
  if (result.prompt.name !== name) {
    throw new PromptError(
      `The built-in prompt ${path} declares name "${result.prompt.name}" (a bug in autodev).`,
    );
  }
  return { ...result.prompt, source: 'builtin', path };
}

/**
 * The folder holding both `prompts/` and `package.json`, walking up from this module: app/prompts under
 * tsx and ts-jest, lib/app/prompts when compiled. (app/ has a prompts/ folder too — this one — but no
 * package.json.)
 */
function packageRootWithPrompts(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prompts', 'planner.md'))) return dir;
    if (dirname(dir) === dir) {
      throw new PromptError(
        `No prompts/ folder next to a package.json above ${start}: the autodev install is incomplete.`,
      );
    }
  }
}

/**
 * Checks an override against the built-in it replaces. The built-in's inputs are autodev's contract with
 * the caller (what it passes and what is untrusted); the override may use a subset of them and may not
 * demand one that autodev treats as optional, since a run could then fail for a reason nobody sees.
 */
function parseOverride(text: string, path: string, repo: string, builtin: PromptTemplate): PromptTemplate {
  const problems: string[] = [];
  const result = parsePromptFile(text);
  if (!result.ok) problems.push(...result.problems);
  else problems.push(...contractProblems(result.prompt, builtin));
  if (problems.length > 0 || !result.ok) {
    throw new PromptError(
      `The prompt override ${path} in ${repo} is invalid: ${problems.join('; ')}. ` +
        `Fix the file on the default branch, or delete it to use the built-in ${builtin.name} prompt ` +
        `(autodev's ${builtin.path} is a working example).`,
    );
  }
  return {
    ...result.prompt,
    name: builtin.name,
    // The caller passes the built-in's inputs; the override's body is checked to use only those.
    inputs: builtin.inputs,
    source: 'repository',
    path,
  };
}

function contractProblems(override: ParsedPrompt, builtin: PromptTemplate): string[] {
  const problems: string[] = [];
  if (override.name !== builtin.name) {
    problems.push(
      `it declares name "${override.name}" but overrides the ${builtin.name} prompt: set "name: ${builtin.name}", ` +
        `or move it to .github/autodev/prompts/${override.name}.md`,
    );
  }
  const known = new Map(builtin.inputs.map((input) => [input.name, input]));
  for (const input of override.inputs) {
    const contract = known.get(input.name);
    if (!contract) {
      problems.push(
        `input "${input.name}" is not one autodev provides to the ${builtin.name} prompt: ` +
          `use ${listNames([...known.keys()])}`,
      );
      continue;
    }
    if (input.required && !contract.required) {
      problems.push(
        `input "${input.name}" is declared required, but autodev may not have it for every run: ` +
          'add "required: false" (it renders as "(none)" when absent)',
      );
    }
    if (input.untrusted !== contract.untrusted) {
      problems.push(
        `input "${input.name}" must ${contract.untrusted ? '' : 'not '}be marked untrusted: ` +
          `${contract.untrusted ? 'set "untrusted: true"' : 'remove "untrusted"'} (autodev decides how it is fenced)`,
      );
    }
  }
  return problems;
}
