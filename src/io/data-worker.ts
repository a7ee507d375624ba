import { parentPort } from 'node:worker_threads';
import { type DataPartRequest, scanPart } from './data-part.js';

export type { DataPartRequest } from './data-part.js';

/** Scans one byte range of a file on a worker thread and posts back the mergeable result. */
parentPort?.on('message', async (req: DataPartRequest) => {
  try {
    parentPort?.postMessage({ ok: true, result: await scanPart(req) });
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
