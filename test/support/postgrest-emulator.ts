/**
 * A PostgREST emulator for testing autodev's Supabase backend: an HTTP server on 127.0.0.1 that answers
 * the subset of Supabase's REST API supabase-js sends (`/rest/v1/<table>` reads, inserts, updates and
 * deletes with filters; `/rest/v1/rpc/<fn>` calls with named arguments) by running SQL on a PGlite with
 * pgvector and the project's migrations. Like Supabase it checks the `apikey` header (gateway errors),
 * the `Authorization: Bearer` key (PostgREST's JWT errors), JSON bodies and the exposed schema; requests
 * run in one transaction as the key's role (`service_role` or `anon`), so grants and row level security
 * apply; errors come back in PostgREST's `{ code, details, hint, message }` shape with its status codes.
 * Every exchange is recorded, keys replaced by the role they stand for, for tests to assert on.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { migrate } from '../../app/store/migrate.js';
import { pgliteClient } from '../../app/store/sql-client.js';
import { PostgrestError } from './postgrest-query.js';
import { callFunction } from './postgrest-rpc.js';
import { deleteRows, insertRows, selectRows, updateRows } from './postgrest-tables.js';

export interface RecordedExchange {
  method: string;
  /** e.g. `/rest/v1/autodev_memories`, `/rest/v1/rpc/match_memories`. */
  path: string;
  /** Query parameters in order, repeated names kept (`[['repo', 'eq.acme/app'], …]`). */
  query: [string, string][];
  /** Lower-case names; `apikey` and `authorization` show the role of the key, never the key. */
  headers: Record<string, string>;
  /** The parsed JSON body, the raw text when it is not JSON, undefined without one. */
  body: unknown;
  status: number;
  /** The parsed JSON response, undefined when empty. */
  response: unknown;
}

export interface PostgrestEmulator {
  /** What SUPABASE_URL would be: the REST API lives under `${url}/rest/v1`. */
  url: string;
  /** A JWT-shaped key with role service_role, as Supabase's legacy service key is. */
  serviceKey: string;
  /** A JWT-shaped key with role anon. */
  anonKey: string;
  db: PGlite;
  /** Every request so far, oldest first. */
  readonly exchanges: readonly RecordedExchange[];
  clearExchanges(): void;
  stop(): Promise<void>;
}

export interface PostgrestEmulatorOptions {
  /** An existing database (its migrations are still applied); a fresh in-memory PGlite otherwise. */
  db?: PGlite;
  /** Apply supabase/migrations (default true); false serves a database that never had `supabase db push`. */
  migrate?: boolean;
}

/** The role a request runs as, from its key. */
type Role = 'service_role' | 'anon';

/** The Supabase gateway's answers about the apikey (not PostgREST's shape: no code). */
const NO_API_KEY = {
  message: 'No API key found in request',
  hint: 'No `apikey` request header or url param was found.',
};
const INVALID_API_KEY = {
  message: 'Invalid API key',
  hint: 'Double check your Supabase `anon` or `service_role` API key.',
};

export async function startPostgrestEmulator(
  options: PostgrestEmulatorOptions = {},
): Promise<PostgrestEmulator> {
  const db = options.db ?? (await PGlite.create({ extensions: { vector } }));
  await createApiRoles(db);
  if (options.migrate !== false) await migrate(pgliteClient(db));

  const serviceKey = fakeJwt('service_role');
  const anonKey = fakeJwt('anon');
  const roles = new Map<string, Role>([
    [serviceKey, 'service_role'],
    [anonKey, 'anon'],
  ]);
  const exchanges: RecordedExchange[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const record: RecordedExchange = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: [...url.searchParams],
      headers: redactHeaders(req.headers, roles),
      body: text === '' ? undefined : parseJsonOrText(text),
      status: 0,
      response: undefined,
    };
    const reply = await answer(req, url, text);
    record.status = reply.status;
    record.response = reply.body;
    exchanges.push(record);
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  async function answer(req: IncomingMessage, url: URL, text: string): Promise<Reply> {
    const prefix = '/rest/v1/';
    if (!url.pathname.startsWith(prefix)) {
      return { status: 404, body: { message: 'no Route matched with those values' } };
    }
    const apikey = header(req, 'apikey') ?? url.searchParams.get('apikey') ?? undefined;
    if (apikey === undefined) return { status: 401, body: NO_API_KEY };
    if (!roles.has(apikey)) return { status: 401, body: INVALID_API_KEY };
    let role: Role | undefined;
    try {
      role = authorize(header(req, 'authorization'), roles);
      checkSchema(req);
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : parseBody(req, text);
      const resource = decodeURIComponent(url.pathname.slice(prefix.length));
      const request: ApiRequest = {
        method,
        search: url.searchParams,
        prefer: header(req, 'prefer'),
        accept: header(req, 'accept'),
        body,
      };
      const claims = { role };
      return await db.transaction(async (tx) => {
        await tx.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
          claims.role,
          JSON.stringify(claims),
        ]);
        return route(tx, resource, request);
      });
    } catch (error) {
      return errorReply(error, role !== undefined && role !== 'anon');
    }
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    serviceKey,
    anonKey,
    db,
    exchanges,
    clearExchanges: () => void exchanges.splice(0),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      if (!options.db) await db.close();
    },
  };
}

