import pg from 'pg';
import { checkSchemaName, type Db, type Queryable, type QueryResult } from './db.js';

export interface PgOptions {
  readonly connectionString: string;
  readonly schema?: string;
  readonly max?: number;
}

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const r = await q.query(sql, params ? [...params] : undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
  };
}

/** A PostgreSQL server through a connection pool; every connection gets the schema as its search_path. */
export async function openPg(opts: PgOptions): Promise<Db> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  // Create the schema first on a throw-away connection: the pool's search_path must point at something real.
  const boot = new pg.Client({ connectionString: opts.connectionString });
  await boot.connect();
  try {
    await boot.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await boot.end();
  }
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 8,
    options: `-c search_path=${schema}`,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const base = wrap(pool);
  return {
    backend: 'pg',
    schema,
    query: base.query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Drops a schema and everything in it (test clean-up). */
export async function dropPgSchema(connectionString: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${checkSchemaName(schema)} CASCADE`);
  } finally {
    await c.end();
  }
}
