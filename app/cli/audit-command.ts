/**
 * `autodev audit verify`: walks the whole audit trail in pages and checks its hash chain
 * (verifyAuditChain), printing how many rows were checked and every edited, deleted or reordered row.
 * The chain runs through every repository's events, so it is always checked whole; --repo narrows what
 * is reported to that repository's rows, plus the gaps, which cannot be attributed to anyone.
 *
 * Exit codes: 0 the chain is intact, 1 it is not (or the store failed), 2 the input must change.
 */
import { parseArgs } from 'node:util';
import { type AuditProblem, verifyAuditChain } from '../memory/audit-chain.js';
import { checkRepo, MemoryInputError } from '../memory/memory-input.js';
import type { MemoryStore } from '../memory/memory-store.js';
import { withMemoryStore } from './memory-store-from-env.js';

export const AUDIT_USAGE = `autodev audit verify [--repo owner/name] [--head <seq>:<hash>]
  Checks the hash chain of the audit trail (every bot decision and agent action) and names each row
  that was edited, deleted or reordered since it was written.
  --repo owner/name         Report only that repository's rows (the whole chain is still checked).
  --head <seq>:<hash>       A head printed by an earlier verify: also detects deletion of the newest rows.
  Exit codes: 0 intact, 1 tampered with (or the store failed), 2 bad input.
`;

/** Rows read per query. */
const PAGE_SIZE = 1000;

export interface AuditCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** An open store to use instead of the one the environment names; left open. */
  store?: MemoryStore;
}

export interface ChainReport {
  checked: number;
  /** Rows of the --repo repository, when given. */
  repoRows: number | null;
  head: { seq: number; hash: string } | null;
  /** The problems to report. */
  problems: AuditProblem[];
  /** Edited rows of other repositories, left out of `problems` because of --repo. */
  otherRepos: number;
}

class AuditUsageError extends Error {}

const OPTIONS = {
  repo: { type: 'string' },
  head: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function auditCommand(args: string[], io: Partial<AuditCommandIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  try {
    const [subcommand, ...rest] = args;
    if (subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
      stdout.write(AUDIT_USAGE);
      return 0;
    }
    if (subcommand !== 'verify') {
      throw new AuditUsageError(
        subcommand === undefined
          ? 'say what to do: verify'
          : `unknown subcommand "${subcommand}"; use verify`,
      );
    }
    const values = parse(rest);
    if (values.help) {
      stdout.write(AUDIT_USAGE);
      return 0;
    }
    const repo = values.repo === undefined ? undefined : checkRepo(values.repo);
    const head = values.head === undefined ? undefined : headOf(values.head);
    const report = await withMemoryStore(io.store, env, (store) => checkChain(store, { repo, head }));
    stdout.write(renderReport(report, repo));
    return report.problems.length === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof AuditUsageError || error instanceof MemoryInputError)) throw error;
    stderr.write(`autodev audit: ${error.message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
}

function parse(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new Error(`unexpected "${positionals.join(' ')}"`);
    return values;
  } catch (error) {
    throw new AuditUsageError(error instanceof Error ? error.message : String(error));
  }
}

function headOf(value: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (!match)
    throw new AuditUsageError(`--head takes <seq>:<64 hex digits> as verify prints it, not "${value}"`);
  return { seq: Number(match[1]), hash: match[2] as string };
}

/** Verifies the chain page by page, each page continuing from the previous page's last row. */
export async function checkChain(
  store: Pick<MemoryStore, 'listAudit'>,
  options: {
    repo?: string | undefined;
    head?: { seq: number; hash: string } | undefined;
    pageSize?: number;
  } = {},
): Promise<ChainReport> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const repoSeqs = new Set<number>();
  const problems: AuditProblem[] = [];
  let checked = 0;
  let from: { seq: number; hash: string } | undefined;
  for (;;) {
    const page = await store.listAudit({ afterSeq: from?.seq ?? 0, limit: pageSize });
    if (page.length === 0) break;
    const result = verifyAuditChain(page, from ? { from } : {});
    checked += result.checked;
    problems.push(...result.problems);
    for (const event of page) if (event.repo === options.repo) repoSeqs.add(event.seq);
    from = result.head ?? from;
    if (page.length < pageSize) break;
  }
  if (options.head) {
    // The recorded head must still be in the chain with the same hash.
    const tail = options.head.seq <= (from?.seq ?? 0) ? await rowAt(store, options.head.seq) : undefined;
    if (!tail) {
      problems.push({
        seq: options.head.seq,
        kind: 'deleted',
        message: `the chain ends at row ${from?.seq ?? 0} but reached row ${options.head.seq} before`,
      });
    } else if (tail.hash !== options.head.hash) {
      problems.push({
        seq: options.head.seq,
        kind: 'edited',
        message: `row ${options.head.seq}'s hash is not the one recorded for it earlier`,
      });
    }
  }
  const shown =
    options.repo === undefined
      ? problems
      : problems.filter((p) => p.kind !== 'edited' || repoSeqs.has(p.seq));
  return {
    checked,
    repoRows: options.repo === undefined ? null : repoSeqs.size,
    head: from ?? null,
    problems: shown,
    otherRepos: problems.length - shown.length,
  };
}

async function rowAt(store: Pick<MemoryStore, 'listAudit'>, seq: number) {
  const [row] = await store.listAudit({ afterSeq: seq - 1, limit: 1 });
  return row?.seq === seq ? row : undefined;
}

export function renderReport(report: ChainReport, repo?: string): string {
  const rows = `${report.checked} audit ${report.checked === 1 ? 'row' : 'rows'}`;
  const scope = repo === undefined ? '' : ` (${report.repoRows} of them ${repo}'s)`;
  const lines: string[] = [];
  if (report.problems.length === 0) {
    lines.push(`Checked ${rows}${scope}: the hash chain is intact.`);
  } else {
    const n = report.problems.length;
    lines.push(
      `Checked ${rows}${scope}: ${n} ${n === 1 ? 'problem' : 'problems'} — the audit trail was tampered with.`,
    );
    for (const p of report.problems) lines.push(`  row ${p.seq} ${p.kind}: ${p.message}`);
  }
  if (report.otherRepos > 0) {
    lines.push(`${report.otherRepos} more in other repositories' rows; run without --repo to see them.`);
  }
  if (report.head) {
    lines.push(
      `Head: ${report.head.seq}:${report.head.hash}`,
      'Keep it somewhere else and pass it as --head next time to detect deletion of the newest rows too.',
    );
  }
  return `${lines.join('\n')}\n`;
}
