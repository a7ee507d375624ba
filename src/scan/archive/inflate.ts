import zlib from 'node:zlib';
import type { ByteSource } from '../../core/byte-source.js';
import { CappedSink, type Caps, type Decompressed, overCap, type StopReason } from './caps.js';

const CHUNK = 64 * 1024;

interface Pass {
  readonly sink: CappedSink;
  readonly consumed: number;
  readonly ended: boolean;
  readonly stopped?: StopReason;
  readonly error?: string;
  /** Start of the write that failed, so a finer pass can recover the output before the bad byte. */
  readonly failedAt?: number;
}

/**
 * One streaming pass of raw inflate over [offset, offset+length): coarse writes up to `fineFrom`,
 * `fine`-byte writes after it. Each write is awaited so the output of every good write is kept
 * even when a later one fails: node:zlib drops the output of a write that errors, and a loader
 * reading the stream in chunks would already have acted on everything before the corrupt byte.
 */
async function pass(
  src: ByteSource,
  offset: number,
  length: number,
  caps: Caps,
  fineFrom: number,
  fine: number,
  signal?: AbortSignal,
): Promise<Pass> {
  const z = zlib.createInflateRaw({ chunkSize: CHUNK });
  const sink = new CappedSink(caps.maxBytes);
  let fed = 0;
  let stopped: StopReason | undefined;
  let error: string | undefined;
  let failedAt: number | undefined;
  let ended = false;
  const closed = new Promise<void>((resolve) => z.once('close', resolve));
  z.on('data', (chunk: Buffer) => {
    sink.push(chunk);
    const why = stopped ? undefined : overCap(sink.total, fed, caps);
    if (why) {
      stopped = why;
      z.destroy();
    }
  });
  z.on('end', () => {
    ended = true;
  });
  z.on('error', (e: Error) => {
    error ??= e.message;
  });
  const alive = () => !stopped && !error && !ended && !z.destroyed;
  const end = Math.min(offset + Math.max(0, length), src.size);
  let at = offset;
  while (at < end && alive()) {
    if (signal?.aborted) {
      error = 'time budget exhausted while decompressing';
      break;
    }
    const step = at >= fineFrom ? fine : Math.min(CHUNK, fineFrom - at);
    const chunk = await src.read(at, Math.min(step, end - at));
    if (chunk.length === 0) break;
    fed += chunk.length;
    const ok = await new Promise<boolean>((resolve) => {
      z.write(chunk, (e) => resolve(!e));
      closed.then(() => resolve(false));
    });
    if (!ok && error && failedAt === undefined) failedAt = at;
    at += chunk.length;
  }
  if (alive()) z.end();
  else if (!z.destroyed) z.destroy();
  await closed;
  return {
    sink,
    consumed: Math.min(z.bytesWritten, fed),
    ended,
    ...(stopped ? { stopped } : {}),
    ...(error && !stopped ? { error } : {}),
    ...(failedAt !== undefined ? { failedAt } : {}),
  };
}

/**
 * Raw-deflate decoding of up to `length` bytes with size and ratio caps. A bomb costs at most
 * one zlib chunk beyond the cap; a corrupt stream keeps every byte decoded before the bad input.
 */
export async function inflateRawCapped(
  src: ByteSource,
  offset: number,
  length: number,
  caps: Caps,
  signal?: AbortSignal,
): Promise<Decompressed> {
  let p = await pass(src, offset, length, caps, Number.POSITIVE_INFINITY, CHUNK, signal);
  for (const fine of [1024, 1]) {
    if (p.failedAt === undefined || p.stopped) break;
    const again = await pass(src, offset, length, caps, p.failedAt, fine, signal);
    if (again.sink.kept >= p.sink.kept) p = again;
  }
  let error = p.error;
  if (!error && !p.stopped && !p.ended) error = 'compressed stream is truncated';
  return {
    data: p.sink.bytes(),
    bytesIn: p.ended ? p.consumed : Math.min(length, src.size - offset),
    ...(p.stopped ? { stopped: p.stopped } : {}),
    ...(error && !p.stopped ? { error } : {}),
  };
}
