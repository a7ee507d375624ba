import { parentPort } from 'node:worker_threads';
import type { Limits } from '../core/limits.js';
import { scanFile } from './scan-file.js';
import type { WalkEntry } from './walk.js';

export interface WorkerRequest {
  readonly id: number;
  readonly entry: WalkEntry;
  readonly limits: Limits;
}

parentPort?.on('message', (req: WorkerRequest) => {
  scanFile(req.entry, req.limits).then(
    (result) => parentPort?.postMessage({ id: req.id, result }),
    (e: unknown) => parentPort?.postMessage({ id: req.id, failure: e instanceof Error ? e.message : String(e) }),
  );
});
