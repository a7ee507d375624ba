import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkSchemaName, type Db, type Queryable, type QueryResult } from './db.js';
import type { PgliteOptions } from './pglite-db.js';

interface Reply {
  id: number;
  ok: boolean;
  rows?: unknown[];
  rowCount?: number;
  error?: { message: string; code?: string };
}

/**
 * The worker script: the compiled `.js` next to this file; in development and tests (running from
 * the `.ts` sources) a two-line bootstrap that registers tsx in the worker, then imports the source.
 */
function threadScript(): { script: URL | string; eval?: true } {
  const js = new URL('./pglite-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { script: js };
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const ts = new URL('./pglite-thread.ts', import.meta.url).href;
  return {
    script: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`,
    eval: true,
  };
}

/**
 * PGlite on its own thread, behind the same `Db` interface. One connection, so transactions take a
 * lock: statements from outside the transaction wait until it commits or rolls back, exactly the
 * isolation a real connection would give.
 */
export async function openPgliteWorker(opts: PgliteOptions = {}): Promise<Db> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const script = threadScript();
  const worker = new Worker(script.script, {
    workerData: { dataDir: opts.dataDir, schema },
    ...(script.eval ? { eval: true } : {}),
  });
  const pending = new Map<number, (r: Reply) => void>();
  let seq = 0;
  let failed: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.on('message', (r: Reply) => {
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  worker.on('error', (e) => {
    failed = e;
    for (const done of pending.values()) done({ id: -1, ok: false, error: { message: e.message } });
    pending.clear();
  });

  const call = (op: 'query' | 'exec' | 'close', sql?: string, params?: readonly unknown[]) =>
    new Promise<Reply>((resolve, reject) => {
      if (failed) return reject(failed);
      const id = ++seq;
      pending.set(id, resolve);
      worker.postMessage({ id, op, sql, params: params ? [...params] : undefined });
    }).then((r) => {
      if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'query failed'), { code: r.error?.code });
      return r;
    });

  const raw: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const r = await call('query', sql, params);
      return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? 0 };
    },
  };

  // A FIFO lock: a transaction holds it from BEGIN to COMMIT/ROLLBACK; lone statements take it briefly.
  let tail: Promise<void> = Promise.resolve();
  const lock = async <T>(fn: () => Promise<T>): Promise<T> => {
    const prev = tail;
    let release!: () => void;
    tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  };

  return {
    backend: 'pglite',
    schema,
    query: (sql, params) => lock(() => raw.query(sql, params)),
    exec: (sql) => lock(async () => void (await call('exec', sql))),
    transaction: (fn) =>
      lock(async () => {
        await raw.query('BEGIN');
        try {
          const out = await fn(raw);
          await raw.query('COMMIT');
          return out;
        } catch (e) {
          await raw.query('ROLLBACK').catch(() => {});
          throw e;
        }
      }),
    async close() {
      await lock(async () => {
        await call('close').catch(() => {});
        await worker.terminate();
      });
    },
  };
}
