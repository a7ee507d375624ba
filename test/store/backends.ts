/**
 * Both store backends for parameterised tests. PostgreSQL is the machine's server (CI makes sure it
 * runs and that database `test` exists); each test file gets its own schema, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { dropPgSchema, openPg } from '../../src/store/pg-db.js';
import { openPglite } from '../../src/store/pglite-db.js';

export const PG_URL = process.env.WARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  readonly name: 'pglite' | 'pg';
  /** A fresh, migrated store in a schema of its own. */
  open(): Promise<Db>;
  /** Closes every store this backend opened and drops their schemas. */
  cleanup(): Promise<void>;
}

export const uniqueSchema = (): string => `wt_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

function pgliteBackend(): Backend {
  const open: Db[] = [];
  return {
    name: 'pglite',
    async open() {
      const db = await openPglite({ schema: uniqueSchema() });
      open.push(db);
      await migrate(db);
      return db;
    },
    async cleanup() {
      for (const db of open.splice(0)) await db.close();
    },
  };
}

function pgBackend(): Backend {
  const open: Db[] = [];
  return {
    name: 'pg',
    async open() {
      const db = await openPg({ connectionString: PG_URL, schema: uniqueSchema(), max: 4 });
      open.push(db);
      await migrate(db);
      return db;
    },
    async cleanup() {
      for (const db of open.splice(0)) {
        await db.close();
        await dropPgSchema(PG_URL, db.schema);
      }
    },
  };
}

export const BACKENDS: readonly (() => Backend)[] = [pgliteBackend, pgBackend];
