/**
 * nock set up strictly (CONVENTIONS #9): the network is off, a request no interceptor matches fails
 * the test, and so does an interceptor nobody used.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, expect } from '@jest/globals';
import nock from 'nock';

export interface StrictNock {
  /** Lets real connections through to one "host:port" (a closed local port, to see a refusal). */
  allowNetConnect(hostAndPort: string): void;
}

export function useStrictNock(): StrictNock {
  let unexpected: string[] = [];
  let allowed: string[] = [];
  const onNoMatch = (request: { method?: string; href?: string; path?: string; host?: string }): void => {
    const href = request.href ?? `${request.host ?? ''}${request.path ?? ''}`;
    // nock reports let-through requests as "no match" too.
    if (allowed.some((hostAndPort) => href.includes(`//${hostAndPort}/`))) return;
    unexpected.push(`${request.method ?? '?'} ${href}`);
  };

  beforeEach(() => {
    unexpected = [];
    allowed = [];
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });

  // nock patches node:http for the whole worker process: later test files in it get the real one back.
  afterAll(() => nock.restore());

  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.emitter.removeListener('no match', onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
    expect({ unexpected, pending }).toEqual({ unexpected: [], pending: [] });
  });

  return {
    allowNetConnect(hostAndPort) {
      allowed.push(hostAndPort);
      nock.enableNetConnect(hostAndPort);
    },
  };
}

/** Error codes along an error's cause chain, e.g. to tell a real ECONNREFUSED from nock's refusal. */
export function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error; typeof current === 'object' && current !== null;) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors)) codes.push(...errors.flatMap(causeCodes));
    current = cause;
  }
  return codes;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/models/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name)) as Record<string, unknown>;
}

/** A local port that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
