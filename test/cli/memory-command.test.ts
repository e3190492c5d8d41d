/**
 * `autodev memory search|add|onboarding` on a real embedded database (PGlite with pgvector, the
 * migrated schema) and the offline hashed embedder: what a user types and what they read back. Also the
 * backend choice over outcomes recorded in the same store.
 */
import { describe, expect, it } from '@jest/globals';
import { sink, useMemoryStore } from './cli-fixtures.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryCommand, type MemoryCommandIo } from '../../app/cli/memory-command.js';
import { type OnboardingFacts, renderOnboarding } from '../../app/cli/onboarding-summary.js';
import { chooseBackend } from '../../app/learning/choose-backend.js';
import { mulberry32 } from '../../app/learning/random.js';
import { hashedNgramEmbedder } from '../../app/memory/embeddings.js';
import { MemoryService } from '../../app/memory/memory-service.js';
import type { OutcomeInput, StoredMemory } from '../../app/memory/memory-store.js';

const goldenDir = fileURLToPath(new URL('./__golden__/', import.meta.url));

const db = useMemoryStore(['autodev_memories', 'autodev_outcomes']);

async function run(args: string[], io: Partial<MemoryCommandIo> = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await memoryCommand(args, { stdout, stderr, env: {}, store: db.store, ...io });
  return { code, out: stdout.text, err: stderr.text };
}

function outcome(partial: Partial<OutcomeInput> & Pick<OutcomeInput, 'success'>): OutcomeInput {
  return {
    repo: 'acme/web',
    runId: 'r1',
    taskId: 't1',
    scope: 'task',
    taskKind: 'coder',
    backend: 'claude',
    durationMs: 120_000,
    tokens: 1000,
    costUsd: 0.02,
    ...partial,
  };
}

describe('autodev memory add and search', () => {
  it('finds a memory it was just given, first, and not in another repository', async () => {
    for (const text of [
      'Releases are cut from the main branch every Tuesday by the release workflow.',
      'The billing service talks to Stripe through the payments adapter in src/payments.',
      'Feature flags live in config/flags.yml and are read once at startup.',
    ]) {
      expect((await run(['add', text, '--repo', 'acme/web', '--kind', 'architecture'])).code).toBe(0);
    }
    const added = await run([
      'add',
      'Run database migrations with npm run migrate before the tests',
      '--repo',
      'acme/web',
    ]);
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(/^Remembered convention #\d+ for acme\/web\.\n$/);

    const found = await run(['search', 'how do I migrate the database?', '--repo', 'acme/web']);
    expect(found.code).toBe(0);
    const lines = found.out.split('\n');
    expect(lines[0]).toBe('4 memories of acme/web nearest "how do I migrate the database?":');
    expect(lines[1]).toMatch(/^1\. convention · similarity 0\.\d\d · #\d+$/);
    expect(lines[2]).toBe('   Run database migrations with npm run migrate before the tests');

    const elsewhere = await run(['search', 'migrate the database', '--repo', 'acme/api']);
    expect(elsewhere.out).toBe(
      'autodev has no memories of acme/api yet. Add one with autodev memory add "<text>" --repo acme/api\n',
    );
  });

  it('narrows by kind and shows at most -k memories', async () => {
    await run([
      'add',
      'We chose Postgres over MongoDB for transactions.',
      '--repo',
      'acme/web',
      '--kind',
      'decision',
    ]);
    await run(['add', 'Postgres runs in Docker for local development.', '--repo', 'acme/web']);
    await run(['add', 'Postgres backups run nightly.', '--repo', 'acme/web', '--kind', 'architecture']);

    const decisions = await run(['search', 'postgres', '--repo', 'acme/web', '--kind', 'decision']);
    expect(decisions.out.split('\n')[0]).toBe('1 memory of kind decision of acme/web nearest "postgres":');
    expect(decisions.out).toContain('We chose Postgres over MongoDB');

    const two = await run([
      'search',
      'postgres',
      '--repo',
      'acme/web',
      '--kind',
      'decision,architecture',
      '-k',
      '5',
    ]);
    expect(two.out.split('\n')[0]).toBe(
      '2 memories of kind decision, architecture of acme/web nearest "postgres":',
    );

    const one = await run(['search', 'postgres', '--repo', 'acme/web', '-k', '1']);
    expect(one.out.match(/^\d\. /gm)).toHaveLength(1);
  });

  it('takes the repository from the origin remote when --repo is left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autodev-memory-'));
    try {
      execFileSync('git', ['init', '-q', dir]);
      execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'git@github.com:acme/web.git']);
      await run(['add', 'Translations are in locales/*.json', '--repo', 'acme/web']);
      const found = await run(['search', 'where are translations', '--kind', 'convention'], { cwd: dir });
      expect(found.out).toContain('of acme/web nearest');
      expect(found.out).toContain('Translations are in locales/*.json');

      const bare = mkdtempSync(join(tmpdir(), 'autodev-memory-'));
      const missing = await run(['search', 'anything'], { cwd: bare });
      rmSync(bare, { recursive: true, force: true });
      expect(missing.code).toBe(2);
      expect(missing.err).toContain(
        'no --repo given and this folder has no git remote "origin": pass --repo owner/name',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['add', 'text'], 'add needs --repo owner/name'],
    [['add', '--repo', 'acme/web'], 'add needs the text to remember'],
    [
      ['add', 'x', '--repo', 'acme/web', '--kind', 'rumour'],
      '"rumour" is not a memory kind; use one of architecture',
    ],
    [['add', 'x', '--repo', 'acme'], '"acme" is not a repository; give it as owner/name'],
    [['search', 'x', '--repo', 'acme/web', '-k', '0'], '-k takes a whole number from 1 to 100, not "0"'],
    [['search', '--repo', 'acme/web'], 'search needs a query'],
    [['onboarding'], 'onboarding needs --repo owner/name'],
    [['forget', 'x'], 'unknown subcommand "forget"; use search, add or onboarding'],
    [[], 'say what to do: search, add or onboarding'],
    [['search', 'x', '--colour'], "Unknown option '--colour'"],
  ])('says what to change for %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(message);
    expect(result.err).toContain('autodev memory search <query>');
  });

  it('opens the store the environment names, like the app', async () => {
    // Unreachable on purpose: the error shows which store was chosen without starting a database.
    await expect(
      run(['search', 'x', '--repo', 'acme/web'], {
        store: undefined,
        env: { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/autodev' },
      }),
    ).rejects.toThrow('cannot connect to Postgres at 127.0.0.1:1/autodev');
    await expect(
      run(['onboarding', '--repo', 'acme/web'], {
        store: undefined,
        env: { SUPABASE_URL: 'http://127.0.0.1:1' },
      }),
    ).rejects.toThrow('SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not');
  });
});

