import { type FileHandle, open } from 'node:fs/promises';
import { createHasher, type HashAlgorithm } from './algorithms.js';

/** One unit of hashing work: the bytes [start, end) of a file. */
export interface HashJob {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export const DEFAULT_CHUNK = 4 << 20;

/** The file changed size or vanished between listing and hashing. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

/**
 * Streams [start, end) of an open file through the hasher with two alternating buffers,
 * so the next read (libuv threadpool) overlaps hashing of the current chunk (this thread).
 * Memory stays at 2 × chunk whatever the file size.
 */
export async function hashHandleRange(
  fh: FileHandle,
  job: HashJob,
  alg: HashAlgorithm,
  chunk = DEFAULT_CHUNK,
): Promise<Uint8Array> {
  const hasher = await createHasher(alg);
  const len = Math.max(0, job.end - job.start);
  const size = Math.min(chunk, Math.max(1, len));
  const bufs: readonly [Buffer, Buffer] = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let pos = job.start;
  let which: 0 | 1 = 0;
  const next = (): Promise<{ bytesRead: number }> | undefined =>
    pos < job.end ? fh.read(bufs[which], 0, Math.min(size, job.end - pos), pos) : undefined;
  let pending = next();
  while (pending !== undefined) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) throw new FileChangedError(`${job.path}: file shrank while hashing`);
    const cur = bufs[which];
    pos += bytesRead;
    which = which === 0 ? 1 : 0;
    pending = next();
    hasher.update(cur.subarray(0, bytesRead));
  }
  return hasher.digest();
}

/** Hashes one job on this thread (reads on the libuv threadpool). */
export async function hashRange(job: HashJob, alg: HashAlgorithm, chunk = DEFAULT_CHUNK): Promise<Uint8Array> {
  const fh = await open(job.path, 'r');
  try {
    return await hashHandleRange(fh, job, alg, chunk);
  } finally {
    await fh.close();
  }
}
