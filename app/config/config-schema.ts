/**
 * The repository configuration, `.github/autodev.yml`, as a zod schema. Every key has a default, so
 * an absent file means "all defaults". The JSON Schema for editors is generated from this
 * (`npm run schema` → app/config/autodev.schema.json).
 */
import { z } from 'zod';
import { HEALER_NAMES } from '../heal/healer-names.js';
import { DEFAULT_NOTIFY_EVENTS, ENV_URL_PATTERN, NOTIFY_EVENTS } from '../observability/notify-events.js';
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
    learning: z
      .object({
        backends: z
          .array(z.enum(REASSIGN_BACKENDS))
          .max(8)
          .default([])
          .describe(
            'Agent backends autodev chooses between for each task by what worked before here (Thompson ' +
              'sampling over recorded outcomes per kind of task). Fewer than two: no choice is made.',
          ),
      })
      .strict()
      .default({ backends: [] })
      .describe('Learning from recorded outcomes.'),
    competition: z
      .object({
        contenders: z
          .array(
            z
              .object({
                backend: z.enum(REASSIGN_BACKENDS).describe('Agent backend of this contender.'),
                model: modelChoice.optional().describe("Model for this contender instead of the role's."),
              })
              .strict(),
          )
          .max(16)
          .default([])
          .describe(
            'Who attempts a task planned with more than one candidate (best-of-N): candidate n uses ' +
              'entry n, wrapping round. Empty: every candidate uses the usual backend and model.',
          ),
      })
      .strict()
      .default({ contenders: [] })
      .describe('Best-of-N: the contenders for tasks the plan runs as several competing candidates.'),
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
    autoFix: z
      .object({
        attempts: z
          .int()
          .min(1)
          .max(10)
          .default(3)
          .describe('Most fix attempts (one healer or one agent run each) before `/auto-fix` gives up.'),
        updateSnapshots: z
          .boolean()
          .default(false)
          .describe(
            'Let `/auto-fix` update failing test snapshots (jest -u). Off by default: a changed snapshot may be the bug.',
          ),
        healers: z
          .array(z.enum(HEALER_NAMES))
          .default([...HEALER_NAMES])
          .describe('Deterministic healers `/auto-fix` tries before an agent, by name.'),
      })
      .strict()
      .default({ attempts: 3, updateSnapshots: false, healers: [...HEALER_NAMES] })
      .describe('How `/auto-fix` repairs failing CI.'),
    onFailure: z
      .object({
        openIssue: z
          .boolean()
          .default(true)
          .describe(
            'Open one issue per distinct failure of a workflow on the default branch; a recurrence comments on it.',
          ),
        label: z
          .string()
          .min(1)
          .max(50)
          .default('autodev:ci-failure')
          .describe('Label of those failure issues (the failure class is added as a second label).'),
        autoFix: z
          .boolean()
          .default(false)
          .describe(
            'Start `/auto-fix` on its own for a new failure on the default branch (it opens a fix PR).',
          ),
      })
      .strict()
      .default({ openIssue: true, label: 'autodev:ci-failure', autoFix: false })
      .describe('What autodev does when CI fails on the default branch.'),
    notifications: z
      .array(
        z
          .object({
            url: z
              .string()
              .refine((url) => ENV_URL_PATTERN.test(url) || /^https:\/\/[^\s]+$/.test(url), {
                message:
                  "must be an https:// URL, or env:NAME to read it from the app's environment " +
                  '(NAME must contain WEBHOOK, e.g. env:SLACK_WEBHOOK_URL)',
              })
              .describe(
                'Incoming-webhook URL (Slack, Mattermost, Discord /slack, or any endpoint taking {text, blocks}); ' +
                  "env:NAME reads it from the app's environment so the secret stays out of the repository.",
              ),
            events: z
              .array(z.enum(NOTIFY_EVENTS))
              .min(1)
              .default([...DEFAULT_NOTIFY_EVENTS])
              .describe('What to post about.'),
            cooldownMinutes: z
              .int()
              .min(0)
              .max(1440)
              .default(30)
              .describe('The same run and event, or the same failure, is posted at most once in this time.'),
          })
          .strict(),
      )
      .max(10)
      .default([])
      .describe('Webhooks told when runs end, tasks fail or a run reaches its budget.'),
  })
  .strict();

export type AutodevConfig = z.infer<typeof autodevConfigSchema>;
/** The file as a user writes it: every key optional. */
export type AutodevConfigInput = z.input<typeof autodevConfigSchema>;

export function defaultConfig(): AutodevConfig {
  return autodevConfigSchema.parse({});
}
