/**
 * The built-in loop's tools, each a thin LangChain tool over one Workspace verb. A tool never throws at
 * the loop: a refusal (SandboxError) or any other failure becomes the tool's answer, so the model reads
 * what went wrong and can correct itself, and every answer is redacted and clipped before it goes back.
 */
import { tool } from '@langchain/core/tools';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import { SandboxError } from '../workspace/workspace.js';
import type { CommandResult, Workspace } from '../workspace/workspace.js';
import { redactSecrets } from '../workspace/redact.js';
import { clipMiddle } from './text-format.js';

export const FINISH_TOOL = 'finish';
/** Enough for a few hundred lines of code or a test run's tail, small enough to keep many turns in context. */
export const DEFAULT_TOOL_OUTPUT_CHARS = 12_000;
/** A page of a file when the model gives only where to start. */
const PAGE_LINES = 300;
const MAX_SEARCH_HITS = 100;

export interface AgentToolsOptions {
  secrets: readonly string[];
  maxOutputChars?: number;
  /** Called with the summary when the model calls finish. */
  onFinish(summary: string): void;
}

export function createAgentTools(
  workspace: Workspace,
  options: AgentToolsOptions,
): StructuredToolInterface[] {
  const max = options.maxOutputChars ?? DEFAULT_TOOL_OUTPUT_CHARS;
  const answer =
    <T>(action: (input: T) => Promise<string>) =>
    async (input: T): Promise<string> =>
      clipMiddle(redactSecrets(await describeFailure(() => action(input)), options.secrets), max);

  return [
    tool(
      answer(async ({ dir }: { dir?: string }) => {
        const files = await workspace.listFiles(dir);
        return files.length ? files.join('\n') : '(no files)';
      }),
      {
        name: 'list_files',
        description: 'List the files of the worktree, or of one folder in it, one path per line.',
        schema: z.object({
          dir: z
            .string()
            .optional()
            .describe('Folder relative to the worktree root; the whole worktree when omitted.'),
        }),
      },
    ),
    tool(
      answer(async ({ path, from, to }: { path: string; from?: number; to?: number }) => {
        if (from === undefined && to === undefined) return workspace.readFile(path);
        const start = from ?? 1;
        return workspace.readFile(path, { from: start, to: to ?? start + PAGE_LINES - 1 });
      }),
      {
        name: 'read_file',
        description:
          'Read a file of the worktree. Give `from` and `to` (1-based, inclusive) to read a line range; ' +
          `with only \`from\`, ${PAGE_LINES} lines are read. Long answers are shortened in the middle.`,
        schema: z.object({
          path: z.string().describe('Path relative to the worktree root.'),
          from: z.number().int().min(1).optional().describe('First line to read, 1-based.'),
          to: z.number().int().min(1).optional().describe('Last line to read, inclusive.'),
        }),
      },
    ),
    tool(
      answer(async ({ pattern }: { pattern: string }) => {
        const hits = await workspace.search(pattern, { maxHits: MAX_SEARCH_HITS });
        if (hits.length === 0) return `No matches for ${JSON.stringify(pattern)}.`;
        const lines = hits.map((hit) => `${hit.path}:${hit.line}: ${hit.text}`);
        if (hits.length >= MAX_SEARCH_HITS)
          lines.push(`(first ${MAX_SEARCH_HITS} matches; narrow the pattern)`);
        return lines.join('\n');
      }),
      {
        name: 'search',
        description:
          'Search the files of the worktree with a regular expression (git grep); answers path:line: text.',
        schema: z.object({ pattern: z.string().min(1).describe('Regular expression to look for.') }),
      },
    ),
    tool(
      answer(async ({ path, content }: { path: string; content: string }) => {
        await workspace.writeFile(path, content);
        return `Wrote ${path} (${content.length} characters).`;
      }),
      {
        name: 'write_file',
        description: 'Create a file, or replace a whole file, with the given content.',
        schema: z.object({
          path: z.string().describe('Path relative to the worktree root.'),
          content: z.string().describe('The complete new content of the file.'),
        }),
      },
    ),
    tool(
      answer(async ({ path, search, replace }: { path: string; search: string; replace: string }) => {
        await workspace.editFile(path, search, replace);
        return `Edited ${path}.`;
      }),
      {
        name: 'edit_file',
        description:
          'Replace one exact occurrence of `search` in a file with `replace`. `search` must occur exactly ' +
          'once: include enough surrounding lines to make it unique. Read the file first.',
        schema: z.object({
          path: z.string().describe('Path relative to the worktree root.'),
          search: z.string().min(1).describe('The exact text to replace, as it is in the file.'),
          replace: z.string().describe('The text to put in its place.'),
        }),
      },
    ),
    tool(
      answer(async ({ program, args }: { program: string; args?: string[] }) =>
        formatCommand(await workspace.run(program, args ?? [])),
      ),
      {
        name: 'run_command',
        description:
          'Run an allowed program with arguments in the worktree, without a shell (no pipes, globs or &&). ' +
          'Answers the exit code and the output tail.',
        schema: z.object({
          program: z.string().min(1).describe('The program, e.g. "npm".'),
          args: z.array(z.string()).optional().describe('Its arguments, e.g. ["test", "--", "health"].'),
        }),
      },
    ),
    tool(
      ({ summary }: { summary: string }) => {
        options.onFinish(summary);
        return 'Finished. Do not call any more tools.';
      },
      {
        name: FINISH_TOOL,
        description:
          'Call once when you are done (or cannot go on), with a summary: what you changed and why, the ' +
          'commands you ran with their results, and anything left undone.',
        schema: z.object({ summary: z.string().min(1).describe('Your report of the task.') }),
      },
    ),
  ];
}

function formatCommand(result: CommandResult): string {
  const status = result.timedOut ? `timed out after ${result.durationMs} ms` : `exit code ${result.exitCode}`;
  return `$ ${result.command}\n${status}\n${result.output || '(no output)'}`;
}

/** The tool's answer, or what went wrong in words the model can act on. */
async function describeFailure(action: () => Promise<string>): Promise<string> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof SandboxError) return `Refused (${error.kind}): ${error.message}`;
    return `Error: ${error instanceof Error ? error.message : String(error)}`;
  }
}
