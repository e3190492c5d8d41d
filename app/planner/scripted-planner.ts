/**
 * Planners that need no model: a scripted one for tests and demos, and an outline planner that
 * turns the spec's list items into tasks (used by the sandbox so a person can watch a run).
 */
import type { AgentRole } from '../runs/run.js';
import { type Plan, type PlanRequest, type Planner, PlanningError } from './planner.js';

export type PlanScript = Plan | Error | ((request: PlanRequest) => Plan | Promise<Plan>);

/** Answers each call with the next scripted plan (the last one repeats); records every request. */
export class ScriptedPlanner implements Planner {
  readonly requests: PlanRequest[] = [];
  private index = 0;

  constructor(private readonly script: PlanScript[]) {
    if (script.length === 0) throw new Error('ScriptedPlanner needs at least one scripted answer');
  }

  async plan(request: PlanRequest): Promise<Plan> {
    this.requests.push(request);
    const step = this.script[Math.min(this.index++, this.script.length - 1)];
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return structuredClone(step as Plan);
  }
}

const ROLE_WORDS: [RegExp, AgentRole][] = [
  [/\b(test|tests|spec|coverage)\b/i, 'tester'],
  [/\b(doc|docs|readme|documentation)\b/i, 'docs'],
  [/\b(review)\b/i, 'reviewer'],
];

/** One task per top-level list item of the spec; a spec with no list is one task. */
export function outlinePlan(spec: string, title: string): Plan {
  const items = spec
    .split(/\r?\n/)
    .map((line) => /^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.+)$/.exec(line)?.[1]?.trim())
    .filter((item): item is string => Boolean(item));
  const titles = items.length > 0 ? items.slice(0, 50) : [title || 'Implement the spec'];
  const tasks = titles.map((text, i) => ({
    id: `t${i + 1}`,
    title: text.slice(0, 120),
    role: ROLE_WORDS.find(([re]) => re.test(text))?.[1] ?? ('coder' as AgentRole),
    dependsOn: [] as string[],
  }));
  return { goal: title || (titles[0] ?? 'Implement the spec'), tasks };
}

export const outlinePlanner: Planner = {
  async plan({ run }) {
    if (!run.trigger.spec.trim()) throw new PlanningError('The spec is empty: there is nothing to plan.');
    return outlinePlan(run.trigger.spec, run.trigger.title);
  },
};
