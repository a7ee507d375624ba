import { createRequire } from 'node:module';
import type { ByteSource } from '../../core/byte-source.js';
import { u32 } from './bytes.js';
import { CappedSink, type Caps, type Decompressed, overCap, RATIO_FLOOR_BYTES, type StopReason } from './caps.js';

// The three decoders are CommonJS packages without types; load them once through require.
const require = createRequire(import.meta.url);
interface BunzipApi {
  decode(input: Uint8Array, output: { writeByte(b: number): void }, multistream?: boolean): unknown;
}
interface Lz4Api {
  decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
const bunzip = require('seek-bzip') as BunzipApi;
const lz4 = require('lz4js') as Lz4Api;
const { XzReadableStream } = require('xz-decompress') as {
  XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
};

class Stop extends Error {}

function result(sink: CappedSink, bytesIn: number, stopped?: StopReason, error?: string): Decompressed {
  return { data: sink.bytes(), bytesIn, ...(stopped ? { stopped } : {}), ...(error && !stopped ? { error } : {}) };
}

/**
 * bzip2 through seek-bzip. Its decoder is synchronous and wants the whole input, so the
 * compressed input itself is capped at the output cap; output goes byte by byte into a capped
 * sink that aborts the decoder by throwing once a cap trips.
 */
export async function bunzipCapped(src: ByteSource, caps: Caps, signal?: AbortSignal): Promise<Decompressed> {
  const input = await src.read(0, Math.min(src.size, caps.maxBytes));
  const sink = new CappedSink(caps.maxBytes);
  let buf = new Uint8Array(1 << 16);
  let n = 0;
  let stopped: StopReason | undefined;
  const flush = () => {
    sink.push(buf.subarray(0, n));
    buf = new Uint8Array(1 << 16);
    n = 0;
    stopped = overCap(sink.total, input.length, caps);
    if (stopped || signal?.aborted) throw new Stop();
  };
  let error: string | undefined;
  try {
    bunzip.decode(
      input,
      {
        writeByte(b: number) {
          buf[n++] = b;
          if (n === buf.length) flush();
        },
      },
      true,
    );
    flush();
  } catch (e) {
    if (n > 0 && !stopped) {
      sink.push(buf.subarray(0, n));
      n = 0;
    }
    if (!(e instanceof Stop)) error = e instanceof Error ? e.message : String(e);
    else if (!stopped) error = 'time budget exhausted while decompressing';
  }
  return result(sink, input.length, stopped, error);
}

/** xz through xz-embedded (WebAssembly), fed from the source in chunks and cancelled at a cap. */
export async function unxzCapped(src: ByteSource, caps: Caps, signal?: AbortSignal): Promise<Decompressed> {
  let at = 0;
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= src.size || signal?.aborted) {
        controller.close();
        return;
      }
      const chunk = await src.read(at, Math.min(1 << 16, src.size - at));
      at += chunk.length;
      // Copy: the wasm side keeps a reference while it decodes.
      controller.enqueue(chunk.slice());
    },
  });
  return drainXz(new XzReadableStream(input), () => at, caps);
}

/** Decodes an xz container held in memory (used to decode 7z LZMA2 folders wrapped as xz). */
export async function unxzBytes(bytes: Uint8Array, caps: Caps): Promise<Decompressed> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice());
      controller.close();
    },
  });
  return drainXz(new XzReadableStream(input), () => bytes.length, caps);
}

