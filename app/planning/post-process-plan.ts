/**
 * From a model's parsed answer to a Plan: schema, id normalisation, graph checks, strategy shaping,
 * waves and the critical path. Pure, so a planner can run it on every answer and a test on any input;
 * every error is a sentence that can go back to the model as is.
 */
import type { Strategy } from '../commands/command.js';
import type { Plan, PlannedTask } from '../planner/planner.js';
import { describeAgentRange, type AgentRange } from './agent-range.js';
import { parsePrp, type PrpTask } from './prp-schema.js';
import { shapeByStrategy } from './strategies.js';
import { checkGraph, computeWaves, criticalPath, formatGraphError } from './task-graph.js';
import { normaliseTaskIds } from './task-ids.js';

export interface PostProcessContext {
  /** The strategy the person asked for; it wins over the one the model picked. */
  strategy?: Strategy | undefined;
  /** Parallel agents to plan for (see agentRange). */
  agentRange: AgentRange;
  /** The repository's `maxParallelAgents`: no task gets more best-of-N candidates than this. */
  maxParallelAgents: number;
  /** Commands from the repo config's gates; they lead the plan's validation gates. */
  gates?: readonly string[];
  /**
   * Programs agents may run (config `allowedCommands`). A gate the model proposes with any other
   * program is dropped: the spec it planned from is untrusted, and gates get executed.
   */
  allowedCommands?: readonly string[];
}

export type PostProcessResult = { ok: true; plan: Plan } | { ok: false; errors: string[] };

export function postProcessPlan(raw: unknown, ctx: PostProcessContext): PostProcessResult {
  const parsed = parsePrp(raw);
  if (!parsed.ok) return parsed;
  const { prp } = parsed;
  const { tasks, unknown } = normaliseTaskIds(prp.tasks);
  const errors = [
    ...unknown.map((u) => formatGraphError({ kind: 'unknown-dependency', ...u })),
    ...checkGraph(tasks).map(formatGraphError),
  ];
  if (errors.length > 0) return { ok: false, errors };

  const strategy = ctx.strategy ?? prp.strategy;
  const notes: string[] = [];
  if (ctx.strategy && ctx.strategy !== prp.strategy) {
    notes.push(
      `The planner suggested ${prp.strategy}; the ${ctx.strategy} strategy that was asked for is used.`,
    );
  }
  const shaped = shapeByStrategy(tasks, strategy);
  notes.push(shaped.note);
  const capped = capCandidates(shaped.tasks, ctx.maxParallelAgents, notes);
  const waves = computeWaves(capped);
  const width = Math.max(...waves.map((wave) => wave.reduce((sum, t) => sum + (t.candidates ?? 1), 0)));
  if (width > ctx.agentRange.max) {
    notes.push(
      `Up to ${width} agents could work at once, more than the ${describeAgentRange(ctx.agentRange)} asked for; the extra tasks wait for a free agent.`,
    );
  }
  const path = criticalPath(capped, (t) => t.estimate);
  return {
    ok: true,
    plan: {
      goal: prp.goal,
      strategy,
      why: prp.why,
      what: prp.what,
      context: prp.context,
      acceptanceCriteria: prp.acceptanceCriteria,
      validationGates: mergeGates(
        ctx.gates ?? [],
        allowedGates(prp.validationGates, ctx.allowedCommands, notes),
      ),
      pattern: prp.pattern,
      waveCount: waves.length,
      criticalPathMinutes: path.minutes,
      notes,
      // Wave order is the order the work happens in, so the checklist reads top to bottom.
      tasks: waves.flat().map(toPlannedTask),
    },
  };
}

function capCandidates(tasks: PrpTask[], max: number, notes: string[]): PrpTask[] {
  const over = tasks.filter((t) => (t.candidates ?? 1) > max);
  if (over.length === 0) return tasks;
  notes.push(
    `Best-of-N was lowered to ${max} (the repository's maxParallelAgents) for ${over.map((t) => `"${t.id}"`).join(', ')}.`,
  );
  return tasks.map((t) => ((t.candidates ?? 1) > max ? { ...t, candidates: max } : t));
}

function allowedGates(
  gates: readonly string[],
  allowed: readonly string[] | undefined,
  notes: string[],
): string[] {
  if (allowed === undefined) return [...gates];
  const kept = gates.filter((gate) => allowed.includes(programOf(gate)));
  const dropped = gates.length - kept.length;
  if (dropped > 0) {
    notes.push(
      `${dropped} proposed validation gate${dropped === 1 ? '' : 's'} used a program outside allowedCommands and ${dropped === 1 ? 'was' : 'were'} left out.`,
    );
  }
  return kept;
}

/** The first word, as is: gates run without a shell, and a path could point anywhere. */
function programOf(command: string): string {
  return command.trim().split(/\s+/)[0] ?? '';
}

/** The repo's gates are what CI runs, so they come first; the model's extra commands follow, once each. */
function mergeGates(configured: readonly string[], planned: readonly string[]): string[] {
  const gates: string[] = [];
  for (const command of [...configured, ...planned]) {
    const trimmed = command.trim();
    if (trimmed && !gates.includes(trimmed)) gates.push(trimmed);
  }
  return gates;
}

function toPlannedTask(task: PrpTask): PlannedTask {
  return {
    id: task.id,
    title: task.title,
    role: task.role,
    dependsOn: task.dependsOn,
    description: task.description,
    files: task.files,
    acceptance: task.acceptance,
    estimateMinutes: task.estimate,
    candidates: task.candidates ?? 1,
  };
}
