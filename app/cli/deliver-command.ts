/** `autodev deliver <event> <payload.json>`: sign a payload like GitHub does and POST it to the app. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { deliverWebhook } from '../../test/sandbox/deliver-webhook.js';

export async function deliverCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      id: { type: 'string' },
    },
  });
  const [eventArg, file] = positionals;
  if (!eventArg || !file || positionals.length > 2) {
    throw new Error('usage: autodev deliver <event-name> <payload.json> [--url URL] [--secret S] [--id ID]');
  }
  // "issue_comment.created" is accepted too: the action lives in the payload, the header names the event.
  const name = eventArg.split('.')[0] ?? eventArg;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `could not read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const port = process.env.PORT ?? '3000';
  const url = values.url ?? `http://127.0.0.1:${port}/api/github/webhooks`;
  const secret = values.secret ?? process.env.WEBHOOK_SECRET ?? 'development';
  const result = await deliverWebhook({
    url,
    secret,
    name,
    payload,
    ...(values.id ? { id: values.id } : {}),
  });
  const ok = result.status >= 200 && result.status < 300;
  process.stdout.write(
    `${ok ? 'delivered' : 'rejected'} ${name} ${result.id} → ${result.status} ${result.body.trim()}\n`,
  );
  return ok ? 0 : 1;
}
