/** `autodev` command line: start the app, try it in the sandbox, deliver an event by hand. */
import { deliverCommand } from './deliver-command.js';
import { sandboxCommand } from './sandbox-command.js';
import { startCommand } from './start-command.js';

const USAGE = `autodev — a GitHub-native autonomous development bot

Usage:
  autodev start                         Run the GitHub App server (Probot). With no APP_ID/PRIVATE_KEY,
                                        opens the App setup page on http://localhost:3000.
  autodev sandbox [--seed file.json]    Start a local GitHub simulator and the app wired to it.
  autodev deliver <event> <payload.json> [--url URL] [--secret S] [--id ID]
                                        Sign a webhook payload like GitHub and deliver it to the app.
  autodev help                          Show this text.

Environment:
  APP_ID, PRIVATE_KEY | PRIVATE_KEY_PATH, WEBHOOK_SECRET   GitHub App credentials (Probot's names)
  PORT (3000), HOST                                         Where the server listens
  DATABASE_URL                                              Postgres for the run store (else PGlite)
  AUTODEV_DATA_DIR (.data/autodev)                          PGlite directory when no DATABASE_URL
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
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
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
