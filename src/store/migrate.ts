import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { M001_CORE } from './migrations/001-core.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. Append only: an applied migration's SQL never changes (checked by checksum). */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'core', sql: M001_CORE }];

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

export interface MigrateResult {
  readonly applied: number[];
  readonly current: number;
}

/**
 * Brings the schema up to date. Safe to run on every start and from several processes at once: one
 * transaction, serialised by an advisory lock keyed on the schema, re-reads what is applied before it acts.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
    await tx.query(`CREATE TABLE IF NOT EXISTS warden_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await tx.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM warden_migrations ORDER BY version',
    );
    const known = new Map(done.rows.map((r) => [r.version, r.checksum]));
    const applied: number[] = [];
    for (const m of migrations) {
      const sum = checksum(m.sql);
      const have = known.get(m.version);
      if (have !== undefined) {
        if (have !== sum) throw new Error(`migration ${m.version} (${m.name}) was changed after it was applied`);
        continue;
      }
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO warden_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        sum,
      ]);
      applied.push(m.version);
    }
    const newest = Math.max(0, ...migrations.map((m) => m.version), ...known.keys());
    return { applied, current: newest };
  });
}

/**
 * Splits migration SQL on top-level semicolons, keeping dollar-quoted bodies whole. Migrations are our
 * own text, so this only has to understand what we write: comments, quotes and $$ bodies.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === "'") {
      i = sql.indexOf("'", i + 1) + 1 || sql.length;
    } else if (c === '$' && sql.startsWith('$$', i)) {
      i = sql.indexOf('$$', i + 2) + 2 || sql.length;
      if (i === 1) i = sql.length;
    } else if (c === ';') {
      const s = stripComments(sql.slice(start, i)).trim();
      if (s) out.push(s);
      start = i + 1;
      i++;
    } else i++;
  }
  const tail = stripComments(sql.slice(start)).trim();
  if (tail) out.push(tail);
  return out;
}

function stripComments(s: string): string {
  return s
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
}
