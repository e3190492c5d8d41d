/**
 * An agent job's memory: a shared Postgres (here PGlite behind the Postgres wire protocol) named by
 * DATABASE_URL gives the agent what was remembered for its repository; no shared database, or one
 * that cannot be reached, leaves the job to run without memory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditedWorkspace } from '../../app/agent-task/audited-workspace.js';
import { jobMemoryFromEnv } from '../../app/agent-task/job-memory.js';
import { verifyAuditChain } from '../../app/memory/audit-chain.js';
import { SandboxError, type Workspace } from '../../app/workspace/workspace.js';
import type { AgentTask } from '../../app/agents/agent-backend.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import { openMemoryStore } from '../../app/memory/open-memory-store.js';
import { startWireServer, type WireServer } from '../store/start-wire-server.js';

let server: WireServer;

beforeAll(async () => {
  server = await startWireServer();
}, 60_000);

afterAll(() => server?.stop());

const task = {
  runId: 'runjob0001',
  taskId: 'form',
  repository: 'acme/widgets',
  title: 'Add the settings form',
  description: 'A form on the settings page that saves the theme',
} as AgentTask;

const warnings: string[] = [];
const log = {
  debug() {},
  info() {},
  error() {},
  warn: (_o: object | string, m?: string) => warnings.push(String(m)),
};

describe('jobMemoryFromEnv', () => {
  it("recalls the repository's memories from the database DATABASE_URL names", async () => {
    const store = await openMemoryStore({ databaseUrl: server.url });
    await new MemoryService(store, hashedNgramEmbedder()).remember({
      repo: 'acme/widgets',
      kind: 'convention',
      content: 'Settings forms save through the useSettings hook, never with fetch directly.',
    });
    await store.close();

    const job = await jobMemoryFromEnv({ DATABASE_URL: server.url }, log);
    expect(job).toBeDefined();
    const recalled = await job!.memory.recall({ repo: 'acme/widgets', task, k: 3 });
    await job!.close();
    expect(recalled[0]).toBe(
      '(convention) Settings forms save through the useSettings hook, never with fetch directly.',
    );
  });

  it('is none without a shared database, and none with a warning when it cannot be reached', async () => {
    expect(await jobMemoryFromEnv({}, log)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(
      await jobMemoryFromEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, log),
    ).toBeUndefined();
    expect(warnings).toEqual(['the job runs without memory']);
  });
});

/** A workspace that does what it is asked in memory, refusing paths under .git/ like the sandbox. */
function fakeWorkspace(): Workspace {
  const result = (command: string, exitCode: number) => ({
    command,
    exitCode,
    durationMs: 1,
    output: '',
    timedOut: false,
  });
  return {
    root: '/work/tree',
    branch: 'autodev/runjob0001/form',
    resolve: async (path) => `/work/tree/${path}`,
    listFiles: async () => [],
    readFile: async () => '',
    search: async () => [],
    async writeFile(path) {
      if (path.startsWith('.git/')) throw new SandboxError('forbidden-path', `${path} is off limits`);
    },
    editFile: async () => undefined,
    run: async (program, args) => result([program, ...args].join(' '), 0),
    runCommandLine: async (line) => result(line, 1),
  };
}

describe("the agent's actions in the audit trail", () => {
  it('are appended as they happen, redacted, refusals included, in a chain that verifies', async () => {
    const job = await jobMemoryFromEnv({ DATABASE_URL: server.url }, log);
    const workspace = auditedWorkspace(fakeWorkspace(), job!.audit(task), (text) =>
      text.replaceAll('s3cr3t-token', '***'),
    );
    await workspace.writeFile('src/form.ts', 'export const form = 1;\n');
    await workspace.editFile('src/form.ts', '1', '2');
    await workspace.run('npm', ['test', '--', '--token=s3cr3t-token']);
    await workspace.runCommandLine('npm run lint');
    await expect(workspace.writeFile('.git/config', 'x')).rejects.toThrow('off limits');
    await workspace.readFile('src/form.ts');
    await job!.close();

    const store = await openMemoryStore({ databaseUrl: server.url });
    const events = await store.listAudit({ repo: 'acme/widgets' });
    await store.close();
    expect(events.map((e) => [e.actor, e.action, e.detail])).toEqual([
      ['agent:form', 'agent.write', { path: 'src/form.ts', chars: 23 }],
      ['agent:form', 'agent.edit', { path: 'src/form.ts', removedChars: 1, addedChars: 1 }],
      ['agent:form', 'agent.run', { command: 'npm test -- --token=***', exitCode: 0 }],
      ['agent:form', 'agent.run', { command: 'npm run lint', exitCode: 1 }],
      ['agent:form', 'agent.refused', { what: 'write .git/config', error: '.git/config is off limits' }],
    ]);
    expect(events.every((e) => e.runId === 'runjob0001')).toBe(true);
    expect(verifyAuditChain(events).ok).toBe(true);
  });
});
