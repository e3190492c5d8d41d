/** Shared pieces of the agent tests: a task, a context around a workspace, scripted model answers. */
import { AIMessage } from '@langchain/core/messages';
import { loadPrompt, renderPrompt } from '../../app/prompts/prompt-library.js';
import type { AgentContext, AgentTask } from '../../app/agents/agent-backend.js';
import type { PromptSource } from '../../app/agents/agent-prompt.js';
import type { Workspace } from '../../app/workspace/workspace.js';

export const SECRET = 'sk-canary-0123456789';

export const task: AgentTask = {
  runId: 'run1',
  taskId: 'greet-name',
  issueNumber: 12,
  repository: 'octo/app',
  title: 'Greet by name',
  role: 'coder',
  description: 'Make greet() in src/greet.js say "Hello, <name>!".',
  acceptance: ['greet("Ada") returns "Hello, Ada!"'],
  files: ['src/greet.js'],
  goal: 'Friendlier greetings.',
  validationGates: ['node test.js'],
};

/** The built-in templates, as production loads them. */
export const prompts: PromptSource = { load: (name) => loadPrompt(name), render: renderPrompt };

export function contextFor(workspace: Workspace, overrides: Partial<AgentContext> = {}): AgentContext {
  return {
    task,
    workspace,
    conventions: '# AGENTS.md\n\nRun `node test.js` before finishing.',
    repoMap: 'src/greet.js: greet\ntest.js',
    memory: [],
    limits: { maxTurns: 20, maxTokens: 1_000_000, maxDollars: 5, maxWallMs: 20_000 },
    secrets: [SECRET],
    ...overrides,
  };
}

let nextId = 0;

/** An answer calling one tool, with reported usage so budgets move predictably (120 tokens). */
export function callTool(
  name: string,
  args: Record<string, unknown>,
  usage = { input: 100, output: 20 },
): AIMessage {
  nextId++;
  return new AIMessage({
    content: '',
    tool_calls: [{ name, args, id: `call_${nextId}`, type: 'tool_call' }],
    usage_metadata: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      total_tokens: usage.input + usage.output,
    },
  });
}

export function say(text: string): AIMessage {
  return new AIMessage({
    content: text,
    usage_metadata: { input_tokens: 100, output_tokens: 20, total_tokens: 120 },
  });
}

export const GREET_JS = "export function greet(name) {\n  return 'Hello';\n}\n";
export const TEST_JS = [
  "import { greet } from './src/greet.js';",
  "if (greet('Ada') !== 'Hello, Ada!') { console.log('FAIL: ' + greet('Ada')); process.exit(1); }",
  "console.log('PASS');",
  '',
].join('\n');
export const PACKAGE_JSON = JSON.stringify({ type: 'module' });
