import { parentPort } from 'node:worker_threads';
import type { HashAlgorithm } from './algorithms.js';
import { type HashJob, hashRange } from './read-range.js';

export interface HashRequest {
  readonly id: number;
  readonly job: HashJob;
  readonly alg: HashAlgorithm;
  readonly chunk: number;
}

export interface HashReply {
  readonly id: number;
  readonly digest?: Uint8Array;
  readonly failure?: string;
}

parentPort?.on('message', (req: HashRequest) => {
  hashRange(req.job, req.alg, req.chunk).then(
    (digest) => parentPort?.postMessage({ id: req.id, digest } satisfies HashReply),
    (e: unknown) =>
      parentPort?.postMessage({ id: req.id, failure: e instanceof Error ? e.message : String(e) } satisfies HashReply),
  );
});
