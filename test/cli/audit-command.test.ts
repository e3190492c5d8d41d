/**
 * `autodev audit verify` on a real embedded database: an untouched trail passes; rows edited or deleted
 * with raw SQL, as someone with database access could, are named and the exit code is 1.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { sink, useMemoryStore } from './cli-fixtures.js';
import { auditCommand, checkChain } from '../../app/cli/audit-command.js';
import { main } from '../../app/cli/main.js';
import type { AuditEventInput } from '../../app/memory/memory-store.js';

const db = useMemoryStore(['autodev_audit_events']);

async function verify(...args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await auditCommand(['verify', ...args], { stdout, stderr, env: {}, store: db.store });
  return { code, out: stdout.text, err: stderr.text };
}

const EVENTS: AuditEventInput[] = [
  { repo: 'acme/web', runId: 'r1', actor: 'autodev', action: 'run.created', detail: { issue: 7 } },
  {
    repo: 'acme/web',
    runId: 'r1',
    actor: 'autodev',
    action: 'task.dispatched',
    detail: { task: 't1', backend: 'claude' },
  },
  { repo: 'acme/api', runId: 'r2', actor: 'autodev', action: 'run.created', detail: { issue: 3 } },
  {
    repo: 'acme/web',
    runId: 'r1',
    actor: 'agent:coder-1',
    action: 'agent.tool',
    detail: { tool: 'write_file', path: 'src/a.ts' },
  },
  { repo: 'acme/web', runId: 'r1', actor: 'autodev', action: 'pr.opened', detail: { number: 12 } },
];

async function appendAll() {
  for (const event of EVENTS) await db.store.appendAudit(event);
}

describe('autodev audit verify', () => {
  it('passes an untouched trail and prints its head', async () => {
    await appendAll();
    const { code, out } = await verify();
    expect(code).toBe(0);
    expect(out).toMatch(/^Checked 5 audit rows: the hash chain is intact\.\nHead: 5:[0-9a-f]{64}\n/);
  });

  it('names a row whose detail was edited with raw SQL', async () => {
    await appendAll();
    await db.client.exec(
      `update autodev_audit_events set detail = '{"tool": "write_file", "path": "src/b.ts"}' where seq = 4`,
    );
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('Checked 5 audit rows: 1 problem — the audit trail was tampered with.');
    expect(out).toContain(
      '  row 4 edited: row 4: detail differs from what its hash covers: edited after it was written',
    );
  });

  it('names a row whose payload and hash were both rewritten, by the broken link after it', async () => {
    await appendAll();
    await db.client.exec(
      `update autodev_audit_events
         set payload = replace(payload, 'claude', 'codex'), detail = jsonb_set(detail, '{backend}', '"codex"'),
             hash = encode(sha256(convert_to(prev_hash || E'\\n' || replace(payload, 'claude', 'codex'), 'UTF8')), 'hex')
       where seq = 2`,
    );
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain(
      "row 3 broken-link: row 3 does not follow row 2: its prev_hash is not that row's hash",
    );
  });

  it('names a deleted row', async () => {
    await appendAll();
    await db.client.exec('delete from autodev_audit_events where seq = 2');
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('Checked 4 audit rows: 1 problem');
    expect(out).toContain('  row 3 deleted: row 2 is missing before row 3');
  });

  it("with --repo reports that repository's rows and leaves out edits of others", async () => {
    await appendAll();
    await db.client.exec(`update autodev_audit_events set actor = 'someone' where seq = 3`);
    const web = await verify('--repo', 'acme/web');
    expect(web.code).toBe(0);
    expect(web.out).toContain("Checked 5 audit rows (4 of them acme/web's): the hash chain is intact.");
    expect(web.out).toContain("1 more in other repositories' rows; run without --repo to see them.");
    const api = await verify('--repo', 'acme/api');
    expect(api.code).toBe(1);
    expect(api.out).toContain('row 3 edited: row 3: actor differs');
  });

  it('with --head notices that the newest rows were deleted', async () => {
    await appendAll();
    const head = /Head: (\d+:[0-9a-f]{64})/.exec((await verify()).out)?.[1] ?? '';
    expect((await verify('--head', head)).code).toBe(0);
    await db.client.exec('delete from autodev_audit_events where seq >= 4');
    const { code, out } = await verify('--head', head);
    expect(code).toBe(1);
    expect(out).toContain('row 5 deleted: the chain ends at row 3 but reached row 5 before');
  });

  it('checks a trail read in pages across the page boundaries', async () => {
    await appendAll();
    expect(await checkChain(db.store, { pageSize: 2 })).toMatchObject({ checked: 5, problems: [] });
    // Row 3 starts the second page: its link to row 2 crosses the boundary.
    await db.client.exec('delete from autodev_audit_events where seq = 2');
    const report = await checkChain(db.store, { pageSize: 2 });
    expect(report.checked).toBe(4);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'deleted' })]);
    await db.client.exec(`update autodev_audit_events set prev_hash = repeat('1', 64) where seq = 5`);
    expect((await checkChain(db.store, { pageSize: 2 })).problems.map((p) => [p.seq, p.kind])).toEqual([
      [3, 'deleted'],
      [5, 'broken-link'],
      [5, 'edited'],
    ]);
  });

  it('says what to change for bad input', async () => {
    const bad = await verify('--head', 'latest');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--head takes <seq>:<64 hex digits> as verify prints it, not "latest"');
    expect((await verify('--repo', 'web')).err).toContain('"web" is not a repository; give it as owner/name');
    const stderr = sink();
    expect(await auditCommand(['check'], { stdout: sink(), stderr, env: {}, store: db.store })).toBe(2);
    expect(stderr.text).toContain('unknown subcommand "check"; use verify');
  });
});

describe('autodev main', () => {
  it('lists the memory and audit commands and routes to them', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0),
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0),
    ];
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['audit', '--help'])).toBe(0);
      expect(await main(['memory', 'recall', 'x'])).toBe(2);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const help = out.join('');
    expect(help).toContain('autodev memory search <query> [--repo owner/name] [--kind <kind>] [-k <n>]');
    expect(help).toContain('autodev memory onboarding --repo owner/name');
    expect(help).toContain('autodev audit verify [--repo owner/name] [--head <seq>:<hash>]');
    expect(err.join('')).toContain(
      'autodev memory: unknown subcommand "recall"; use search, add or onboarding',
    );
  });
});