export interface ApiRequest {
  method: string;
  search: URLSearchParams;
  prefer: string | undefined;
  accept: string | undefined;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function route(tx: Transaction, resource: string, request: ApiRequest): Promise<Reply> {
  if (resource.startsWith('rpc/')) {
    if (request.method !== 'POST' && request.method !== 'GET') {
      throw new PostgrestError(405, 'PGRST101', 'Only GET and POST verbs are allowed for functions');
    }
    if (request.method === 'GET') {
      throw new PostgrestError(
        405,
        'PGRST117',
        'Unsupported HTTP method: GET',
        'the emulator calls functions with POST only',
      );
    }
    return callFunction(tx, resource.slice(4), request);
  }
  switch (request.method) {
    case 'GET':
      return selectRows(tx, resource, request);
    case 'POST':
      return insertRows(tx, resource, request);
    case 'PATCH':
      return updateRows(tx, resource, request);
    case 'DELETE':
      return deleteRows(tx, resource, request);
    default:
      throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${request.method}`);
  }
}

/**
 * The roles Supabase gives its API keys, created before the migrations so the migrations' own grants
 * and policies apply to them: service_role bypasses row level security, anon gets table privileges by
 * default (as on Supabase) but no policies, so it reads nothing and cannot write.
 */
async function createApiRoles(db: PGlite): Promise<void> {
  await db.exec(`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'service_role') then
        create role service_role nologin bypassrls;
      end if;
      if not exists (select 1 from pg_roles where rolname = 'anon') then
        create role anon nologin;
      end if;
    end $$;
    grant usage on schema public to service_role, anon;
    alter default privileges in schema public grant select, insert, update, delete on tables to anon;
    grant select, insert, update, delete on all tables in schema public to anon;
  `);
}

/** `header.payload.signature` with a role claim, like Supabase's legacy API keys; never verified. */
function fakeJwt(role: Role): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'supabase', ref: 'emulator', role })}.${nonce}`;
}

function authorize(authorization: string | undefined, roles: Map<string, Role>): Role {
  if (authorization === undefined) {
    throw new PostgrestError(401, 'PGRST302', 'Anonymous access is disabled');
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  const role = match?.[1] ? roles.get(match[1]) : undefined;
  if (!role) throw new PostgrestError(401, 'PGRST301', 'JWSError JWSInvalidSignature');
  return role;
}

/** supabase-js names the schema in Accept-Profile (reads) or Content-Profile (writes). */
function checkSchema(req: IncomingMessage): void {
  const schema = header(req, 'accept-profile') ?? header(req, 'content-profile');
  if (schema !== undefined && schema !== 'public') {
    throw new PostgrestError(
      406,
      'PGRST106',
      `Invalid schema: ${schema}`,
      null,
      'Only the following schemas are exposed: public',
    );
  }
}

function parseBody(req: IncomingMessage, text: string): unknown {
  const type = header(req, 'content-type');
  if (text === '') return undefined;
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new PostgrestError(415, 'PGRST107', `Content-Type not acceptable: ${type ?? '(none)'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

function errorReply(error: unknown, authenticated: boolean): Reply {
  if (error instanceof PostgrestError) return { status: error.status, body: error.toJSON() };
  const pg = error as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  if (typeof pg.code === 'string' && typeof pg.message === 'string') {
    return {
      status: statusOfSqlState(pg.code, authenticated),
      body: {
        code: pg.code,
        details: typeof pg.detail === 'string' ? pg.detail : null,
        hint: typeof pg.hint === 'string' ? pg.hint : null,
        message: pg.message,
      },
    };
  }
  throw error;
}

/** PostgREST's table from SQLSTATE to HTTP status (docs: references/errors, "HTTP Status Codes"). */
export function statusOfSqlState(code: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    '53400': 500,
    P0001: 400,
    '42883': 404,
    '42P01': 404,
    '42P17': 500,
    '42501': authenticated ? 403 : 401,
  };
  const known = exact[code];
  if (known !== undefined) return known;
  const byClass: Record<string, number> = {
    '08': 503,
    '09': 500,
    '0L': 403,
    '0P': 403,
    '25': 500,
    '28': 403,
    '2D': 500,
    '38': 500,
    '39': 500,
    '3B': 500,
    '40': 500,
    '53': 503,
    '54': 500,
    '55': 500,
    '57': 500,
    '58': 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function redactHeaders(
  headers: IncomingMessage['headers'],
  roles: Map<string, Role>,
): Record<string, string> {
  const label = (key: string) => `<${roles.get(key) ?? 'unknown'} key>`;
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (name === 'apikey') out[name] = label(value);
    else if (name === 'authorization')
      out[name] = value.replace(
        /^(Bearer\s+)(.+)$/i,
        (_, bearer: string, key: string) => bearer + label(key),
      );
    else out[name] = value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
