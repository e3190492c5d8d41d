/** Applies supabase/migrations/*.sql in filename order, once each, to any SqlClient. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.js';

export interface MigrateOptions {
  /** Folder of *.sql files; defaults to the project's supabase/migrations. */
  dir?: string;
}

/** Raised when a migration file fails; names the file so the schema problem can be found. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/**
 * Applies the migrations not yet recorded in autodev_schema_migrations and returns their names.
 * Everything happens in one transaction under an advisory lock, so two processes starting at once
 * apply each file exactly once and a failing file leaves the schema as it was.
 */
export async function migrate(client: SqlClient, options: MigrateOptions = {}): Promise<string[]> {
  const dir = options.dir ?? findMigrationsDir();
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const sources = await Promise.all(
    files.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const),
  );
  return client.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('autodev_schema_migrations'))`);
    await tx.exec(`
      create table if not exists autodev_schema_migrations (
        name text primary key,
        applied_at timestamptz not null default now()
      );
      alter table autodev_schema_migrations enable row level security;
    `);
    const { rows } = await tx.query<{ name: string }>('select name from autodev_schema_migrations');
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const [name, sql] of sources) {
      if (done.has(name)) continue;
      try {
        await tx.exec(sql);
      } catch (error) {
        throw new MigrationError(name, error);
      }
      await tx.query('insert into autodev_schema_migrations (name) values ($1)', [name]);
      applied.push(name);
    }
    return applied;
  });
}

/**
 * The nearest supabase/migrations above this module: the same walk finds it from app/store (tsx, ts-jest)
 * and from the compiled lib/app/store.
 */
export function findMigrationsDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'supabase', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`no supabase/migrations folder found in ${from} or any folder above it`);
    }
  }
}
