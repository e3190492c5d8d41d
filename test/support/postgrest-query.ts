/**
 * The part of PostgREST's URL grammar the emulator understands, turned into SQL fragments: `select`
 * column lists, horizontal filters (`col=op.value`, `not.` negation, JSON paths), `order`, `limit` and
 * `offset`. Pure functions; anything outside the subset is a PGRST100 error naming what is unsupported,
 * so a test never passes on a request the emulator silently misread.
 */

/** An error in PostgREST's shape, with the HTTP status PostgREST answers it with. */
export class PostgrestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'PostgrestError';
  }

  toJSON(): { code: string; details: string | null; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** Query parameters that are not filters. */
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

/** Collects positional parameters while fragments are built. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function quoteIdent(name: string): string {
  if (name === '') throw new PostgrestError(400, 'PGRST100', 'empty column or table name');
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export interface ColumnRef {
  column: string;
  /** JSON path operators after the column: `->'key'`, `->>0`. */
  path: { op: '->' | '->>'; key: string }[];
}

/** Parses `col`, `col->key`, `col->>key`, `col->a->>0`. */
export function parseColumnRef(text: string): ColumnRef {
  const parts = text.split(/(->>|->)/);
  const column = parts[0] ?? '';
  if (column === '' || /[(),:\s]/.test(column)) {
    throw new PostgrestError(
      400,
      'PGRST100',
      `"failed to parse column" (${text})`,
      'unexpected column syntax',
    );
  }
  const path: ColumnRef['path'] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const op = parts[i] as '->' | '->>';
    const key = parts[i + 1] ?? '';
    if (key === '') throw new PostgrestError(400, 'PGRST100', `"failed to parse JSON path" (${text})`);
    path.push({ op, key });
  }
  return { column, path };
}

/** SQL for a column reference, qualified by `table` (a quoted identifier) when given. */
export function columnSql(ref: ColumnRef, table?: string): string {
  let sql = (table ? `${table}.` : '') + quoteIdent(ref.column);
  for (const { op, key } of ref.path) {
    sql += op + (/^-?\d+$/.test(key) ? key : quoteLiteral(key));
  }
  return sql;
}

/** The output name PostgREST gives a column reference: the last JSON key, or the column. */
function outputName(ref: ColumnRef): string {
  return ref.path.at(-1)?.key ?? ref.column;
}

/**
 * `select=*`, `select=a,b`, `select=alias:a,b->>c`; embedded resources (`rel(...)`) and casts are
 * outside the subset. Returns the SQL select list over `table`.
 */
export function selectSql(select: string | null, table: string): string {
  if (select === null || select === '' || select === '*') return `${table}.*`;
  return splitTopLevel(select)
    .map((item) => {
      if (item === '*') return `${table}.*`;
      if (item.includes('(') || item.includes('::')) {
        throw new PostgrestError(
          400,
          'PGRST100',
          `"failed to parse select parameter" (${select})`,
          `the emulator supports plain columns, aliases and JSON paths in select, not "${item}"`,
        );
      }
      const colon = item.indexOf(':');
      const alias = colon > 0 ? item.slice(0, colon) : undefined;
      const ref = parseColumnRef(colon > 0 ? item.slice(colon + 1) : item);
      return `${columnSql(ref, table)} as ${quoteIdent(alias ?? outputName(ref))}`;
    })
    .join(', ');
}

/** Splits on commas outside parentheses and double quotes. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && char === '(') depth++;
    if (!quoted && char === ')') depth--;
    if (!quoted && depth === 0 && char === ',') {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

const COMPARISONS: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
};

/** One `col=op.value` filter as a SQL condition. */
export function filterSql(key: string, value: string, params: Params, table?: string): string {
  if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
    throw new PostgrestError(
      400,
      'PGRST100',
      `"failed to parse logic tree" (${value})`,
      'the emulator does not support or=/and= logic trees',
    );
  }
  const column = columnSql(parseColumnRef(key), table);
  let rest = value;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  const operand = dot < 0 ? '' : rest.slice(dot + 1);
  let condition: string;
  if (op === 'is') {
    const keyword = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' }[operand];
    if (!keyword) {
      throw new PostgrestError(400, 'PGRST100', `"failed to parse filter (${value})" (line 1, column 4)`);
    }
    condition = `${column} is ${keyword}`;
  } else if (op === 'in') {
    const items = parseList(operand, value);
    condition =
      items.length === 0 ? 'false' : `${column} in (${items.map((item) => params.add(item)).join(', ')})`;
  } else if (dot >= 0 && COMPARISONS[op]) {
    const text = op === 'like' || op === 'ilike' ? operand.replace(/\*/g, '%') : operand;
    condition = `${column} ${COMPARISONS[op]} ${params.add(text)}`;
  } else {
    throw new PostgrestError(
      400,
      'PGRST100',
      `"failed to parse filter (${value})" (line 1, column ${op.length + 1})`,
      `unknown or unsupported operator "${op}"`,
    );
  }
  return negate ? `not (${condition})` : condition;
}

