/** How many agents a plan should keep busy at once, from the stated complexity and the repo's cap. */
import type { Complexity } from '../commands/command.js';

export interface AgentRange {
  min: number;
  max: number;
}

const BY_COMPLEXITY: Record<Complexity, AgentRange> = {
  atomic: { min: 1, max: 1 },
  simple: { min: 1, max: 1 },
  moderate: { min: 2, max: 5 },
  complex: { min: 5, max: 15 },
  enterprise: { min: 15, max: Number.POSITIVE_INFINITY },
};

/**
 * The range of parallel agents to plan for. `instances=` is the person's explicit choice and wins over
 * the complexity; without either, the model decides up to the cap. The config's `maxParallelAgents`
 * bounds everything, because that is what the repository pays for.
 */
export function agentRange(
  complexity: Complexity | undefined,
  maxParallelAgents: number,
  instances?: number,
): AgentRange {
  const cap = Math.max(1, Math.floor(maxParallelAgents));
  if (instances !== undefined) {
    const n = Math.min(cap, Math.max(1, Math.floor(instances)));
    return { min: n, max: n };
  }
  const wanted = complexity ? BY_COMPLEXITY[complexity] : { min: 1, max: cap };
  return { min: Math.min(wanted.min, cap), max: Math.min(wanted.max, cap) };
}

/** "1 agent", "2–5 agents": the wording the planner prompt and plan notes use. */
export function describeAgentRange(range: AgentRange): string {
  if (range.min === range.max) return range.max === 1 ? '1 agent' : `${range.max} agents`;
  return `${range.min}–${range.max} agents`;
}
