/**
 * The built-in agent: a LangChain chat model with tools over the Workspace, called in a loop until it
 * calls `finish`, gives up, or hits a limit. Every model call goes through invokeMetered, so the run's
 * budget refuses a call before it is made; the task's own limits (turns, tokens, dollars, wall time)
 * stop the loop with status 'limit' and say which.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { invokeMetered } from '../models/invoke-metered.js';
import type { ModelUsage } from '../models/invoke-metered.js';
import type { ModelChoice } from '../models/model-choice.js';
import type { PriceTable } from '../models/price-table.js';
import { BudgetExceededError, RunBudget } from '../models/run-budget.js';
import type { Spent } from '../models/run-budget.js';
import type { AgentBackend, AgentContext, AgentOutcome } from './agent-backend.js';
import { AgentError } from './agent-error.js';
import { buildAgentPrompt } from './agent-prompt.js';
import type { PromptSource } from './agent-prompt.js';
import { createAgentTools } from './agent-tools.js';
import { redactSecrets } from '../workspace/redact.js';
import { clipMiddle, formatDuration } from './text-format.js';

export interface ToolLoopOptions {
  /** From the ModelRegistry for the task's role; fakeModel() in tests. */
  model: BaseChatModel;
  choice: ModelChoice;
  /** The run's budget: shared by every agent of the run, checked before each call. */
  budget: RunBudget;
  prices: PriceTable;
  prompts: PromptSource;
  /** For error messages that name provider variables; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  onUsage?(usage: ModelUsage): void;
  maxToolOutputChars?: number;
}

/**
 * Sent when the model answers without a tool call: some models stop to "ask" the user, and there is no
 * one to answer. A second such answer in a row ends the loop as 'gave-up'.
 */
const NUDGE =
  'Nobody will answer questions here. Continue the task with your tools, and call `finish` with your ' +
  'summary when you are done or cannot go on.';
const OPENING = 'Start the task.';
const SUMMARY_CHARS = 8_000;

type Stop = Pick<AgentOutcome, 'status' | 'summary' | 'limit'>;

export class ToolLoopBackend implements AgentBackend {
  readonly name = 'builtin';

  constructor(private readonly options: ToolLoopOptions) {}

  async run(context: AgentContext): Promise<AgentOutcome> {
    const { choice } = this.options;
    const label = `langchain:${choice.provider}/${choice.model}`;
    const budget = new TaskBudget(
      { tokens: context.limits.maxTokens, dollars: context.limits.maxDollars },
      this.options.budget,
    );
    const wall = wallClock(context.limits.maxWallMs, context.signal);
    const progress = { turns: 0 };
    try {
      const stop = await this.loop(context, budget, wall, progress);
      return {
        ...stop,
        summary: clipMiddle(redactSecrets(stop.summary, context.secrets), SUMMARY_CHARS),
        tokens: budget.spent().tokens,
        costUsd: budget.spent().costUsd,
        turns: progress.turns,
        backend: label,
      };
    } finally {
      wall.dispose();
    }
  }

