/**
 * One prompt template: markdown with YAML front matter (name, version, description, inputs) and a body
 * with `{{input}}` placeholders. Parsing reports every problem at once, each with what to change,
 * because the person who reads it is fixing a repository override from a bot comment.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isFenced } from './untrusted-text.js';

export const PROMPT_NAMES = [
  'planner',
  'coder',
  'tester',
  'reviewer',
  'docs',
  'integrator',
  'auto-fix',
] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

export interface PromptInput {
  name: string;
  description: string;
  /** A required input must be passed to renderPrompt; an optional one renders as `(none)` without. */
  required: boolean;
  /** Text from outside (issues, comments, logs): renderPrompt accepts it only as fenceUntrusted output. */
  untrusted: boolean;
}

export interface PromptTemplate {
  name: PromptName;
  version: number;
  description: string;
  inputs: PromptInput[];
  body: string;
  source: 'builtin' | 'repository';
  /** `prompts/coder.md` in the autodev package, or `.github/autodev/prompts/coder.md` in a repository. */
  path: string;
}

/** A prompt that cannot be loaded or rendered; the message says which file, what is wrong and the fix. */
export class PromptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PromptError';
  }
}

/** What an optional input that was not given (or is blank) renders as. */
export const NONE = '(none)';

const INPUT_NAME = /^[a-z][a-z0-9_]*$/;
// Anything in double braces is meant as a placeholder, so a typo like `{{ Spec }}` is an error, not text.
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;

const inputSchema = z
  .object({
    name: z.string().regex(INPUT_NAME, 'must be lowercase letters, digits and underscores, e.g. "spec"'),
    description: z.string().min(1, 'must say what the input holds'),
    required: z.boolean().default(true),
    untrusted: z.boolean().default(false),
  })
  .strict();

const frontMatterSchema = z
  .object({
    name: z.enum(PROMPT_NAMES),
    version: z
      .int({ error: 'expected a whole number such as 1' })
      .positive('expected a whole number of 1 or more'),
    description: z.string().min(1),
    inputs: z.array(inputSchema).default([]),
  })
  .strict();

/** The front matter and body of a prompt file, without the library's source and path. */
export type ParsedPrompt = Omit<PromptTemplate, 'source' | 'path'>;

/**
 * Parses and checks a prompt file. Returns the template, or the list of problems, each phrased as
 * "what is wrong: what to do".
 */
export function parsePromptFile(
  text: string,
): { ok: true; prompt: ParsedPrompt } | { ok: false; problems: string[] } {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = FRONT_MATTER.exec(normalised);
  if (!match) {
    return {
      ok: false,
      problems: [
        'it does not start with YAML front matter: begin the file with a line "---", the fields name, version, ' +
          'description and inputs, and another line "---" before the prompt text',
      ],
    };
  }
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      ok: false,
      problems: [`its front matter is not valid YAML (${reason}): correct the YAML syntax`],
    };
  }
  const parsed = frontMatterSchema.safeParse(data ?? {}, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map(describeIssue) };
  }
  const body = normalised.slice(match[0].length).replace(/^\n+/, '').trimEnd() + '\n';
  const prompt: ParsedPrompt = { ...parsed.data, body };
  const problems = [...duplicateInputs(prompt), ...undeclaredPlaceholders(prompt)];
  return problems.length ? { ok: false, problems } : { ok: true, prompt };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  const field = path ? `front matter field "${path.replace(/^\./, '')}"` : 'the front matter';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is missing: add it`;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `${field} has ${issue.keys.length > 1 ? 'unknown keys' : 'an unknown key'} ${keys}: remove or rename it`;
  }
  return `${field} is invalid (${issue.message.replace(/^Invalid (?:input|option): /, '')}): correct it`;
}

function duplicateInputs(prompt: ParsedPrompt): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { name } of prompt.inputs) {
    if (seen.has(name)) problems.push(`input "${name}" is declared twice: keep one declaration`);
    seen.add(name);
  }
  return problems;
}

function undeclaredPlaceholders(prompt: ParsedPrompt): string[] {
  const declared = new Set(prompt.inputs.map((input) => input.name));
  const unknown = new Set<string>();
  for (const m of prompt.body.matchAll(PLACEHOLDER)) {
    const name = (m[1] ?? '').trim();
    if (!declared.has(name)) unknown.add(name);
  }
  return [...unknown].map(
    (name) =>
      `the text uses the placeholder {{${name}}}, which is not a declared input: ` +
      `use one of ${listNames([...declared])} or declare it under inputs`,
  );
}

/** `"a", "b" and "c"`; `no inputs` for an empty list. */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'no inputs';
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length === 1
    ? (quoted[0] ?? '')
    : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
}

/**
 * Fills the declared `{{input}}` placeholders in one pass: text inside an input is never expanded, so an
 * issue body containing `{{spec}}` stays literal. Throws PromptError for a missing required input, an
 * input the template does not declare, an untrusted input that was not fenced, or an unknown placeholder.
 */
export function renderPrompt(template: PromptTemplate, inputs: Record<string, string>): string {
  const declared = new Map(template.inputs.map((input) => [input.name, input]));
  const where = `prompt "${template.name}" (${template.path})`;
  for (const key of Object.keys(inputs)) {
    if (!declared.has(key)) {
      throw new PromptError(
        `${where} was given the input "${key}", which it does not declare; it declares ${listNames([...declared.keys()])}.`,
      );
    }
  }
  const value = (name: string): string | undefined =>
    Object.hasOwn(inputs, name) ? inputs[name] : undefined;
  for (const input of template.inputs) {
    const given = value(input.name);
    if (given === undefined && input.required) {
      throw new PromptError(
        `${where} needs the input "${input.name}" (${input.description}), which was not given.`,
      );
    }
    if (input.untrusted && given !== undefined && given.trim() !== '' && !isFenced(given)) {
      throw new PromptError(
        `${where}: the input "${input.name}" is untrusted text and must be passed through fenceUntrusted() first.`,
      );
    }
  }
  return template.body.replace(PLACEHOLDER, (_match, raw: string) => {
    const name = raw.trim();
    if (!declared.has(name)) {
      throw new PromptError(`${where} uses the placeholder {{${name}}}, which is not a declared input.`);
    }
    const given = value(name);
    return given === undefined || given.trim() === '' ? NONE : given;
  });
}
