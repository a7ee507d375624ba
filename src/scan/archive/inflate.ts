import zlib from 'node:zlib';
import type { ByteSource } from '../../core/byte-source.js';
import { CappedSink, type Caps, type Decompressed, overCap, RATIO_FLOOR_BYTES, type StopReason } from './caps.js';

const CHUNK = 64 * 1024;
/** Compressed inputs up to this size are first inflated in one synchronous call. */
const ONE_SHOT_INPUT = 1 << 20;

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
  const n = Math.max(0, Math.min(length, src.size - offset));
  if (n <= ONE_SHOT_INPUT) {
    const whole = oneShot(await src.read(offset, n), caps);
    if (whole) return whole;
  }
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

/**
 * The common case, a small well-formed stream whose output stays under every cap, in one
 * synchronous call: the streaming pass costs a thread-pool round trip per 64 KiB chunk, which was
 * most of the time of scanning compressed joblib files. Anything else (a cap reached, a corrupt or
 * truncated stream) returns undefined and goes through the streaming pass, which keeps the output
 * decoded before a bad byte and stops bombs exactly at the cap.
 */
function oneShot(input: Uint8Array, caps: Caps): Decompressed | undefined {
  // Below the ratio floor only the size cap applies; at or past either bound, stream.
  const bound = Math.min(caps.maxBytes, RATIO_FLOOR_BYTES);
  if (bound < 1) return undefined;
  try {
    const { buffer, engine } = zlib.inflateRawSync(input, { maxOutputLength: bound, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (buffer.length >= bound) return undefined;
    return { data: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length), bytesIn: engine.bytesWritten };
  } catch {
    return undefined;
  }
}
