import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../../io/workers.js';
import type { HashAlgorithm } from './algorithms.js';
import type { HashReply, HashRequest } from './hash-worker.js';
import { DEFAULT_CHUNK, type HashJob, hashRange } from './read-range.js';

/**
 * `threads`: one worker thread per core, each hashing whole jobs (files or shards), so
 * several files hash on several cores at once. `main`: hashing on this thread while reads
 * run on the libuv threadpool; only one core hashes. bench/hash.ts measures both.
 */
export type HashMode = 'threads' | 'main';

export interface HashEngineOptions {
  readonly mode?: HashMode;
  /** Parallel jobs; defaults to the number of cores. */
  readonly concurrency?: number;
  readonly chunk?: number;
  /** Called after each finished job with the bytes it covered. */
  readonly onProgress?: (bytes: number) => void;
}

/** A job that failed (unreadable, changed while hashing); the others still complete. */
export class HashJobError extends Error {
  override readonly name = 'HashJobError';
  constructor(
    readonly job: HashJob,
    message: string,
  ) {
    super(message);
  }
}

/** Below this many bytes in total, starting threads costs more than it saves. */
const THREAD_THRESHOLD_BYTES = 8 << 20;

export async function hashJobs(
  jobs: readonly HashJob[],
  alg: HashAlgorithm,
  opts: HashEngineOptions = {},
): Promise<Array<Uint8Array | HashJobError>> {
  const chunk = opts.chunk ?? DEFAULT_CHUNK;
  const total = jobs.reduce((n, j) => n + (j.end - j.start), 0);
  const lanes = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), jobs.length));
  const useThreads = (opts.mode ?? 'threads') === 'threads' && jobs.length > 1 && total >= THREAD_THRESHOLD_BYTES;
  const out: Array<Uint8Array | HashJobError> = new Array(jobs.length);
  // Largest first keeps both cores busy until the end instead of one big file trailing alone.
  const order = jobs.map((_, i) => i).sort((a, b) => size(jobs[b]!) - size(jobs[a]!));
  let next = 0;

  const runLane = async (hash: (job: HashJob) => Promise<Uint8Array>): Promise<void> => {
    while (next < order.length) {
      const i = order[next++]!;
      const job = jobs[i]!;
      try {
        out[i] = await hash(job);
        opts.onProgress?.(job.end - job.start);
      } catch (e) {
        out[i] = new HashJobError(job, e instanceof Error ? e.message : String(e));
      }
    }
  };

  if (!useThreads) {
    await Promise.all(Array.from({ length: Math.min(lanes, 4) }, () => runLane((j) => hashRange(j, alg, chunk))));
  } else {
    const workers = Array.from({ length: lanes }, spawnWorker);
    try {
      await Promise.all(workers.map((w) => runLane((j) => askWorker(w, j, alg, chunk))));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  return out;
}

const size = (j: HashJob): number => j.end - j.start;

const spawnWorker = (): Worker => spawnModuleWorker(import.meta.url, 'hash-worker');

let seq = 0;

function askWorker(w: Worker, job: HashJob, alg: HashAlgorithm, chunk: number): Promise<Uint8Array> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: HashReply) => {
      if (m.id !== id) return;
      cleanup();
      if (m.digest !== undefined) resolve(new Uint8Array(m.digest));
      else reject(new Error(m.failure ?? 'hash worker failed'));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`hash worker exited with code ${code}`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id, job, alg, chunk } satisfies HashRequest);
  });
}
