/** The text autodev writes about its commands: the help comment, error replies, and canonical forms. */
import type { Command, CommandError, CommandName, ParseOptions } from './command.js';
import { COMMAND_NAMES, COMPLEXITIES, STRATEGIES } from './command.js';
import { codeSpan, instanceLimit, MAX_FIX_ATTEMPTS } from './parse-command.js';

interface CommandHelp {
  syntax: string;
  summary: string;
  /** A real command that parses; a function because `instances=` must stay within the repo's limit. */
  example: (maxInstances: number) => string;
}

// A Record over CommandName makes the compiler refuse a command that has no help entry.
const HELP: Record<CommandName, CommandHelp> = {
  'parallel-dev': {
    syntax: '/parallel-dev [feature="…"] [strategy=…] [instances=N] [complexity=…] [budget=DOLLARS]',
    summary: 'Plan this issue (or the `feature` text) into tasks and run them on parallel agents.',
    example: (max) => `/parallel-dev feature="Add login page" strategy=agile instances=${Math.min(3, max)}`,
  },
  'auto-fix': {
    syntax: '/auto-fix [attempts=N]',
    summary: 'Read the failing CI logs of this pull request, push a fix, and re-run the checks.',
    example: () => '/auto-fix attempts=3',
  },
  plan: {
    syntax: '/plan [feedback…]',
    summary: 'Plan again without running anything; the rest of the comment is feedback for the planner.',
    example: () => '/plan Split the API work into smaller tasks',
  },
  approve: {
    syntax: '/approve',
    summary: 'Start the agents on the plan that is waiting for approval.',
    example: () => '/approve',
  },
  status: {
    syntax: '/status',
    summary: 'Refresh the progress comment with the state of every task.',
    example: () => '/status',
  },
  cancel: {
    syntax: '/cancel',
    summary: 'Stop the run on this issue; finished branches are kept.',
    example: () => '/cancel',
  },
  retry: {
    syntax: '/retry <task-id>',
    summary: 'Run one failed task again; its id is in the progress comment.',
    example: () => '/retry t3',
  },
  remember: {
    syntax: '/remember [kind=convention|decision|architecture|pattern|dependency|learning] <text…>',
    summary: "Store a convention or decision in this repository's memory; plans and agents recall it.",
    example: () => '/remember Use the shared Form component for every settings page',
  },
  help: {
    syntax: '/help',
    summary: 'Show this list.',
    example: () => '/help',
  },
};

export function renderHelp(options: ParseOptions): string {
  const max = instanceLimit(options);
  const commands = COMMAND_NAMES.map((name) => {
    const help = HELP[name];
    return `- \`${help.syntax}\`  \n  ${help.summary}  \n  Example: \`${help.example(max)}\``;
  });
  return [
    '### autodev commands',
    '',
    'Write the command on the first line of a comment on an issue or pull request.',
    '',
    ...commands,
    '',
    '#### Values',
    '',
    `- \`strategy\`: ${STRATEGIES.join(', ')}`,
    `- \`complexity\`: ${COMPLEXITIES.join(', ')}`,
    `- \`instances\`: a whole number from 1 to ${max} (this repository's \`maxParallelAgents\`)`,
    '- `budget`: dollars for this run, e.g. `budget=5`; overrides the configured budget',
    `- \`attempts\`: a whole number from 1 to ${MAX_FIX_ATTEMPTS}`,
    '',
    'Quote a value that contains spaces: `feature="Add a login page"` or `feature=\'Add a login page\'`.',
    'Inside quotes, `\\"` is a literal quote. A quoted value may continue on the next lines;',
    'arguments end at the first line break outside quotes.',
  ].join('\n');
}

export function renderCommandError(error: CommandError, options: ParseOptions): string {
  switch (error.kind) {
    case 'unknown-command':
      return `${codeSpan(`/${error.command}`)} is not an autodev command.\n\n${renderHelp(options)}`;
    case 'unknown-key':
      return withUsage(
        error.command,
        options,
        `${codeSpan(`/${error.command}`)} has no option ${codeSpan(error.key)}. ` +
          `Valid options: ${error.validKeys.map((key) => `\`${key}\``).join(', ')}.`,
      );
    case 'invalid-value':
      return withUsage(
        error.command,
        options,
        `${codeSpan(error.value)} is not a valid ${codeSpan(error.key)} for ${codeSpan(`/${error.command}`)}: ` +
          `use ${error.expected}.`,
      );
    case 'missing-argument':
      return withUsage(
        error.command,
        options,
        `${codeSpan(`/${error.command}`)} needs ${codeSpan(`<${error.argument}>`)}.`,
      );
    case 'syntax':
      return withUsage(
        error.command,
        options,
        `Could not read ${codeSpan(`/${error.command}`)}: ${sentence(error.message)}`,
      );
  }
}

/** The canonical text of a command; `parseCommand(formatCommand(c))` gives `c` back. */
export function formatCommand(command: Command): string {
  switch (command.name) {
    case 'parallel-dev': {
      const args: string[] = [];
      if (command.feature !== undefined) args.push(`feature=${quoteIfNeeded(command.feature)}`);
      if (command.strategy !== undefined) args.push(`strategy=${command.strategy}`);
      if (command.instances !== undefined) args.push(`instances=${command.instances}`);
      if (command.complexity !== undefined) args.push(`complexity=${command.complexity}`);
      if (command.budget !== undefined) args.push(`budget=${command.budget}`);
      return ['/parallel-dev', ...args].join(' ');
    }
    case 'auto-fix':
      return command.attempts === undefined ? '/auto-fix' : `/auto-fix attempts=${command.attempts}`;
    case 'plan':
      return command.feedback === '' ? '/plan' : `/plan ${command.feedback}`;
    case 'retry':
      return `/retry ${command.taskId}`;
    case 'remember':
      return command.kind === 'convention' && !/^kind=/i.test(command.text)
        ? `/remember ${command.text}`
        : `/remember kind=${command.kind} ${command.text}`;
    case 'approve':
    case 'status':
    case 'cancel':
    case 'help':
      return `/${command.name}`;
  }
}

function withUsage(name: CommandName, options: ParseOptions, problem: string): string {
  const help = HELP[name];
  const example = help.example(instanceLimit(options));
  return [
    problem,
    '',
    example === help.syntax
      ? `Write just \`${example}\`.`
      : `Write it as \`${help.syntax}\`, for example \`${example}\`.`,
    'Comment `/help` for every command.',
  ].join('\n');
}

function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

/** Quotes only when the parser would otherwise split or misread the value. */
function quoteIfNeeded(value: string): string {
  if (value !== '' && !/\s/.test(value) && !value.startsWith('"') && !value.startsWith("'")) return value;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
