/**
 * The sandbox as a person uses it: `autodev sandbox`'s servers, and `autodev deliver` with the
 * fixture payloads the README points to.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../app/cli/main.js';
import { type Sandbox, startSandbox } from '../../app/cli/sandbox-command.js';
import { findRepository } from '../sandbox/simulator-state.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'sandbox');
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ secret: 'development', logLevel: 'fatal' });
});
afterAll(async () => sandbox?.close());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    await sandbox.app.runtime.worker.idle();
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const repo = () => findRepository(sandbox.github.state(), 'octo-org', 'hello-world')!;
const deliver = (event: string, file: string, ...extra: string[]) =>
  cli(['deliver', event, join(fixtures, file), '--url', sandbox.app.webhookUrl, ...extra]);

describe('autodev deliver into the sandbox', () => {
  it('a labelled spec issue starts a run: 👀, a progress comment with the plan, wave 1 dispatched', async () => {
    const { code, out } = await deliver('issues', 'issue-labeled.json');
    expect(code).toBe(0);
    expect(out).toMatch(/^delivered issues \S+ → 200/);
    const issue = repo().issues.find((i) => i.number === 1)!;
    expect(issue.reactions.map((r) => r.content)).toContain('eyes');
    const progress = repo().comments.filter((c) => c.issueNumber === 1 && c.user === 'autodev[bot]');
    expect(progress).toHaveLength(1);
    expect(progress[0]!.body).toContain('Goodbye, Mona!');
    expect(repo().dispatches).toHaveLength(1);
    expect(JSON.parse(String(repo().dispatches[0]!.inputs['tasks']))).toEqual(['t1', 't2', 't3']);
  });

  it('/parallel-dev on the same issue is told a run is already going', async () => {
    const { code } = await deliver('issue_comment.created', 'parallel-dev-comment.json');
    expect(code).toBe(0);
    const asked = repo().comments.find((c) => c.id === 90001)!;
    expect(asked.reactions.map((r) => r.content)).toEqual(['eyes']);
    const replies = repo().comments.filter((c) => c.issueNumber === 1 && c.user === 'autodev[bot]');
    expect(replies.at(-1)!.body).toMatch(/already running/);
  });

  it('a read-only user is refused', async () => {
    await deliver('issue_comment', 'refused-comment.json');
    const replies = repo().comments.filter((c) => c.issueNumber === 2 && c.user === 'autodev[bot]');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('@reader has read permission');
  });

  it('a wrong secret is rejected and said so', async () => {
    const { code, out } = await deliver('issue_comment', 'parallel-dev-comment.json', '--secret', 'nope');
    expect(code).toBe(1);
    expect(out).toMatch(/^rejected issue_comment \S+ → 4\d\d/);
  });

  it('bad input gets a message saying what to change', async () => {
    const missing = await cli(['deliver', 'issues']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('usage: autodev deliver <event-name> <payload.json>');
    const dir = mkdtempSync(join(tmpdir(), 'autodev-cli-'));
    writeFileSync(join(dir, 'broken.json'), '{ "action": ');
    const broken = await cli([
      'deliver',
      'issues',
      join(dir, 'broken.json'),
      '--url',
      sandbox.app.webhookUrl,
    ]);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`could not read ${join(dir, 'broken.json')} as JSON`);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['start', 'sandbox', 'deliver']) expect(help.out).toContain(`autodev ${command}`);
  });

  it("the runner emulator carries the labelled issue's run to one reviewed pull request", async () => {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && repo().pulls.length === 0) {
      await sandbox.runner?.idle();
      await sandbox.app.runtime.worker.idle();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [pull] = repo().pulls;
    expect(pull?.head).toMatch(/^autodev\/[a-z0-9]+\/integration$/);
    expect(repo().reviews.filter((r) => r.pullNumber === pull!.number)).toHaveLength(1);
    const head = repo().commits[repo().refs[`refs/heads/${pull!.head}`]!]!;
    expect(
      Object.keys(head.files)
        .filter((p) => p.startsWith('docs/autodev/'))
        .sort(),
    ).toEqual(['docs/autodev/t1.md', 'docs/autodev/t2.md', 'docs/autodev/t3.md']);
    const progress = repo().comments.find((c) => c.issueNumber === 1 && c.user === 'autodev[bot]')!;
    expect(progress.body).toContain('Succeeded');
  }, 120_000);

  it("made no call outside GitHub's OpenAPI description", () => {
    expect(sandbox.github.violations).toEqual([]);
  });
});