/** `(a,b,"c,d")` → ['a', 'b', 'c,d']. */
function parseList(operand: string, whole: string): string[] {
  if (!operand.startsWith('(') || !operand.endsWith(')')) {
    throw new PostgrestError(400, 'PGRST100', `"failed to parse filter (${whole})" (line 1, column 4)`);
  }
  const inner = operand.slice(1, -1);
  if (inner === '') return [];
  const items: string[] = [];
  let i = 0;
  while (i <= inner.length) {
    if (inner[i] === '"') {
      let item = '';
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\') i++;
        item += inner[i] ?? '';
        i++;
      }
      items.push(item);
      i += 2; // closing quote and comma
    } else {
      const end = inner.indexOf(',', i);
      items.push(inner.slice(i, end < 0 ? inner.length : end));
      i = end < 0 ? inner.length + 1 : end + 1;
    }
  }
  return items;
}

/** All filters of a query string, joined with `and`; 'true' when there are none. */
export function whereSql(search: URLSearchParams, params: Params, table?: string): string {
  const conditions: string[] = [];
  for (const [key, value] of search) {
    if (RESERVED.has(key)) continue;
    conditions.push(filterSql(key, value, params, table));
  }
  return conditions.length === 0 ? 'true' : conditions.join(' and ');
}

export function hasFilters(search: URLSearchParams): boolean {
  return [...search.keys()].some((key) => !RESERVED.has(key));
}

/** `order=a.desc,b.asc.nullslast` → `order by …`, or '' without one. */
export function orderSql(order: string | null, table?: string): string {
  if (order === null || order === '') return '';
  const terms = splitTopLevel(order).map((term) => {
    const parts = term.split('.');
    const modifiers: string[] = [];
    while (parts.length > 1 && /^(asc|desc|nullsfirst|nullslast)$/.test(parts.at(-1) ?? '')) {
      modifiers.unshift(parts.pop() ?? '');
    }
    const sql = columnSql(parseColumnRef(parts.join('.')), table);
    const direction = modifiers.includes('desc') ? ' desc' : modifiers.includes('asc') ? ' asc' : '';
    const nulls = modifiers.includes('nullsfirst')
      ? ' nulls first'
      : modifiers.includes('nullslast')
        ? ' nulls last'
        : '';
    return sql + direction + nulls;
  });
  return `order by ${terms.join(', ')}`;
}

/** `limit=` and `offset=` as SQL; non-negative integers only (PGRST103 otherwise). */
export function limitSql(search: URLSearchParams): string {
  let sql = '';
  for (const name of ['limit', 'offset'] as const) {
    const raw = search.get(name);
    if (raw === null) continue;
    if (!/^\d+$/.test(raw)) {
      throw new PostgrestError(
        416,
        'PGRST103',
        'Requested range not satisfiable',
        `${name} must be a number`,
      );
    }
    sql += ` ${name} ${Number(raw)}`;
  }
  return sql;
}

/** The `Prefer` header's comma-separated preferences as a map (`return` → `representation`). */
export function parsePrefer(header: string | undefined): Map<string, string> {
  const prefs = new Map<string, string>();
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().split('=');
    if (name) prefs.set(name, value ?? '');
  }
  return prefs;
}

/** `columns="a","b"` (as supabase-js sends it) → ['a', 'b']. */
export function parseColumnsParam(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  return splitTopLevel(raw).map((item) => item.replace(/^"(.*)"$/, '$1'));
}
