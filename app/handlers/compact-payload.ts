/**
 * Webhook payloads are mostly API URLs (`url`, `comments_url`, `followers_url` …) that autodev never
 * follows: it builds every request from owner, repository and number. Dropping them (and GraphQL node
 * ids) makes a stored delivery about a fifth of its size, which is what keeps recording it on the
 * webhook request path cheap. `html_url` stays: comments link to it.
 */
export function compactPayload(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactPayload);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'url' || key === 'node_id' || (key.endsWith('_url') && key !== 'html_url')) continue;
    out[key] = compactPayload(field);
  }
  return out;
}
