/**
 * Runs PGlite inside a worker thread (see pglite-worker.ts). PGlite executes WebAssembly on the
 * thread that calls it; on the server's main thread a large insert would stall HTTP parsing for its
 * whole duration. Here the database has its own thread and the main thread keeps serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

interface Request {
  readonly id: number;
  readonly op: 'query' | 'exec' | 'close';
  readonly sql?: string;
  readonly params?: unknown[];
}

const { dataDir, schema } = workerData as { dataDir?: string; schema: string };
const pg = await PGlite.create(dataDir ? { dataDir } : {});
await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
parentPort!.postMessage({ ready: true });

parentPort!.on('message', async (m: Request) => {
  try {
    if (m.op === 'close') {
      await pg.close();
      parentPort!.postMessage({ id: m.id, ok: true });
      return;
    }
    if (m.op === 'exec') {
      await pg.exec(m.sql!);
      parentPort!.postMessage({ id: m.id, ok: true });
      return;
    }
    const r = await pg.query(m.sql!, m.params);
    parentPort!.postMessage({ id: m.id, ok: true, rows: r.rows, rowCount: r.affectedRows ?? 0 });
  } catch (e) {
    const err = e as Error & { code?: string };
    parentPort!.postMessage({ id: m.id, ok: false, error: { message: err.message, code: err.code } });
  }
});