async function drainXz(out: ReadableStream<Uint8Array>, fed: () => number, caps: Caps): Promise<Decompressed> {
  const sink = new CappedSink(caps.maxBytes);
  const reader = out.getReader();
  let stopped: StopReason | undefined;
  let error: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sink.push(value);
      stopped = overCap(sink.total, fed(), caps);
      if (stopped) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return result(sink, fed(), stopped, error);
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
const HISTORY = 64 << 10;

/**
 * LZ4 frames: the framing (header, block sizes, checksums, skippable frames) is walked here so
 * every block is bounded by its declared maximum before lz4js decodes it; linked blocks keep
 * the 64 KiB history the format allows.
 */
export async function unlz4Capped(src: ByteSource, caps: Caps, signal?: AbortSignal): Promise<Decompressed> {
  const sink = new CappedSink(caps.maxBytes);
  let at = 0;
  let stopped: StopReason | undefined;
  let error: string | undefined;
  const read = async (len: number) => {
    const b = await src.read(at, len);
    if (b.length < len) throw new Error('lz4 frame is truncated');
    at += len;
    return b;
  };
  try {
    frames: while (at < src.size) {
      const magic = u32(await read(4), 0);
      if ((magic & 0xfffffff0) === 0x184d2a50) {
        at += u32(await read(4), 0); // skippable frame
        continue;
      }
      if (magic !== LZ4_MAGIC) throw new Error(`not an lz4 frame (magic ${magic.toString(16)})`);
      const [flg = 0, bd = 0] = await read(2);
      if (flg >> 6 !== 1) throw new Error('unsupported lz4 frame version');
      const blockMax = LZ4_BLOCK_MAX[(bd >> 4) & 7] ?? 0;
      if (!blockMax) throw new Error('invalid lz4 block size');
      at += (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1; // content size, dict id, header checksum
      const work = new Uint8Array(HISTORY + blockMax);
      for (;;) {
        if (signal?.aborted) throw new Error('time budget exhausted while decompressing');
        const word = u32(await read(4), 0);
        if (word === 0) break;
        const size = word & 0x7fffffff;
        if (size > blockMax) throw new Error(`lz4 block of ${size} bytes exceeds the frame's ${blockMax}`);
        const block = await read(size);
        if (flg & 0x10) at += 4;
        let produced: Uint8Array;
        if (word & 0x80000000) produced = block;
        else {
          const end = lz4.decompressBlock(block, work, 0, size, HISTORY);
          if (!(end >= HISTORY && end <= work.length)) throw new Error('lz4 block overruns its declared size');
          produced = work.subarray(HISTORY, end);
        }
        const copy = produced.slice();
        sink.push(copy);
        stopped = overCap(sink.total, at, caps);
        if (stopped) break frames;
        if (flg & 0x20) continue; // independent blocks: no history needed
        if (copy.length >= HISTORY) work.set(copy.subarray(copy.length - HISTORY), 0);
        else {
          work.copyWithin(0, copy.length, HISTORY);
          work.set(copy, HISTORY - copy.length);
        }
      }
      if (flg & 0x04) at += 4;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return result(sink, Math.min(at, src.size), stopped, error);
}

// lzma1 publishes its TypeScript sources as its types, which do not compile under this project's
// stricter settings: it is imported by a name the compiler does not resolve, and only when needed.
const LZMA1_PACKAGE: string = 'lzma1';
let lzma1: Promise<{ decompress(data: Uint8Array): Uint8Array }> | undefined;

/** Output one LZMA1 stream may produce: its decoder is synchronous pure JavaScript (~25 ns a byte). */
const LZMA1_MAX_OUT = 256 * 1024 * 1024;

/**
 * A raw LZMA1 stream: a 7z "LZMA" coder (which 7-Zip also uses for compressed archive headers) or the
 * body of an LZMA-alone file (joblib `compress="lzma"`). `size` is the declared output size, or
 * undefined when the stream ends with an end marker instead. Decoded by lzma1 (a maintained
 * TypeScript port of the LZMA SDK decoder), since xz-embedded decodes LZMA2 only. That decoder
 * allocates its window from the dictionary size and its output as it goes, so it is handed a stream
 * header that asks for no more than the caps allow (one byte more when the size is unknown, to tell a
 * stream that ends at the cap from one that goes past it) and a window no larger than that output: a
 * hostile dictionary size would otherwise allocate up to 4 GiB.
 */
export async function unlzma1Bytes(
  packed: Uint8Array,
  props: Uint8Array,
  size: number | undefined,
  caps: Caps,
): Promise<Decompressed> {
  if (props.length < 5) return { data: new Uint8Array(0), bytesIn: 0, error: 'LZMA coder properties are missing' };
  const room = Math.min(caps.maxBytes, Math.max(RATIO_FLOOR_BYTES, packed.length * caps.maxRatio), LZMA1_MAX_OUT);
  const want = size === undefined ? room + 1 : Math.min(size, room);
  const input = new Uint8Array(13 + packed.length);
  const view = new DataView(input.buffer);
  input[0] = props[0] as number;
  view.setUint32(1, Math.min(u32(props, 1), Math.max(4096, want)), true);
  view.setUint32(5, want, true);
  input.set(packed, 13);
  let data: Uint8Array;
  try {
    lzma1 ??= import(LZMA1_PACKAGE);
    data = want === 0 ? new Uint8Array(0) : (await lzma1).decompress(input);
  } catch (e) {
    return { data: new Uint8Array(0), bytesIn: packed.length, error: e instanceof Error ? e.message : String(e) };
  }
  const over = size ?? data.length;
  if (over > room) {
    const stopped = overCap(over, packed.length, caps) ?? 'size-cap';
    return { data: data.subarray(0, room), bytesIn: packed.length, stopped };
  }
  if (size !== undefined && data.length < size) {
    return { data, bytesIn: packed.length, error: `LZMA stream ended after ${data.length} of ${size} bytes` };
  }
  return { data: data.length > want ? data.subarray(0, want) : data, bytesIn: packed.length };
}

/**
 * An LZMA-alone file: 5 property bytes, a 64-bit size (all ones: unknown, an end marker closes the
 * stream), then the LZMA1 stream. The decoder wants its whole input, so the input is capped at the
 * output cap, as for bzip2.
 */
export async function unlzmaAloneCapped(src: ByteSource, caps: Caps): Promise<Decompressed> {
  const head = await src.read(0, 13);
  if (head.length < 13) return { data: new Uint8Array(0), bytesIn: head.length, error: 'LZMA header is truncated' };
  const lo = u32(head, 5);
  const hi = u32(head, 9);
  const size = lo === 0xffffffff && hi === 0xffffffff ? undefined : hi * 2 ** 32 + lo;
  const packed = await src.read(13, Math.min(src.size - 13, caps.maxBytes));
  const r = await unlzma1Bytes(packed, head.subarray(0, 5), size, caps);
  return { ...r, bytesIn: r.bytesIn + 13 };
}

/**
 * A zip member compressed with LZMA (method 14, what Python's `zipfile.ZIP_LZMA` writes): a 4-byte
 * header (encoder version, properties length), the properties, then the LZMA1 stream. Its output
 * size is the one the zip records, which is also where Python's reader stops.
 */
export async function unzipLzmaCapped(src: ByteSource, size: number, caps: Caps): Promise<Decompressed> {
  const head = await src.read(0, 9);
  const propsLength = head.length >= 4 ? (head[2] as number) | ((head[3] as number) << 8) : 0;
  if (head.length < 9 || propsLength !== 5) {
    return { data: new Uint8Array(0), bytesIn: head.length, error: 'zip LZMA header is truncated or malformed' };
  }
  const packed = await src.read(9, Math.min(src.size - 9, caps.maxBytes));
  const r = await unlzma1Bytes(packed, head.subarray(4, 9), size, caps);
  return { ...r, bytesIn: r.bytesIn + 9 };
}
