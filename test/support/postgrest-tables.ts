/**
 * The emulator's table endpoints: GET (select), POST (insert, upsert), PATCH (update) and DELETE on
 * `/rest/v1/<table>`, as SQL over the public schema. Rows come back as Postgres's own JSON (json_agg), the
 * way PostgREST builds them: timestamps as `2026-11-25T10:00:00.123+00:00`, vectors as `'[1,2,3]'` text.
 */
import type { Transaction } from '@electric-sql/pglite';
import type { ApiRequest, Reply } from './postgrest-emulator.js';
import {
  hasFilters,
  limitSql,
  orderSql,
  Params,
  parseColumnsParam,
  parsePrefer,
  PostgrestError,
  quoteIdent,
  selectSql,
  whereSql,
} from './postgrest-query.js';

interface TableInfo {
  /** Quoted `"public"."name"`. */
  qualified: string;
  /** Quoted `"name"`, for qualifying columns. */
  alias: string;
  columns: Set<string>;
  primaryKey: string[];
}

/** The table or view from the catalog, or PGRST205 (404) as PostgREST answers for an unknown one. */
export async function lookupTable(tx: Transaction, name: string): Promise<TableInfo> {
  const { rows } = await tx.query<{ column: string; pk: boolean }>(
    `select a.attname as column,
       coalesce(a.attnum = any (i.indkey), false) as pk
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     left join pg_index i on i.indrelid = c.oid and i.indisprimary
     where n.nspname = 'public' and c.relname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')
     order by a.attnum`,
    [name],
  );
  if (rows.length === 0) {
    const hint = await nearestTable(tx, name);
    throw new PostgrestError(
      404,
      'PGRST205',
      `Could not find the table 'public.${name}' in the schema cache`,
      null,
      hint ? `Perhaps you meant the table 'public.${hint}'` : null,
    );
  }
  return {
    qualified: `"public".${quoteIdent(name)}`,
    alias: quoteIdent(name),
    columns: new Set(rows.map((row) => row.column)),
    primaryKey: rows.filter((row) => row.pk).map((row) => row.column),
  };
}

async function nearestTable(tx: Transaction, name: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ relname: string }>(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f')`,
  );
  let best: { name: string; distance: number } | undefined;
  for (const { relname } of rows) {
    const distance = editDistance(name, relname);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name: relname, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Runs `source` (a query or a data-modifying statement with RETURNING) and aggregates its rows as JSON. */
async function runAggregated(
  tx: Transaction,
  source: string,
  params: Params,
): Promise<{ rows: unknown[]; count: number }> {
  const { rows } = await tx.query<{ body: string; n: number }>(
    `with _source as (${source}) select coalesce(json_agg(_source), '[]')::text as body, count(*)::int as n from _source`,
    params.values,
  );
  const row = rows[0];
  return { rows: JSON.parse(row?.body ?? '[]') as unknown[], count: row?.n ?? 0 };
}

/** The response for rows, honouring `Accept: application/vnd.pgrst.object+json` (exactly one row). */
function rowsReply(status: number, rows: unknown[], accept: string | undefined, contentRange: string): Reply {
  const headers = { 'content-range': contentRange };
  if (accept?.startsWith('application/vnd.pgrst.object+json')) {
    if (rows.length !== 1) {
      throw new PostgrestError(
        406,
        'PGRST116',
        'Cannot coerce the result to a single JSON object',
        `The result contains ${rows.length} rows`,
      );
    }
    return { status, body: rows[0], headers };
  }
  return { status, body: rows, headers };
}

function range(count: number, total: number | undefined): string {
  const of = total === undefined ? '*' : String(total);
  return count === 0 ? `*/${of}` : `0-${count - 1}/${of}`;
}

export async function selectRows(tx: Transaction, name: string, request: ApiRequest): Promise<Reply> {
  const table = await lookupTable(tx, name);
  const params = new Params();
  const where = whereSql(request.search, params, table.alias);
  const source =
    `select ${selectSql(request.search.get('select'), table.alias)} from ${table.qualified} ` +
    `where ${where} ${orderSql(request.search.get('order'), table.alias)}${limitSql(request.search)}`;
  const { rows, count } = await runAggregated(tx, source, params);
  let total: number | undefined;
  if (parsePrefer(request.prefer).get('count') === 'exact') {
    const counted = await tx.query<{ n: number }>(
      `select count(*)::int as n from ${table.qualified} where ${where}`,
      params.values,
    );
    total = counted.rows[0]?.n;
  }
  const offset = Number(request.search.get('offset') ?? 0);
  const contentRange =
    count === 0 ? range(0, total) : `${offset}-${offset + count - 1}/${total === undefined ? '*' : total}`;
  return rowsReply(200, rows, request.accept, contentRange);
}

/** The columns a write names: the `columns` parameter, else the keys of the (first) object. */
function writtenColumns(
  table: TableInfo,
  name: string,
  request: ApiRequest,
  rows: Record<string, unknown>[],
): string[] {
  const columns = parseColumnsParam(request.search.get('columns')) ?? Object.keys(rows[0] ?? {});
  for (const column of columns) {
    if (!table.columns.has(column)) {
      throw new PostgrestError(
        400,
        'PGRST204',
        `Could not find the '${column}' column of '${name}' in the schema cache`,
      );
    }
  }
  return columns;
}

function objectRows(body: unknown): Record<string, unknown>[] {
  const rows = Array.isArray(body) ? (body as unknown[]) : [body];
  if (
    body === undefined ||
    rows.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))
  ) {
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
  }
  return rows as Record<string, unknown>[];
}

