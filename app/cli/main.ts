/** `autodev` command line: start the app, try it in the sandbox, deliver an event by hand, run locally. */
import { AUDIT_USAGE, auditCommand } from './audit-command.js';
import { deliverCommand } from './deliver-command.js';
import { MEMORY_USAGE, memoryCommand } from './memory-command.js';
import { RUN_USAGE, runCommand } from './run-command.js';
import { sandboxCommand } from './sandbox-command.js';
import { startCommand } from './start-command.js';
import { STATUS_USAGE, statusCommand } from './status-command.js';

const USAGE = `autodev — a GitHub-native autonomous development bot

Usage: autodev <command> [options]

Commands:
  start      Run the GitHub App server (Probot).
  sandbox    Start a local GitHub simulator and the app wired to it.
  deliver    Sign a webhook payload like GitHub and deliver it to the app.
  run        Run the whole pipeline on a local git repository (no GitHub needed).
  status     Runs, tasks, agents, tokens, cost and bottlenecks from the run store.
  memory     Search and add to what autodev remembers about a repository; onboarding summary.
  audit      Verify the hash chain of the audit trail.
  help       Show this text (also --help, -h). "autodev run --help" shows the run options alone.

autodev start
  Takes no options. With no APP_ID/PRIVATE_KEY it opens the App setup page on http://localhost:3000;
  with them (and WEBHOOK_SECRET) it serves webhooks.

autodev sandbox [--seed <file.json>] [--port <n>] [--github-port <n>]
  --seed <file.json>        Repositories, issues and people to start the simulator with
                            (default test/fixtures/sandbox/seed.json).
  --port <n>                Port of the app (default PORT, else 3000).
  --github-port <n>         Port of the GitHub simulator (default 3001).

autodev deliver <event> <payload.json> [--url <url>] [--secret <s>] [--id <id>]
  <event>                   Event name, e.g. issue_comment (issue_comment.created is accepted too).
  <payload.json>            The webhook payload.
  --url <url>               Where to deliver (default http://127.0.0.1:PORT/api/github/webhooks).
  --secret <s>              Webhook secret to sign with (default WEBHOOK_SECRET, else "development").
  --id <id>                 X-GitHub-Delivery id (default a new random UUID).

${RUN_USAGE}
${MEMORY_USAGE}
${AUDIT_USAGE}
${STATUS_USAGE}
Environment:
  APP_ID, PRIVATE_KEY | PRIVATE_KEY_PATH, WEBHOOK_SECRET   GitHub App credentials (Probot's names)
  PORT (3000), HOST                                         Where the server listens
  DATABASE_URL                                              Postgres for the run store (else PGlite)
  AUTODEV_DATA_DIR (.data/autodev)                          PGlite directory when no DATABASE_URL
  SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY                   Keep memory in Supabase (both or neither)
  AUTODEV_EMBEDDER (hashed)                                 Memory embedder: hashed, openai:<model>, ollama:<model>
  OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST …          Model keys for the planner and agents
  AUTODEV_AGENT_SCRIPT                                      JSON file of scripted agent attempts
                                                            (tests and demos; selects --backend scripted)
  NO_COLOR                                                  Plain text in the live view of autodev run
  AUTODEV_METRICS_TOKEN                                     Bearer token /metrics requires (else open)
  AUTODEV_DASHBOARD_TOKEN                                   Opens /dashboard (else off; sandbox makes one)
  LOG_LEVEL (info)                                          JSON log level of autodev start
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await startCommand(rest);
      case 'sandbox':
        return await sandboxCommand(rest);
      case 'deliver':
        return await deliverCommand(rest);
      case 'status':
        return await statusCommand(rest);
      case 'run':
        return await runCommand(rest);
      case 'memory':
        return await memoryCommand(rest);
      case 'audit':
        return await auditCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(rest[0] === 'run' ? RUN_USAGE : USAGE);
        return 0;
      default:
        process.stderr.write(`autodev: unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`autodev ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
