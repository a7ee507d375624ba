import zlib from 'node:zlib';
import { startsWith, u32 } from '../archive/bytes.js';
import { bunzipCapped, unlz4Capped, unlzmaAloneCapped, unxzCapped } from '../archive/decoders.js';
import { isZlibHeader, zlibCapped } from '../archive/gzip-zlib.js';
import { streamScanner } from '../archive/stream-scan.js';

/**
 * A zlib header is only two bytes (one random pair in ~1000 passes its checks), so the head is
 * also trial-inflated: random bytes fail deflate decoding within a few bytes, real streams don't.
 */
export function looksLikeZlib(head: Uint8Array): boolean {
  if (!isZlibHeader(head) || head.length < 8) return false;
  try {
    const out = zlib.inflateRawSync(head.subarray(2), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 20,
    });
    return out.length > 0;
  } catch (e) {
    // More output than the cap from a 4 KiB head: a (very compressible) deflate stream.
    return e instanceof RangeError;
  }
}

/** Joblib's `compress=` files and plain `.z`/`.zz` data: a bare zlib stream (0x78 0x01/0x5e/0x9c/0xda …). */
export const zlibScanner = streamScanner({
  id: 'zlib',
  codec: 'zlib',
  description: 'zlib streams (joblib compress=), validated header, capped inflate',
  sniff: ({ head }) => looksLikeZlib(head),
  decode: (src, caps, signal) => zlibCapped(src, caps, signal),
});

const BZ_BLOCK = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const BZ_END = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

export const bzip2Scanner = streamScanner({
  id: 'bzip2',
  codec: 'bzip2',
  description: 'bzip2 streams (multi-stream), capped',
  sniff: ({ head }) =>
    startsWith(head, [0x42, 0x5a, 0x68]) &&
    (head[3] ?? 0) >= 0x31 &&
    (head[3] ?? 0) <= 0x39 &&
    (startsWith(head, BZ_BLOCK, 4) || startsWith(head, BZ_END, 4)),
  decode: (src, caps, signal) => bunzipCapped(src, caps, signal),
});

export const xzScanner = streamScanner({
  id: 'xz',
  codec: 'xz',
  description: 'xz streams, decoded by xz-embedded (WebAssembly), capped',
  sniff: ({ head }) => startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  decode: (src, caps, signal) => unxzCapped(src, caps, signal),
});

export const lz4Scanner = streamScanner({
  id: 'lz4',
  codec: 'lz4',
  description: 'LZ4 frames (joblib compress="lz4"), capped',
  sniff: ({ head }) => startsWith(head, [0x04, 0x22, 0x4d, 0x18]) && (head[4] ?? 0) >> 6 === 1,
  decode: (src, caps, signal) => unlz4Capped(src, caps, signal),
});

/**
 * LZMA "alone" files (joblib compress="lzma", Python's `lzma.FORMAT_ALONE`) have no magic: a
 * properties byte, a power-of-two dictionary size and a 64-bit length (all ones when unknown).
 */
export function looksLikeLzmaAlone(head: Uint8Array): boolean {
  if (head.length < 14 || (head[0] ?? 255) >= 225) return false;
  const dict = u32(head, 1);
  const pow2 = dict >= 1 << 12 && (dict & (dict - 1)) === 0;
  const pow2half = dict >= 3 << 11 && ((dict / 3) & (dict / 3 - 1)) === 0 && dict % 3 === 0;
  const hi = u32(head, 9);
  const unknownLen = hi === 0xffffffff && u32(head, 5) === 0xffffffff;
  return (pow2 || pow2half) && (unknownLen || hi < 0x100) && head[13] === 0;
}

export const lzmaScanner = streamScanner({
  id: 'lzma',
  codec: 'lzma',
  description: 'LZMA-alone streams (joblib compress="lzma"), decoded by lzma1, capped',
  sniff: ({ head }) => looksLikeLzmaAlone(head),
  decode: (src, caps) => unlzmaAloneCapped(src, caps),
});