/** RETURNING list and the reply for a write: rows with `return=representation`, else none. */
function writeReply(
  request: ApiRequest,
  status: { withBody: number; without: number },
  result: { rows: unknown[]; count: number },
): Reply {
  const prefer = parsePrefer(request.prefer);
  const total = prefer.get('count') === 'exact' ? result.count : undefined;
  const contentRange = range(result.count, total);
  if (prefer.get('return') === 'representation') {
    return rowsReply(status.withBody, result.rows, request.accept, contentRange);
  }
  return { status: status.without, headers: { 'content-range': contentRange } };
}

export async function insertRows(tx: Transaction, name: string, request: ApiRequest): Promise<Reply> {
  const table = await lookupTable(tx, name);
  const rows = objectRows(request.body);
  const columns = writtenColumns(table, name, request, rows);
  const params = new Params();
  const body = params.add(JSON.stringify(rows));
  const list = columns.map(quoteIdent).join(', ');
  const prefer = parsePrefer(request.prefer);
  let conflict = '';
  const resolution = prefer.get('resolution');
  if (resolution === 'merge-duplicates' || resolution === 'ignore-duplicates') {
    const target = parseColumnsParam(request.search.get('on_conflict')) ?? table.primaryKey;
    const action =
      resolution === 'ignore-duplicates' || columns.length === 0
        ? 'do nothing'
        : `do update set ${columns.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}`;
    conflict = ` on conflict (${target.map(quoteIdent).join(', ')}) ${action}`;
  }
  const source =
    columns.length === 0
      ? `insert into ${table.qualified} default values returning ${selectSql(request.search.get('select'), table.alias)}`
      : `insert into ${table.qualified} (${list}) select ${list} from json_populate_recordset(null::${table.qualified}, ${body}::json)` +
        `${conflict} returning ${selectSql(request.search.get('select'), table.alias)}`;
  const result = await runAggregated(tx, source, params);
  return writeReply(request, { withBody: 201, without: 201 }, result);
}

export async function updateRows(tx: Transaction, name: string, request: ApiRequest): Promise<Reply> {
  const table = await lookupTable(tx, name);
  requireWhere('UPDATE', request);
  const [row] = objectRows(request.body);
  if (Array.isArray(request.body) || !row) throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
  const columns = writtenColumns(table, name, request, [row]);
  if (columns.length === 0) return { status: 204 };
  const params = new Params();
  const body = params.add(JSON.stringify(row));
  const assignments = columns.map((c) => `${quoteIdent(c)} = _body.${quoteIdent(c)}`).join(', ');
  const source =
    `update ${table.qualified} set ${assignments} from json_populate_record(null::${table.qualified}, ${body}::json) _body ` +
    `where ${whereSql(request.search, params, table.alias)} returning ${selectSql(request.search.get('select'), table.alias)}`;
  const result = await runAggregated(tx, source, params);
  return writeReply(request, { withBody: 200, without: 204 }, result);
}

export async function deleteRows(tx: Transaction, name: string, request: ApiRequest): Promise<Reply> {
  const table = await lookupTable(tx, name);
  requireWhere('DELETE', request);
  const params = new Params();
  const source =
    `delete from ${table.qualified} where ${whereSql(request.search, params, table.alias)} ` +
    `returning ${selectSql(request.search.get('select'), table.alias)}`;
  const result = await runAggregated(tx, source, params);
  return writeReply(request, { withBody: 200, without: 204 }, result);
}

/**
 * Supabase runs PostgREST with pg-safeupdate: an UPDATE or DELETE without a filter is refused rather
 * than applied to every row.
 */
function requireWhere(verb: 'UPDATE' | 'DELETE', request: ApiRequest): void {
  if (!hasFilters(request.search)) {
    throw new PostgrestError(400, '21000', `${verb} requires a WHERE clause`);
  }
  if (request.search.has('limit') || request.search.has('offset')) {
    throw new PostgrestError(400, 'PGRST109', `the emulator does not support limit or offset on ${verb}`);
  }
}
