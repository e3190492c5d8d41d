/**
 * What each agent CLI reports when it is done, read from its output: the final message, token usage,
 * cost and turns where the CLI gives them (0 where it does not), and whether it stopped at a limit.
 */
import type { AgentOutcome } from './agent-backend.js';

export interface CliReport {
  summary: string;
  tokens: number;
  costUsd: number;
  turns: number;
  /** Set when the output itself says the run failed or hit a limit, whatever the exit code. */
  status?: 'error' | 'limit';
  limit?: AgentOutcome['limit'];
}

type Json = Record<string, unknown>;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

function parseJson(text: string): Json | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * `claude -p --output-format json` prints one result object: `result` (the final message), `is_error`,
 * `subtype` ("success", "error_max_turns", "error_max_budget_usd", …), `num_turns`, `total_cost_usd`
 * and `usage` (input, output and cache token counts). Text output (older versions, or a crash before the
 * result) falls back to the output itself as the summary.
 */
export function parseClaudeOutput(stdout: string): CliReport {
  const lines = stdout.trim().split('\n');
  const result = [stdout.trim(), ...lines.reverse()].map(parseJson).find((json) => json?.type === 'result');
  if (!result) return { summary: stdout.trim(), tokens: 0, costUsd: 0, turns: 0 };
  const usage = obj(result.usage) ?? {};
  const report: CliReport = {
    summary: str(result.result) ?? '',
    tokens:
      num(usage.input_tokens) +
      num(usage.output_tokens) +
      num(usage.cache_creation_input_tokens) +
      num(usage.cache_read_input_tokens),
    costUsd: num(result.total_cost_usd),
    turns: num(result.num_turns),
  };
  const subtype = str(result.subtype) ?? '';
  if (subtype === 'error_max_turns') {
    return {
      ...report,
      status: 'limit',
      limit: 'turns',
      summary: report.summary || 'claude reached --max-turns.',
    };
  }
  if (subtype === 'error_max_budget_usd') {
    return {
      ...report,
      status: 'limit',
      limit: 'dollars',
      summary: report.summary || 'claude reached its budget.',
    };
  }
  if (result.is_error === true || subtype.startsWith('error')) {
    return { ...report, status: 'error', summary: report.summary || `claude stopped with ${subtype}` };
  }
  return report;
}

/**
 * `codex exec --json` prints JSON lines: `item.completed` events whose item is the agent's message
 * (`type: "agent_message"`; `item_type: "assistant_message"` in early versions), `turn.completed` with
 * `usage` (input tokens include the cached ones), and `turn.failed` / `error` on failure. Codex reports
 * no cost, so cost stays 0.
 */
export function parseCodexOutput(stdout: string): CliReport {
  let summary = '';
  let failure: string | undefined;
  let tokens = 0;
  let turns = 0;
  for (const line of stdout.split('\n')) {
    const event = line.trim().startsWith('{') ? parseJson(line) : undefined;
    if (!event) continue;
    const item = obj(event.item);
    const itemType = str(item?.type) ?? str(item?.item_type);
    if (
      event.type === 'item.completed' &&
      (itemType === 'agent_message' || itemType === 'assistant_message')
    ) {
      summary = str(item?.text) ?? summary;
    } else if (event.type === 'turn.completed' || event.type === 'turn.failed') {
      const usage = obj(event.usage) ?? {};
      tokens += num(usage.input_tokens) + num(usage.output_tokens);
      turns++;
      if (event.type === 'turn.failed') failure = str(obj(event.error)?.message) ?? 'the turn failed';
    }
    // Top-level "error" events are skipped: codex also reports stream reconnects that way, and a run
    // that really failed ends with turn.failed or a non-zero exit code.
  }
  const report: CliReport = { summary, tokens, costUsd: 0, turns };
  return failure ? { ...report, status: 'error', summary: summary || `codex: ${failure}` } : report;
}

const AIDER_USAGE =
  /Tokens:\s*([\d.,]+)([kKmM]?)\s*sent(?:,\s*([\d.,]+)([kKmM]?)\s*cache[^,]*)?(?:,\s*([\d.,]+)([kKmM]?)\s*cache[^,]*)?,\s*([\d.,]+)([kKmM]?)\s*received\.?(?:\s*Cost:\s*\$([\d.]+)\s*message,\s*\$([\d.]+)\s*session)?/g;

/**
 * aider prints plain text; after each exchange a line like
 * "Tokens: 2.3k sent, 310 received. Cost: $0.0098 message, $0.02 session." The last one holds the
 * session's cost; tokens are summed over the exchanges.
 */
export function parseAiderOutput(stdout: string): CliReport {
  let tokens = 0;
  let costUsd = 0;
  let turns = 0;
  for (const m of stdout.matchAll(AIDER_USAGE)) {
    tokens += count(m[1], m[2]) + count(m[7], m[8]);
    if (m[10] !== undefined) costUsd = Number(m[10]);
    turns++;
  }
  return { summary: stdout.trim(), tokens, costUsd, turns };
}

function count(value: string | undefined, unit: string | undefined): number {
  const n = Number((value ?? '0').replace(/,/g, ''));
  const scale = unit?.toLowerCase() === 'k' ? 1_000 : unit?.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Math.round(n * scale);
}