  private async loop(
    context: AgentContext,
    budget: TaskBudget,
    wall: WallClock,
    progress: { turns: number },
  ): Promise<Stop> {
    const { model, choice, prices, env, onUsage } = this.options;
    const prompt = await buildAgentPrompt(context, this.options.prompts);
    let finished: string | undefined;
    const tools = createAgentTools(context.workspace, {
      secrets: context.secrets,
      ...(this.options.maxToolOutputChars ? { maxOutputChars: this.options.maxToolOutputChars } : {}),
      onFinish: (summary) => (finished ??= summary),
    });
    if (!model.bindTools) {
      throw new AgentError(
        'misconfigured',
        `${choice.provider}/${choice.model} cannot call tools in LangChain, which the builtin backend needs: ` +
          `choose a tool-calling model for ${choice.configKey ?? 'this role'}, or another agent backend.`,
      );
    }
    // The binding is the model with tools attached; invokeMetered only calls invoke() on it. The signal
    // lets providers cancel the HTTP request when the wall-time limit strikes.
    const bound = model.bindTools(tools).withConfig({ signal: wall.signal }) as unknown as BaseChatModel;
    const byName = new Map(tools.map((t) => [t.name, t]));
    const messages: BaseMessage[] = [
      new SystemMessage(prompt.system),
      new HumanMessage(
        prompt.repoMap ? `${OPENING}\n\nFiles and exported symbols:\n\n${prompt.repoMap}` : OPENING,
      ),
    ];
    let silent = 0;

    for (;;) {
      if (wall.expired()) return wall.stop();
      if (progress.turns >= context.limits.maxTurns) {
        return {
          status: 'limit',
          limit: 'turns',
          summary: `Stopped after ${context.limits.maxTurns} turns without finishing.`,
        };
      }
      let reply: AIMessage;
      try {
        const call = invokeMetered(bound, messages, {
          choice,
          budget,
          prices,
          ...(env ? { env } : {}),
          ...(onUsage ? { onUsage } : {}),
        });
        reply = await wall.race(call);
      } catch (error) {
        if (wall.expired()) return wall.stop();
        if (error instanceof BudgetExceededError) return budget.describe(error);
        return { status: 'error', summary: error instanceof Error ? error.message : String(error) };
      }
      progress.turns++;
      messages.push(reply);
      const calls = reply.tool_calls ?? [];
      const malformed = reply.invalid_tool_calls ?? [];
      if (calls.length === 0 && malformed.length > 0) {
        // Unparseable arguments are a slip, not giving up: say what failed so the next call is valid.
        const problems = malformed.map(
          (c) => `${c.name ?? 'a tool'}: ${c.error ?? 'arguments are not valid JSON'}`,
        );
        messages.push(
          new HumanMessage(
            `Your tool call could not be read (${problems.join('; ')}). Call it again with valid arguments.`,
          ),
        );
        continue;
      }
      if (calls.length === 0) {
        if (++silent >= 2) return { status: 'gave-up', summary: reply.text || '(the model gave no answer)' };
        messages.push(new HumanMessage(NUDGE));
        continue;
      }
      silent = 0;
      for (const call of calls) {
        const content = await wall
          .race(runTool(byName.get(call.name), call))
          .catch(() => 'Stopped: out of time.');
        messages.push(new ToolMessage({ content, tool_call_id: call.id ?? call.name, name: call.name }));
        if (wall.expired()) return wall.stop();
      }
      if (finished !== undefined) return { status: 'finished', summary: finished };
    }
  }
}

async function runTool(
  target: StructuredToolInterface | undefined,
  call: { name: string; args: Record<string, unknown> },
): Promise<string> {
  if (!target) return `Error: there is no tool named "${call.name}".`;
  try {
    const output: unknown = await target.invoke(call.args);
    return typeof output === 'string' ? output : JSON.stringify(output);
  } catch (error) {
    // Arguments that do not match the schema land here; the model can fix them on the next turn.
    return `Error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The task's own token and dollar limits layered over the run's budget: a call must fit both, and what
 * it uses counts in both, so one agent cannot spend the whole run's budget.
 */
class TaskBudget extends RunBudget {
  constructor(
    limits: { tokens: number; dollars: number },
    private readonly run: RunBudget,
  ) {
    super(limits);
  }

  override ensureRoom(estimate: Spent, call?: string): void {
    this.run.ensureRoom(estimate, call);
    super.ensureRoom(estimate, call);
  }

  override record(usage: Spent): void {
    super.record(usage);
    this.run.record(usage);
  }

  describe(error: BudgetExceededError): Stop {
    const limit = error.limit;
    if (error.limits !== this.limits) return { status: 'limit', limit, summary: error.message };
    const spent = this.spent();
    const amount =
      limit === 'tokens'
        ? `${spent.tokens} of its ${this.limits.tokens} tokens`
        : `$${spent.costUsd.toFixed(4)} of its $${this.limits.dollars} limit`;
    return {
      status: 'limit',
      limit,
      summary: `Stopped before the next model call: the task has used ${amount}, and the call could exceed it.`,
    };
  }
}

interface WallClock {
  signal: AbortSignal;
  expired(): boolean;
  stop(): Stop;
  /** Settles with `promise`, or rejects as soon as the time is up. */
  race<T>(promise: Promise<T>): Promise<T>;
  dispose(): void;
}

function wallClock(maxMs: number, outer: AbortSignal | undefined): WallClock {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('wall-time limit')), maxMs);
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  if (outer?.aborted) onOuter();
  const expiredPromise = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('wall-time limit')), { once: true });
  });
  // The race loser must not surface as an unhandled rejection.
  expiredPromise.catch(() => undefined);
  return {
    signal: controller.signal,
    expired: () => controller.signal.aborted,
    stop: () => ({
      status: 'limit',
      limit: 'wall-time',
      summary: outer?.aborted
        ? 'Stopped: the agent job was cancelled.'
        : `Stopped: the task's wall-time limit of ${formatDuration(maxMs)} was reached.`,
    }),
    race: (promise) => Promise.race([promise, expiredPromise]),
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
