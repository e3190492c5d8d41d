/**
 * The planner's view of memory: before each plan, the repository's convention files (AGENTS.md,
 * CLAUDE.md, CONTRIBUTING.md) are ingested when their text changed, then the memories nearest the
 * issue — conventions, decisions, earlier runs' successes and failures — are recalled into the prompt
 * within a token budget. Memory is help, not a requirement: when it fails, planning goes on without it.
 */
import { createHash } from 'node:crypto';
import { CONVENTION_FILES } from '../agents/agent-context.js';
import type { Log } from '../core/logger.js';
import type { PlanRequest } from '../planner/planner.js';
import type { ConventionFile, MemoryService } from './memory-service.js';

export const PLANNER_MEMORY_TOKENS = 1500;

export interface PlannerMemoryOptions {
  tokenBudget?: number;
  log?: Log;
}

/** The repository's convention files as the Scm serves them, each with a hash of its text. */
export async function readConventionFiles(
  read: (path: string) => Promise<string | null>,
): Promise<ConventionFile[]> {
  const files: ConventionFile[] = [];
  for (const group of CONVENTION_FILES) {
    for (const path of group) {
      const content = await read(path);
      if (content === null || !content.trim()) continue;
      files.push({ path, content, sha: createHash('sha256').update(content).digest('hex') });
      break;
    }
  }
  return files;
}

/** LlmPlanner's `memory` dependency over the service. */
export function plannerMemory(
  service: MemoryService,
  options: PlannerMemoryOptions = {},
): (request: PlanRequest) => Promise<string> {
  return async (request) => {
    const { run } = request;
    const repo = `${run.repo.owner}/${run.repo.repo}`;
    try {
      const scm = request.scm;
      if (scm) {
        const files = await readConventionFiles((path) => scm.readFile(run.repo, path));
        if (files.length > 0) await service.ingestConventionFiles(repo, files);
      }
      const matches = await service.recall({
        repo,
        query: `${run.trigger.title}\n${run.trigger.spec}`,
        tokenBudget: options.tokenBudget ?? PLANNER_MEMORY_TOKENS,
      });
      return service.promptSection(matches);
    } catch (error) {
      options.log?.warn(
        { runId: run.id, err: String(error) },
        'planning without memory: it could not be read',
      );
      return '';
    }
  };
}
