/**
 * Which planner a local run uses: `--planner outline` (one task per list item of the spec),
 * `--planner scripted:<plan.json>` (a fixed plan, for demos and tests), or by default the LLM planner
 * over the config's planner model when its key is in the environment — else the outline planner, with
 * a note saying why, so a first run on a laptop without keys still does something useful.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { AutodevConfig } from '../config/config-schema.js';
import { describeChoice, modelChoiceFor } from '../models/model-choice.js';
import { keyVariablesFor, keyVariablesText, readKey } from '../models/provider-env.js';
import type { Plan, Planner } from '../planner/planner.js';
import { outlinePlanner, ScriptedPlanner } from '../planner/scripted-planner.js';
import { configuredPlanner } from '../planning/configured-planner.js';
import { checkGraph, formatGraphError } from '../planning/task-graph.js';
import { TASK_ID_PATTERN } from '../planning/task-ids.js';
import { AGENT_ROLES } from '../runs/run.js';
import { INTEGRATION_BRANCH_LEAF } from '../workspace/git-worktrees.js';
import { usageError } from './local-run-error.js';

export interface PlannerChoice {
  planner: Planner;
  /** One line for the person at the terminal: which planner, and why when it is not the obvious one. */
  note: string;
}

export const PLANNER_USAGE = '--planner takes `outline` or `scripted:<plan.json>`';

export async function choosePlanner(
  option: string | undefined,
  config: AutodevConfig,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): Promise<PlannerChoice> {
  if (option === 'outline') {
    return { planner: outlinePlanner, note: 'Planning with the outline planner: one task per list item.' };
  }
  if (option?.startsWith('scripted:')) {
    const file = resolve(cwd, option.slice('scripted:'.length));
    return { planner: new ScriptedPlanner([await readPlanFile(file)]), note: `Planning from ${file}.` };
  }
  if (option !== undefined && option !== 'auto') throw usageError(`${PLANNER_USAGE}, not "${option}".`);
  const choice = modelChoiceFor(config, 'planner');
  // Ollama and scripted models need no key: whoever configured them meant to use them.
  if (keyVariablesFor(choice.provider).length === 0 || readKey(choice.provider, env)) {
    return { planner: configuredPlanner({ env }), note: `Planning with ${describeChoice(choice)}.` };
  }
  return {
    planner: outlinePlanner,
    note:
      `${keyVariablesText(choice.provider)} is not set, so the outline planner plans (one task per list ` +
      `item of the spec). Set it to plan with ${choice.provider}/${choice.model}, or pass --planner outline.`,
  };
}

const planFileSchema = z.object({
  goal: z.string().default(''),
  tasks: z
    .array(
      z.object({
        id: z
          .string()
          .regex(TASK_ID_PATTERN, 'must be 1–40 lowercase letters, digits and hyphens')
          .refine((id) => id !== INTEGRATION_BRANCH_LEAF, `"${INTEGRATION_BRANCH_LEAF}" is reserved`),
        title: z.string().min(1),
        role: z.enum(AGENT_ROLES).default('coder'),
        dependsOn: z.array(z.string()).default([]),
        description: z.string().optional(),
        acceptance: z.array(z.string()).optional(),
        files: z.array(z.string()).optional(),
      }),
    )
    .min(1, 'needs at least one task'),
});

async function readPlanFile(file: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw usageError(
      missing
        ? `The plan file ${file} does not exist; ${PLANNER_USAGE}.`
        : `The plan file ${file} is not JSON (${String(error)}).`,
      error,
    );
  }
  const parsed = planFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw usageError(`The plan file ${file}: \`${where}\` ${issue?.message ?? 'is invalid'}.`);
  }
  const problems = checkGraph(parsed.data.tasks).map(formatGraphError);
  if (problems.length > 0) throw usageError(`The plan file ${file}: ${problems.join('; ')}.`);
  const goal = parsed.data.goal || parsed.data.tasks[0]?.title || 'Implement the plan';
  return { goal, tasks: parsed.data.tasks.map((task) => ({ ...task, dependsOn: [...task.dependsOn] })) };
}
