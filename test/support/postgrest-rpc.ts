/**
 * The emulator's `/rest/v1/rpc/<fn>` endpoint: finds the public function whose parameter names fit the
 * JSON body's keys (PGRST202, 404, when none does), converts the arguments to the declared parameter
 * types with json_to_record, as PostgREST does, and answers like PostgREST: an array for set-returning
 * functions (which also take select, filters, order and limit), an object for one composite row, the
 * bare JSON value for a scalar, 204 for void.
 */
import type { Transaction } from '@electric-sql/pglite';
import type { ApiRequest, Reply } from './postgrest-emulator.js';
import {
  limitSql,
  orderSql,
  Params,
  PostgrestError,
  quoteIdent,
  selectSql,
  whereSql,
} from './postgrest-query.js';

interface FunctionInfo {
  inputs: { name: string; type: string }[];
  required: number;
  returnsSet: boolean;
  returnsComposite: boolean;
  returnsVoid: boolean;
}

async function lookupFunctions(tx: Transaction, name: string): Promise<FunctionInfo[]> {
  const { rows } = await tx.query<{
    arg_names: string[];
    arg_modes: string[];
    in_types: string[];
    defaults: number;
    returns_set: boolean;
    returns_composite: boolean;
    returns_void: boolean;
  }>(
    `select coalesce(p.proargnames, '{}') as arg_names,
       coalesce(p.proargmodes::text[], '{}') as arg_modes,
       array(select format_type(t, null) from unnest(p.proargtypes) t) as in_types,
       p.pronargdefaults::int as defaults,
       p.proretset as returns_set,
       (rt.typtype = 'c' or p.prorettype = 'record'::regtype) as returns_composite,
       p.prorettype = 'void'::regtype as returns_void
     from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace
     join pg_type rt on rt.oid = p.prorettype
     where n.nspname = 'public' and p.proname = $1 and p.prokind = 'f'`,
    [name],
  );
  return rows.map((row) => {
    // proargnames covers every argument (OUT and TABLE columns too); the inputs are modes i, b and v.
    const inputNames =
      row.arg_modes.length === 0
        ? row.arg_names.slice(0, row.in_types.length)
        : row.arg_names.filter((_, i) => ['i', 'b', 'v'].includes(row.arg_modes[i] ?? 'i'));
    return {
      inputs: row.in_types.map((type, i) => ({ name: inputNames[i] ?? '', type })),
      required: row.in_types.length - row.defaults,
      returnsSet: row.returns_set,
      returnsComposite: row.returns_composite,
      returnsVoid: row.returns_void,
    };
  });
}

/** The overload whose named parameters take exactly the body's keys (defaults may be left out). */
function pickFunction(candidates: FunctionInfo[], keys: string[]): FunctionInfo | undefined {
  return candidates.find((fn) => {
    const names = fn.inputs.map((input) => input.name);
    return (
      keys.every((key) => names.includes(key)) &&
      names.slice(0, fn.required).every((name) => keys.includes(name))
    );
  });
}

export async function callFunction(tx: Transaction, name: string, request: ApiRequest): Promise<Reply> {
  const body = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PostgrestError(
      400,
      'PGRST102',
      'Empty or invalid json',
      'the emulator takes one JSON object of named arguments',
    );
  }
  const keys = Object.keys(body).sort();
  const candidates = await lookupFunctions(tx, name);
  const fn = pickFunction(candidates, keys);
  if (!fn) {
    const signature = `public.${name}(${keys.join(', ')})`;
    const near = candidates[0];
    throw new PostgrestError(
      404,
      'PGRST202',
      `Could not find the function ${signature} in the schema cache`,
      `Searched for the function ${keys.length === 0 ? `public.${name} without parameters` : `public.${name} with parameters ${keys.join(', ')}`}, ` +
        'but no matches were found in the schema cache.',
      near
        ? `Perhaps you meant to call the function public.${name}(${near.inputs.map((i) => i.name).join(', ')})`
        : null,
    );
  }

  const params = new Params();
  const given = fn.inputs.filter((input) => keys.includes(input.name));
  const argsFrom =
    given.length === 0
      ? ''
      : `(select * from json_to_record(${params.add(JSON.stringify(body))}::json) as _(${given
          .map((input) => `${quoteIdent(input.name)} ${input.type}`)
          .join(', ')})) _args, `;
  const call = `"public".${quoteIdent(name)}(${given.map((input) => `${quoteIdent(input.name)} => _args.${quoteIdent(input.name)}`).join(', ')})`;

  if (fn.returnsVoid) {
    await tx.query(`select ${call} from ${argsFrom.replace(/, $/, '') || '(select 1) _none'}`, params.values);
    return { status: 204 };
  }
  if (!fn.returnsSet && !fn.returnsComposite) {
    const { rows } = await tx.query<{ body: string }>(
      `select to_json(${call})::text as body from ${argsFrom.replace(/, $/, '') || '(select 1) _none'}`,
      params.values,
    );
    return { status: 200, body: JSON.parse(rows[0]?.body ?? 'null') as unknown };
  }

  const source =
    `select ${selectSql(request.search.get('select'), '_f')} from ${argsFrom}lateral ${call} _f ` +
    `where ${whereSql(request.search, params, '_f')} ${orderSql(request.search.get('order'), '_f')}${limitSql(request.search)}`;
  const { rows } = await tx.query<{ body: string }>(
    `with _source as (${source}) select coalesce(json_agg(_source), '[]')::text as body from _source`,
    params.values,
  );
  const result = JSON.parse(rows[0]?.body ?? '[]') as unknown[];
  if (fn.returnsSet) return { status: 200, body: result };
  return { status: 200, body: result[0] ?? null };
}
