/**
 * `autodev memory onboarding`: a markdown summary of what autodev knows about a repository — its
 * conventions, decisions and architecture, what failed lately, and how each backend, model and strategy
 * has fared. gatherOnboardingFacts reads the store; renderOnboarding is pure, so the same facts always
 * give the same text (no model, no clock).
 */
import { posteriorMean } from '../learning/bandit.js';
import { formatElapsed } from '../local/terminal-progress.js';
import type { ArmStats, MemoryKind, MemoryStore, Outcome, StoredMemory } from '../memory/memory-store.js';

/** The sections in order, with how many memories each shows. */
const SECTIONS: readonly { kind: MemoryKind; title: string; limit: number; always: boolean }[] = [
  { kind: 'convention', title: 'Conventions', limit: 40, always: true },
  { kind: 'decision', title: 'Decisions', limit: 20, always: true },
  { kind: 'architecture', title: 'Architecture', limit: 20, always: true },
  { kind: 'pattern', title: 'Patterns', limit: 15, always: false },
  { kind: 'dependency', title: 'Dependencies', limit: 15, always: false },
  { kind: 'learning', title: 'Learnings', limit: 15, always: false },
  { kind: 'success', title: 'What worked', limit: 10, always: false },
];
const FAILURE_MEMORIES = 10;
const FAILED_OUTCOMES = 10;
/** Outcomes read to find the recent failures among them. */
const OUTCOMES_SCANNED = 500;
/** A memory longer than this is cut; the full text is one `memory search` away. */
const MAX_MEMORY_CHARS = 600;

export interface MemoryList {
  items: StoredMemory[];
  /** More are stored than shown. */
  more: boolean;
}

export interface OnboardingFacts {
  repo: string;
  memories: Partial<Record<MemoryKind, MemoryList>>;
  failures: MemoryList;
  /** Newest first. */
  failedOutcomes: Outcome[];
  byBackend: ArmStats[];
  byModel: ArmStats[];
  byStrategy: ArmStats[];
}

export async function gatherOnboardingFacts(store: MemoryStore, repo: string): Promise<OnboardingFacts> {
  const list = async (kind: MemoryKind, limit: number): Promise<MemoryList> => {
    const items = await store.listMemories({ repo, kinds: [kind], limit: limit + 1 });
    return { items: items.slice(0, limit), more: items.length > limit };
  };
  const memories: Partial<Record<MemoryKind, MemoryList>> = {};
  for (const section of SECTIONS) memories[section.kind] = await list(section.kind, section.limit);
  const outcomes = await store.listOutcomes({ repo, limit: OUTCOMES_SCANNED });
  return {
    repo,
    memories,
    failures: await list('failure', FAILURE_MEMORIES),
    failedOutcomes: outcomes.filter((o) => !o.success).slice(0, FAILED_OUTCOMES),
    byBackend: await store.outcomeStats({ repo, by: 'backend' }),
    byModel: await store.outcomeStats({ repo, by: 'model' }),
    byStrategy: await store.outcomeStats({ repo, by: 'strategy' }),
  };
}

