import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { openPg } from './pg-db.js';
import { openPglite } from './pglite-db.js';
import { openPgliteWorker } from './pglite-worker.js';

export interface StoreOptions {
  /** A postgres:// URL; when absent the embedded store under `dataDir` is used. */
  readonly databaseUrl?: string;
  /** Folder of the embedded store; `memory` keeps it in memory. Default `<cwd>/.warden/db`. */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly cwd?: string;
  /** Run the embedded store on its own thread (the server does; short-lived commands need not). */
  readonly thread?: boolean;
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
    if (dir !== 'memory') await mkdir(dir, { recursive: true, mode: 0o700 });
    const o = { ...(dir === 'memory' ? {} : { dataDir: dir }), schema };
    db = opts.thread ? await openPgliteWorker(o) : await openPglite(o);
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
