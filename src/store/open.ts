import { join } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { openPg } from './pg-db.js';
import { openPglite } from './pglite-db.js';

export interface StoreOptions {
  /** A postgres:// URL; when absent the embedded store under `dataDir` is used. */
  readonly databaseUrl?: string;
  /** Folder of the embedded store; `memory` keeps it in memory. Default `<cwd>/.warden/db`. */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly cwd?: string;
}

/** Reads WARDEN_DATABASE_URL and WARDEN_DB_SCHEMA the same way for every command. */
export function storeOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): StoreOptions {
  return {
    cwd,
    ...(env.WARDEN_DATABASE_URL ? { databaseUrl: env.WARDEN_DATABASE_URL } : {}),
    ...(env.WARDEN_DB_SCHEMA ? { schema: env.WARDEN_DB_SCHEMA } : {}),
    ...(env.WARDEN_DATA_DIR ? { dataDir: env.WARDEN_DATA_DIR } : {}),
  };
}

/** Opens the store (PostgreSQL if a URL is given, else PGlite) and brings its schema up to date. */
export async function openStore(opts: StoreOptions = {}): Promise<Db> {
  const schema = opts.schema ?? (opts.databaseUrl ? 'warden' : 'public');
  let db: Db;
  if (opts.databaseUrl) db = await openPg({ connectionString: opts.databaseUrl, schema });
  else {
    const dir = opts.dataDir ?? join(opts.cwd ?? process.cwd(), '.warden', 'db');
    db = await openPglite({ ...(dir === 'memory' ? {} : { dataDir: dir }), schema });
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
