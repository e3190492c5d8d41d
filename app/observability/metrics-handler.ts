/**
 * `GET /metrics` on the app's own HTTP server (a Probot handler, see app/index.ts). Open by default, as
 * Prometheus endpoints usually are inside a cluster; with AUTODEV_METRICS_TOKEN set it answers only
 * requests that carry `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials }`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../core/logger.js';
import type { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export interface MetricsHandlerOptions {
  metrics: Metrics;
  /** Required bearer token; none leaves the endpoint open. */
  token?: string | undefined;
  log?: Log;
}

/** A Probot handler: true when it answered (the request was for /metrics). */
export function metricsHandler(
  options: MetricsHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const token = options.token?.trim() || undefined;
  return async (req, res) => {
    // Cheap enough for every request, webhooks included: no parsing beyond the path.
    const url = req.url ?? '';
    const path = url.split('?', 1)[0];
    if (path !== METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Use GET /metrics.\n');
      return true;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res
        .writeHead(401, {
          'content-type': 'text/plain',
          'www-authenticate': 'Bearer realm="autodev metrics"',
        })
        .end('Send the metrics token (AUTODEV_METRICS_TOKEN) as "Authorization: Bearer <token>".\n');
      return true;
    }
    try {
      const { contentType, body } = await options.metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      options.log?.error({ err: error }, 'could not collect metrics');
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end('Collecting metrics failed; see the app log.\n');
    }
    return true;
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A GitHub request function that reports each response's rate-limit headers (errors' too). */
export function meteredRequest<P extends unknown[], R>(
  request: (...args: P) => Promise<R>,
  metrics: Pick<Metrics, 'githubResponse'>,
): (...args: P) => Promise<R> {
  return async (...args) => {
    try {
      const response = await request(...args);
      metrics.githubResponse((response as { headers?: Record<string, unknown> }).headers);
      return response;
    } catch (error) {
      metrics.githubResponse(
        (error as { response?: { headers?: Record<string, unknown> } }).response?.headers,
      );
      throw error;
    }
  };
}
