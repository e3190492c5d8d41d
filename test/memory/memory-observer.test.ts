/**
 * The memory observer on a real embedded database: a run's saved changes become outcomes the bandit
 * reads, a failure memory the next plan recalls, and audit events whose hash chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../app/config/config-schema.js';
import { verifyAuditChain } from '../../app/memory/audit-chain.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { failureClass, memoryObserver } from '../../app/memory/memory-observer.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import type { MemoryStore } from '../../app/memory/memory-store.js';
import type { Run } from '../../app/runs/run.js';
import type { RunEvent } from '../../app/runs/transitions.js';
import { openDatabase, type Database } from '../../app/store/open-store.js';
import { aPlan, aRun, at, finishA, must, startA, startB } from '../runs/run-fixtures.js';

let db: Database;
let memory: MemoryStore;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  memory = db.memory;
}, 30_000);

afterAll(() => db?.close());

/** Feeds the observer each step as the run service would after saving it. */
function replay(observer: ReturnType<typeof memoryObserver>, start: Run, events: RunEvent[]): Run {
  let run = start;
  for (const event of events) {
    const next = { ...must(run, event), version: run.version + 1 };
    observer.runChanged({ before: run, after: next, config: defaultConfig() });
    run = next;
  }
  return run;
}

describe('memoryObserver', () => {
  it('records outcomes, remembers the failure and keeps a verifiable audit trail', async () => {
    const service = new MemoryService(memory, hashedNgramEmbedder());
    const observer = memoryObserver({ store: memory, service });
    const failB: RunEvent = {
      type: 'task-finished',
      taskId: 'b',
      state: 'failed',
      reason: 'the test gate failed: npm test exited 1',
      tokens: 300,
      costUsd: 0.01,
      at: at(9).toISOString(),
    };
    replay(observer, aRun({ id: 'runobs0001' }), [
      { type: 'planned', plan: aPlan(), requireApproval: false },
      startA,
      finishA,
      startB,
      failB,
      { type: 'failed', reason: 'task b failed its gate' },
    ]);
    await observer.idle();

    const outcomes = await memory.listOutcomes({ runId: 'runobs0001' });
    const byTask = Object.fromEntries(outcomes.map((o) => [o.taskId ?? 'run', o]));
    expect(byTask['a']).toMatchObject({ success: true, taskKind: 'coder', backend: 'scripted', tokens: 500 });
    expect(byTask['b']).toMatchObject({ success: false, failureClass: 'gate_failed', taskKind: 'tester' });
    expect(byTask['b']?.durationMs).toBe(Date.parse(failB.at) - Date.parse(startB.at));
    expect(byTask['run']).toMatchObject({ scope: 'run', success: false, strategy: 'feature-first' });

    const stats = await memory.outcomeStats({ repo: 'acme/widgets', by: 'backend' });
    expect(stats).toEqual([expect.objectContaining({ arm: 'scripted', successes: 1, failures: 1 })]);

    const recalled = await service.recall({
      repo: 'acme/widgets',
      query: 'test the dark theme toggle',
      k: 3,
    });
    expect(recalled[0]).toMatchObject({ kind: 'failure' });
    expect(recalled[0]?.content).toContain('b (tester) failed on scripted: the test gate failed');

    const audit = await memory.listAudit({ repo: 'acme/widgets' });
    expect(audit.map((e) => e.action)).toEqual([
      'plan.made',
      'run.running',
      'task.running',
      'task.succeeded',
      'task.running',
      'task.failed',
      'run.failed',
    ]);
    expect(audit[0]?.detail).toMatchObject({ requestedBy: 'octocat', issue: 7 });
    expect(audit[2]?.actor).toBe('agent:coder-1');
    expect(verifyAuditChain(audit).ok).toBe(true);
  });

  it('keeps the run going when memory cannot be written', async () => {
    const warnings: string[] = [];
    const broken = { ...memory, appendAudit: () => Promise.reject(new Error('disk full')) } as MemoryStore;
    const observer = memoryObserver({
      store: broken,
      log: { debug() {}, info() {}, error() {}, warn: (_o, msg) => warnings.push(String(msg)) },
    });
    expect(() =>
      replay(observer, aRun({ id: 'runobs0002' }), [
        { type: 'planned', plan: aPlan(), requireApproval: false },
      ]),
    ).not.toThrow();
    await observer.idle();
    expect(warnings).toEqual([
      'memory: could not record audit event plan.made',
      'memory: could not record audit event run.running',
    ]);
  });
});

describe('failureClass', () => {
  it.each([
    ['the job never reported back within 90 minutes', 'timeout'],
    ['conflicts in src/a.ts not resolved', 'conflict'],
    ['the run budget of $5 is spent', 'budget'],
    ['OPENAI_API_KEY is not set: the model cannot be reached', 'model_error'],
    ['its job ended failure', 'job_failed'],
  ])('%s → %s', (reason, expected) => {
    expect(failureClass({ state: 'failed', reason })).toBe(expected);
  });
});
