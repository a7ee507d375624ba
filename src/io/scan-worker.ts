import { parentPort } from 'node:worker_threads';
import type { Limits } from '../core/limits.js';
import { scanFile } from './scan-file.js';
import type { WalkEntry } from './walk.js';

/** A batch of files; the worker answers once per file, in order, so the pool can tell which one hung. */
export interface WorkerRequest {
  readonly items: readonly { readonly id: number; readonly entry: WalkEntry }[];
  readonly limits: Limits;
}

parentPort?.on('message', async (req: WorkerRequest) => {
  for (const { id, entry } of req.items) {
    try {
      parentPort?.postMessage({ id, result: await scanFile(entry, req.limits) });
    } catch (e) {
      parentPort?.postMessage({ id, failure: e instanceof Error ? e.message : String(e) });
    }
  }
});
