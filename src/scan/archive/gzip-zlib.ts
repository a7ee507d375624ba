import type { ByteSource } from '../../core/byte-source.js';
import { u16 } from './bytes.js';
import type { Caps, Decompressed, StopReason } from './caps.js';
import { inflateRawCapped } from './inflate.js';

/** zlib (RFC 1950) header: CM=8, window ≤ 32 KiB, header checksum valid. FDICT streams are not zlib data we can read. */
export function isZlibHeader(b: Uint8Array): boolean {
  const cmf = b[0];
  const flg = b[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

export function isGzipHeader(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b && b[2] === 8;
}

/** Parses one gzip member header (RFC 1952) and returns the offset of its deflate data, or undefined. */
async function gzipDataStart(src: ByteSource, at: number): Promise<number | undefined> {
  const head = await src.read(at, Math.min(src.size - at, 64 * 1024 + 10));
  if (!isGzipHeader(head) || head.length < 10) return undefined;
  const flags = head[3] ?? 0;
  let p = 10;
  if (flags & 0x04) p += 2 + u16(head, p); // FEXTRA
  for (const bit of [0x08, 0x10]) {
    // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      const z = head.indexOf(0, p);
      if (z < 0) return undefined;
      p = z + 1;
    }
  }
  if (flags & 0x02) p += 2; // FHCRC
  return p <= head.length ? at + p : undefined;
}

export interface StreamResult extends Decompressed {
  readonly members: number;
}

/**
 * Multi-member gzip, framed here and inflated raw so that every member boundary and any bytes
 * after the last member are seen: gzip readers differ on trailing data, and gunzip in node
 * throws away output when it meets it.
 */
export async function gunzipCapped(src: ByteSource, caps: Caps, signal?: AbortSignal): Promise<StreamResult> {
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  let members = 0;
  let stopped: StopReason | undefined;
  let error: string | undefined;
  let trailing = 0;
  while (at < src.size) {
    const data = await gzipDataStart(src, at);
    if (data === undefined) {
      if (members === 0) error = 'not a gzip member header';
      else trailing = src.size - at;
      break;
    }
    members++;
    const r = await inflateRawCapped(src, data, src.size - data, { ...caps, maxBytes: caps.maxBytes - total }, signal);
    parts.push(r.data);
    total += r.data.length;
    if (r.stopped || r.error) {
      stopped = r.stopped;
      error = r.error;
      break;
    }
    at = data + r.bytesIn + 8; // CRC32 + ISIZE
    if (at > src.size) {
      error = 'gzip trailer is truncated';
      break;
    }
  }
  return {
    data: concat(parts, total),
    bytesIn: Math.min(at, src.size),
    members,
    ...(stopped ? { stopped } : {}),
    ...(error ? { error } : {}),
    ...(trailing > 0 ? { trailing } : {}),
  };
}

/** One zlib stream (2-byte header, raw deflate, Adler-32), as joblib's `compress=` writes. */
export async function zlibCapped(src: ByteSource, caps: Caps, signal?: AbortSignal): Promise<StreamResult> {
  const head = await src.read(0, 2);
  if (!isZlibHeader(head)) return { data: new Uint8Array(0), bytesIn: 0, members: 0, error: 'not a zlib header' };
  const r = await inflateRawCapped(src, 2, src.size - 2, caps, signal);
  const end = 2 + r.bytesIn + 4;
  const trailing = !r.error && !r.stopped && end < src.size ? src.size - end : 0;
  return { ...r, members: 1, ...(trailing > 0 ? { trailing } : {}) };
}

export function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let p = 0;
  for (const x of parts) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}