describe('autodev memory onboarding', () => {
  it("summarises the repository's conventions, decisions, failures and how each backend did", async () => {
    const service = new MemoryService(db.store, hashedNgramEmbedder(384));
    await service.ingestConventionFiles('acme/web', [
      {
        path: 'AGENTS.md',
        sha: 'a1',
        content:
          '# Agents\n\n## Testing\n\nRun `npm test`; every change needs a test.\n\n## Style\n\nPrettier, 100 columns.\n',
      },
    ]);
    await run(['add', 'Prefer small pull requests of one idea each.', '--repo', 'acme/web']);
    await run(['add', 'GraphQL was dropped for REST in 2025.', '--repo', 'acme/web', '--kind', 'decision']);
    await run(['add', 'Use tabs.', '--repo', 'acme/other']);
    for (let i = 0; i < 4; i++)
      await db.store.recordOutcome(
        outcome({
          success: i < 3,
          taskId: `c${i}`,
          failureClass: i < 3 ? null : 'gate_failed',
          strategy: 'parallel',
        }),
      );
    await db.store.recordOutcome(
      outcome({
        success: false,
        backend: 'codex',
        durationMs: 45_000,
        failureClass: 'timeout',
        taskId: 't9',
        at: '2026-11-20T10:00:00Z',
      }),
    );

    const { code, out } = await run(['onboarding', '--repo', 'acme/web']);
    expect(code).toBe(0);
    expect(out.startsWith('# What autodev knows about acme/web\n')).toBe(true);
    const conventions = out.slice(out.indexOf('## Conventions'), out.indexOf('## Decisions'));
    // File sections in the file's order, then the hand-added convention.
    expect(conventions).toContain(
      '- AGENTS.md › Agents › Testing\n  Run `npm test`; every change needs a test.\n- AGENTS.md › Agents › Style',
    );
    expect(conventions.indexOf('Style')).toBeLessThan(conventions.indexOf('Prefer small pull requests'));
    expect(out).not.toContain('Use tabs');
    expect(out).toContain('## Decisions\n\n- GraphQL was dropped for REST in 2025.\n');
    expect(out).toContain('## Architecture\n\nNone recorded.\n');
    expect(out).toContain('- 2026-11-20 coder task t9 of run r1 (codex): timeout after 45.0s');
    expect(out).toContain('| claude | 4 | 3 | 75 % | 67 % | 2m00s |');
    expect(out).toContain('| codex | 1 | 0 | 0 % | 33 % | 45.0s |');
    expect(out).toContain('| parallel | 4 | 3 | 75 % | 67 % | 2m00s |');
  });

  it('says how to teach it when it knows nothing', async () => {
    const { code, out } = await run(['onboarding', '--repo', 'acme/empty']);
    expect(code).toBe(0);
    expect(out).toContain('autodev has nothing recorded about acme/empty yet.');
    expect(out).toContain('npx autodev memory add "<text>" --repo acme/empty --kind convention');
  });

  it('renders the same facts to the same text (golden file)', () => {
    const memory = (
      id: number,
      kind: StoredMemory['kind'],
      content: string,
      metadata = {},
    ): StoredMemory => ({
      id: String(id),
      repo: 'acme/web',
      kind,
      content,
      metadata,
      createdAt: `2026-11-2${id % 10}T09:00:00.000Z`,
    });
    const facts: OnboardingFacts = {
      repo: 'acme/web',
      memories: {
        convention: {
          items: [
            memory(3, 'convention', 'Commit messages are in the imperative.'),
            memory(
              2,
              'convention',
              'CONTRIBUTING.md › Tests\nEvery bug fix comes with a failing test first.',
              { source: 'CONTRIBUTING.md', part: 1 },
            ),
            memory(1, 'convention', 'CONTRIBUTING.md › Setup\nnpm ci, then npm run dev.', {
              source: 'CONTRIBUTING.md',
              part: 0,
            }),
          ],
          more: false,
        },
        decision: { items: [memory(4, 'decision', 'Dates are stored in UTC.')], more: true },
        architecture: { items: [], more: false },
        dependency: { items: [memory(5, 'dependency', 'zod validates every request body.')], more: false },
      },
      failures: {
        items: [memory(6, 'failure', 'The e2e suite times out when Redis is not running.')],
        more: false,
      },
      failedOutcomes: [
        {
          id: '9',
          repo: 'acme/web',
          runId: 'k3v9',
          taskId: null,
          scope: 'run',
          taskKind: 'run',
          success: false,
          failureClass: 'budget',
          backend: null,
          model: null,
          strategy: 'waterfall',
          durationMs: 3_723_000,
          tokens: 90_000,
          costUsd: 4.1,
          at: '2026-11-22T18:00:00.000Z',
        },
      ],
      byBackend: [
        { arm: 'codex', successes: 2, failures: 3, meanDurationMs: 300_000 },
        { arm: 'claude', successes: 9, failures: 1, meanDurationMs: 420_500 },
      ],
      byModel: [],
      byStrategy: [{ arm: 'waterfall', successes: 1, failures: 1, meanDurationMs: 2_000_000 }],
    };
    const text = renderOnboarding(facts);
    const file = `${goldenDir}onboarding.md`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, text);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} is missing; run the tests once with UPDATE_GOLDEN=1`);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('chooseBackend on the SQL store', () => {
  it('learns from the outcomes recorded there', async () => {
    for (let i = 0; i < 10; i++) {
      await db.store.recordOutcome(
        outcome({ success: i < 9, backend: 'claude', taskId: `a${i}`, durationMs: 600_000 }),
      );
      await db.store.recordOutcome(
        outcome({ success: i < 2, backend: 'codex', taskId: `b${i}`, durationMs: 60_000 }),
      );
    }
    const rng = mulberry32(11);
    const picks: string[] = [];
    for (let i = 0; i < 50; i++) {
      const choice = await chooseBackend(
        db.store,
        { repo: 'acme/web', taskKind: 'coder', candidates: ['codex', 'claude'] },
        rng,
      );
      picks.push(choice.backend);
      if (choice.backend === 'claude') expect(choice.estimatedMinutes).toBe(10);
    }
    expect(picks.filter((p) => p === 'claude').length).toBeGreaterThanOrEqual(48);
    const other = await chooseBackend(
      db.store,
      { repo: 'acme/web', taskKind: 'tester', candidates: ['codex'] },
      rng,
    );
    expect(other).toMatchObject({ backend: 'codex', history: 'none', estimatedMinutes: null });
  });
});
