/**
 * The planner's prompt with real memory: a convention recorded for one repository reaches the prompts
 * of that repository's plans and no other's; convention files are ingested once and again when they
 * change; a memory that cannot be read leaves planning to go on without it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../app/config/config-schema.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import type { MemoryStore } from '../../app/memory/memory-store.js';
import { plannerMemory } from '../../app/memory/planner-memory.js';
import type { CompletionModel } from '../../app/models/completion-model.js';
import { SCRIPTED_USAGE } from '../../app/models/completion-model.js';
import { LlmPlanner } from '../../app/planning/llm-planner.js';
import type { PlanRequest } from '../../app/planner/planner.js';
import { loadPrompt, renderPrompt } from '../../app/prompts/prompt-library.js';
import { fenceUntrusted } from '../../app/prompts/untrusted-text.js';
import type { RepoRef } from '../../app/runs/run.js';
import { openDatabase, type Database } from '../../app/store/open-store.js';
import { aPrp } from '../planning/plan-fixtures.js';
import { aRun, aTrigger } from '../runs/run-fixtures.js';

let db: Database;
let service: MemoryService;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  service = new MemoryService(db.memory, hashedNgramEmbedder());
}, 30_000);

afterAll(() => db?.close());

/** Plans with a model that records its prompts and answers with a valid PRP. */
function recordingPlanner(memory: (request: PlanRequest) => Promise<string>) {
  const prompts: string[] = [];
  const model: CompletionModel = {
    async complete(messages) {
      prompts.push(messages.map((m) => m.content).join('\n'));
      return { text: JSON.stringify(aPrp()), usage: SCRIPTED_USAGE };
    },
  };
  const planner = new LlmPlanner({
    completionModelFor: () => model,
    loadPrompt: (name) => loadPrompt(name),
    renderPrompt,
    fence: fenceUntrusted,
    memory,
  });
  return { planner, prompts };
}

function requestFor(repo: RepoRef, files: Record<string, string> = {}): PlanRequest {
  return {
    run: aRun({
      repo,
      trigger: aTrigger({ title: 'Add a settings page', spec: 'Add a settings page with a form.' }),
    }),
    config: defaultConfig(),
    scm: { readFile: async (_repo, path) => files[path] ?? null },
  };
}

const WIDGETS = { owner: 'acme', repo: 'widgets' };
const GADGETS = { owner: 'acme', repo: 'gadgets' };

describe('plannerMemory', () => {
  it("puts a repository's recorded convention in its plans' prompts and not in another's", async () => {
    await service.remember({
      repo: 'acme/widgets',
      kind: 'convention',
      content: 'Settings pages use the shared Form component from src/ui/form.tsx.',
    });
    const { planner, prompts } = recordingPlanner(plannerMemory(service));

    await planner.plan(requestFor(WIDGETS));
    await planner.plan(requestFor(GADGETS));

    expect(prompts[0]).toContain('Settings pages use the shared Form component from src/ui/form.tsx.');
    expect(prompts[0]).toContain("autodev's memory of acme/widgets");
    expect(prompts[1]).not.toContain('shared Form component');
  });

  it('ingests AGENTS.md once, and again only when it changes', async () => {
    const repo = { owner: 'acme', repo: 'agents' };
    const memory = plannerMemory(service);
    const v1 = '# Agents\n\n## Style\n\nSettings forms validate with zod schemas in src/schemas.\n';
    const v2 = '# Agents\n\n## Style\n\nSettings forms validate with valibot, not zod.\n';

    expect(await memory(requestFor(repo, { 'AGENTS.md': v1 }))).toContain('validate with zod');
    await memory(requestFor(repo, { 'AGENTS.md': v1 }));
    const stored = await db.memory.listMemories({ repo: 'acme/agents', kinds: ['convention'] });
    expect(stored.map((m) => m.metadata.source)).toEqual(['AGENTS.md']);

    const section = await memory(requestFor(repo, { 'AGENTS.md': v2 }));
    expect(section).toContain('valibot, not zod');
    expect(section).not.toContain('schemas in src/schemas');
  });

  it('lets planning go on without memory when memory fails', async () => {
    const warnings: string[] = [];
    const broken = new MemoryService(
      { ...db.memory, searchMemories: () => Promise.reject(new Error('connection reset')) } as MemoryStore,
      hashedNgramEmbedder(),
    );
    const log = {
      debug() {},
      info() {},
      error() {},
      warn: (_o: object | string, m?: string) => warnings.push(String(m)),
    };
    const { planner, prompts } = recordingPlanner(plannerMemory(broken, { log }));
    const plan = await planner.plan(requestFor(WIDGETS));
    expect(plan.tasks.length).toBeGreaterThan(0);
    expect(prompts).toHaveLength(1);
    expect(warnings).toEqual(['planning without memory: it could not be read']);
  });
});
