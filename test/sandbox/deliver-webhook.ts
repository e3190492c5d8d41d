/**
 * Webhook deliveries the way GitHub sends them (headers, HMAC signature), and real example payloads from
 * @octokit/webhooks-examples retargeted at a sandbox repository.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface DeliveryResult {
  status: number;
  body: string;
  id: string;
}

export interface ExamplePatch {
  /** Rewrites repository name, full_name, owner and every URL naming the example's repository. */
  repository?: { owner: string; name: string };
  /** Sets `installation` to `{ id, node_id }` as GitHub does for App deliveries. */
  installationId?: number;
  sender?: { login: string; type?: 'User' | 'Bot' };
  /** Deep-merged last: objects merge key by key, arrays and scalars replace. */
  set?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** `sha256=<hex HMAC of the body>`, the X-Hub-Signature-256 header. */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function deliverWebhook(options: {
  url: string;
  secret: string;
  name: string;
  payload: unknown;
  id?: string;
}): Promise<DeliveryResult> {
  const id = options.id ?? randomUUID();
  const body = JSON.stringify(options.payload);
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sandbox',
      'x-github-event': options.name,
      'x-github-delivery': id,
      'x-hub-signature-256': signPayload(options.secret, body),
      // GitHub still sends the legacy SHA-1 signature next to the SHA-256 one.
      'x-hub-signature': `sha1=${createHmac('sha1', options.secret).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: await response.text(), id };
}

// 3 MB of examples, read once per process on first use.
let examples: Map<string, unknown[]> | undefined;

/** Deep copies of the example payloads for an event (e.g. 'issue_comment'); [] for an unknown event. */
export function webhookExamples(name: string): unknown[] {
  if (!examples) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
    const index = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: unknown[] }[];
    examples = new Map(index.map((entry) => [entry.name, entry.examples]));
  }
  return structuredClone(examples.get(name) ?? []);
}

/**
 * One example for `name`/`action` (preferring one that carries `installation`, as App deliveries do),
 * retargeted by `patch`. Throws when the examples have no such action.
 */
export function examplePayload(name: string, action: string | undefined, patch: ExamplePatch = {}): Json {
  const candidates = webhookExamples(name).filter(
    (example): example is Json => isObject(example) && example.action === action,
  );
  const payload = candidates.find((example) => 'installation' in example) ?? candidates[0];
  if (!payload) {
    const actions = [...new Set(webhookExamples(name).map((example) => (example as Json).action))];
    throw new Error(
      `no ${name} example with action ${String(action)} (examples have: ${actions.join(', ')})`,
    );
  }
  let result = payload;
  if (patch.repository) result = retargetRepository(result, patch.repository);
  if (patch.installationId !== undefined) {
    const id = patch.installationId;
    result.installation = { id, node_id: Buffer.from(`Installation:${id}`).toString('base64') };
  }
  if (patch.sender) result.sender = retargetAccount(result.sender, patch.sender.login, patch.sender.type);
  return patch.set ? (deepMerge(result, patch.set) as Json) : result;
}

function retargetRepository(payload: Json, target: { owner: string; name: string }): Json {
  const repository = isObject(payload.repository) ? payload.repository : undefined;
  if (!repository || typeof repository.full_name !== 'string') return payload;
  const fullName = `${target.owner}/${target.name}`;
  const rewritten = replaceInStrings(payload, repository.full_name, fullName) as Json;
  const repo = rewritten.repository as Json;
  repo.name = target.name;
  repo.full_name = fullName;
  repo.owner = retargetAccount(repo.owner, target.owner);
  return rewritten;
}

function retargetAccount(account: unknown, login: string, type?: 'User' | 'Bot'): Json {
  const original = isObject(account) ? account : {};
  const renamed: Json = {};
  // Only whole URL path segments: a short login must not rewrite the middle of a host name.
  const from =
    typeof original.login === 'string' ? original.login.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined;
  const segment = from ? new RegExp(`/${from}(?=[/{?]|$)`, 'g') : undefined;
  for (const [key, value] of Object.entries(original)) {
    renamed[key] =
      segment && typeof value === 'string' ? value.replace(segment, `/${encodeURIComponent(login)}`) : value;
  }
  return { ...renamed, login, ...(type ? { type } : {}) };
}

/** Replaces `from` with `to` in every string inside `value` (URLs embed owner/repo names). */
function replaceInStrings(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, from, to));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, from, to)]),
    );
  }
  return value;
}

function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isObject(base) || !isObject(overlay)) return structuredClone(overlay);
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
