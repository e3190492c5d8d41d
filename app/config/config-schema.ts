/**
 * The repository configuration, `.github/autodev.yml`, as a zod schema. Every key has a default, so
 * an absent file means "all defaults". The JSON Schema for editors is generated from this
 * (`npm run schema` → app/config/autodev.schema.json).
 */
import { z } from 'zod';
import { PERMISSION_LEVELS } from '../scm/scm.js';

export const PROVIDERS = ['openai', 'anthropic', 'ollama', 'openai-compatible', 'scripted'] as const;

/** Agent backends a task can be handed to after its retries (the registry's names, without `scripted`). */
export const REASSIGN_BACKENDS = ['claude', 'codex', 'aider', 'builtin'] as const;

const modelChoice = z
  .object({
    provider: z.enum(PROVIDERS).describe('Model provider.'),
    model: z.string().min(1).describe('Model name as the provider knows it, e.g. gpt-4o-mini.'),
    baseUrl: z.url().optional().describe('Endpoint for openai-compatible or a non-default Ollama host.'),
  })
  .strict();

export const autodevConfigSchema = z
  .object({
    label: z
      .string()
      .min(1)
      .max(50)
      .default('autodev')
      .describe('An issue opened or labelled with this label starts a run on its body.'),
    minPermission: z
      .enum(PERMISSION_LEVELS.filter((p) => p !== 'none') as ['read', 'triage', 'write', 'maintain', 'admin'])
      .default('write')
      .describe('Lowest repository permission a person needs to trigger autodev.'),
    onUnauthorized: z
      .enum(['reply', 'silent'])
      .default('reply')
      .describe('What to do when someone without permission asks: a short refusal reply, or nothing.'),
    allowedBots: z
      .array(z.string().min(1))
      .default([])
      .describe('Bot logins (e.g. "renovate[bot]") whose commands are obeyed; other bots are ignored.'),
    maxParallelAgents: z
      .int()
      .min(1)
      .max(256)
      .default(4)
      .describe('Most agents run at once; also the upper bound of `instances=`.'),
    requireApproval: z
      .boolean()
      .default(false)
      .describe('When true, a plan waits for `/approve` before any agent runs.'),
    models: z
      .object({
        default: modelChoice.default({ provider: 'openai', model: 'gpt-4o-mini' }),
        planner: modelChoice.optional(),
        coder: modelChoice.optional(),
        tester: modelChoice.optional(),
        reviewer: modelChoice.optional(),
        docs: modelChoice.optional(),
        integrator: modelChoice.optional(),
      })
      .strict()
      .default({ default: { provider: 'openai', model: 'gpt-4o-mini' } })
      .describe('Provider and model per agent role; roles without an entry use `default`.'),
    budget: z
      .object({
        tokens: z.int().positive().default(2_000_000).describe('Most tokens one run may spend.'),
        dollars: z.number().positive().default(10).describe('Most US dollars one run may spend.'),
      })
      .strict()
      .default({ tokens: 2_000_000, dollars: 10 })
      .describe('Spending limits per run.'),
    prices: z
      .record(
        z.string().min(1),
        z
          .object({
            input: z.number().nonnegative().describe('US dollars per million input tokens.'),
            output: z.number().nonnegative().describe('US dollars per million output tokens.'),
          })
          .strict(),
      )
      .default({})
      .describe(
        'Prices per model name (e.g. "gpt-4o-mini"), overriding the built-in table; used for cost and budgets.',
      ),
    planning: z
      .object({
        maxAttempts: z
          .int()
          .min(1)
          .max(10)
          .default(3)
          .describe('Times the planner may answer before an invalid plan fails the run.'),
      })
      .strict()
      .default({ maxAttempts: 3 })
      .describe('How plans are made.'),
    dispatch: z
      .object({
        workflow: z
          .string()
          .min(1)
          .default('autodev-agents.yml')
          .describe('Workflow file (in .github/workflows/) that runs one agent job per task.'),
        ref: z
          .string()
          .min(1)
          .optional()
          .describe('Branch or tag to run that workflow from; defaults to the default branch.'),
      })
      .strict()
      .default({ workflow: 'autodev-agents.yml' })
      .describe('How agent jobs are started on GitHub Actions.'),
    retries: z
      .object({
        attempts: z
          .int()
          .min(0)
          .max(10)
          .default(2)
          .describe('Times a failed task is dispatched again before it is reassigned or the run fails.'),
        backoffSeconds: z
          .int()
          .min(0)
          .max(86_400)
          .default(60)
          .describe('Wait before the first retry; each further retry waits twice as long.'),
        reassignTo: z
          .enum(REASSIGN_BACKENDS)
          .optional()
          .describe('Agent backend a task gets one last attempt on once its retries are used up.'),
      })
      .strict()
      .default({ attempts: 2, backoffSeconds: 60 })
      .describe('How failed tasks are retried.'),
    jobTimeoutMinutes: z
      .int()
      .min(1)
      .max(1440)
      .default(90)
      .describe('A wave whose workflow run has not reported back after this long has its tasks failed.'),
    setup: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Command run in every fresh worktree before the agent and the gates, e.g. "npm ci": worktrees share no installed dependencies. Its program must be in allowedCommands.',
      ),
    gates: z
      .object({
        test: z.string().min(1).optional().describe('Command that runs the tests, e.g. "npm test".'),
        lint: z.string().min(1).optional().describe('Command that runs the linter.'),
        typecheck: z.string().min(1).optional().describe('Command that runs the type checker.'),
      })
      .strict()
      .default({})
      .describe('Validation gates every agent result must pass.'),
    allowedCommands: z
      .array(z.string().min(1))
      .default(['npm', 'npx', 'node', 'git', 'yarn', 'pnpm', 'tsc', 'jest', 'eslint', 'prettier'])
      .describe(
        'Executables agents may run (matched on the program name; arguments are never shell-parsed).',
      ),
    protectedPaths: z
      .array(z.string().min(1))
      .default([])
      .describe('Glob patterns agents may not write, in addition to .git/ and (unless allowed) workflows.'),
    allowWorkflowEdits: z
      .boolean()
      .default(false)
      .describe(
        'Let agents change .github/workflows/. Needs the App\'s "workflows: write" permission as well.',
      ),
  })
  .strict();

export type AutodevConfig = z.infer<typeof autodevConfigSchema>;
/** The file as a user writes it: every key optional. */
export type AutodevConfigInput = z.input<typeof autodevConfigSchema>;

export function defaultConfig(): AutodevConfig {
  return autodevConfigSchema.parse({});
}
