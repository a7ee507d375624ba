import { PGlite, type Transaction } from '@electric-sql/pglite';
import { checkSchemaName, type Db, type Queryable, type QueryResult } from './db.js';

export interface PgliteOptions {
  /** Folder for the data files; `undefined` keeps everything in memory (tests). */
  readonly dataDir?: string;
  readonly schema?: string;
}

function wrap(q: Pick<PGlite | Transaction, 'query'>): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const r = await q.query<R>(sql, params ? [...params] : undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
    },
  };
}

/**
 * Embedded PostgreSQL compiled to WebAssembly. One connection, one process: PGlite serialises every
 * query itself, so the server funnels writes through one queue anyway (see ingest-queue.ts).
 */
export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const pg = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
  await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
  const base = wrap(pg);
  return {
    backend: 'pglite',
    schema,
    query: base.query,
    async exec(sql) {
      await pg.exec(sql);
    },
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