export function renderOnboarding(facts: OnboardingFacts): string {
  const lines = [`# What autodev knows about ${facts.repo}`, ''];
  const known =
    Object.values(facts.memories).some((m) => m.items.length > 0) ||
    facts.failures.items.length > 0 ||
    facts.failedOutcomes.length > 0 ||
    [...facts.byBackend, ...facts.byModel, ...facts.byStrategy].length > 0;
  if (!known) {
    lines.push(
      `autodev has nothing recorded about ${facts.repo} yet. It learns from the runs it does there and from`,
      'AGENTS.md, CLAUDE.md and CONTRIBUTING.md; add a convention or decision yourself with',
      `\`npx autodev memory add "<text>" --repo ${facts.repo} --kind convention\` or a \`/remember <text>\` comment.`,
    );
    return `${lines.join('\n')}\n`;
  }
  for (const section of SECTIONS) {
    const list = facts.memories[section.kind] ?? { items: [], more: false };
    if (list.items.length === 0 && !section.always) continue;
    const items = section.kind === 'convention' ? inFileOrder(list.items) : list.items;
    lines.push(`## ${section.title}`, '', ...memoryLines(items, list.more, section.title.toLowerCase()), '');
  }
  lines.push('## Recent failures', '');
  if (facts.failures.items.length === 0 && facts.failedOutcomes.length === 0) {
    lines.push('None recorded.', '');
  } else {
    if (facts.failedOutcomes.length > 0) lines.push(...facts.failedOutcomes.map(failedOutcomeLine), '');
    if (facts.failures.items.length > 0) {
      lines.push('What autodev learned from failures:', '');
      lines.push(...memoryLines(facts.failures.items, facts.failures.more, 'failures'), '');
    }
  }
  lines.push('## How the work has gone', '');
  const tables = [
    ['Backend', facts.byBackend],
    ['Model', facts.byModel],
    ['Strategy', facts.byStrategy],
  ] as const;
  if (tables.every(([, stats]) => stats.length === 0)) {
    lines.push('No task or run outcomes recorded yet.', '');
  } else {
    for (const [column, stats] of tables) if (stats.length > 0) lines.push(...statsTable(column, stats), '');
    lines.push(
      '_Expected success is the mean of Beta(successes + 1, failures + 1), what the backend choice samples from._',
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Memories from files in the files' order (by source, then part); hand-added ones after, oldest first. */
function inFileOrder(items: readonly StoredMemory[]): StoredMemory[] {
  const source = (m: StoredMemory) => (typeof m.metadata.source === 'string' ? m.metadata.source : null);
  const part = (m: StoredMemory) => (typeof m.metadata.part === 'number' ? m.metadata.part : 0);
  return [...items].sort((a, b) => {
    const sa = source(a);
    const sb = source(b);
    if (sa !== sb) return sa === null ? 1 : sb === null ? -1 : sa.localeCompare(sb);
    return part(a) - part(b) || a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id);
  });
}

function memoryLines(items: readonly StoredMemory[], more: boolean, what: string): string[] {
  if (items.length === 0) return ['None recorded.'];
  const lines = items.flatMap((m) => {
    const [first = '', ...rest] = cut(m.content.trim()).split('\n');
    return [`- ${first}`, ...rest.map((line) => (line.trim() ? `  ${line}` : ''))];
  });
  if (more) lines.push(`- … and more ${what}: \`npx autodev memory search\` finds them.`);
  return lines;
}

function cut(text: string): string {
  return text.length <= MAX_MEMORY_CHARS ? text : `${text.slice(0, MAX_MEMORY_CHARS).trimEnd()} …`;
}

function failedOutcomeLine(o: Outcome): string {
  const what =
    o.scope === 'run' ? `run ${o.runId}` : `${o.taskKind} task ${o.taskId ?? '?'} of run ${o.runId}`;
  const how = [o.backend, o.model].filter(Boolean).join(', ');
  return `- ${o.at.slice(0, 10)} ${what}${how ? ` (${how})` : ''}: ${o.failureClass ?? 'failed'} after ${formatElapsed(o.durationMs)}`;
}

function statsTable(column: string, stats: readonly ArmStats[]): string[] {
  const rows = [...stats]
    .sort((a, b) => b.successes + b.failures - (a.successes + a.failures) || a.arm.localeCompare(b.arm))
    .map((s) => {
      const runs = s.successes + s.failures;
      const rate = runs > 0 ? `${Math.round((100 * s.successes) / runs)} %` : '–';
      const expected = `${Math.round(100 * posteriorMean(s.successes, s.failures))} %`;
      return `| ${s.arm} | ${runs} | ${s.successes} | ${rate} | ${expected} | ${formatElapsed(s.meanDurationMs)} |`;
    });
  return [
    `| ${column} | Outcomes | Succeeded | Success rate | Expected success | Mean duration |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}
