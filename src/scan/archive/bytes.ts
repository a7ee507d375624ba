import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';

/** Little-endian field readers that never read past the array (missing bytes read as 0). */
export function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

export function u32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

/** 64-bit little-endian as a Number; values past 2^53 come back as Infinity so callers treat them as "beyond the file". */
export function u64(b: Uint8Array, at: number): number {
  const lo = u32(b, at);
  const hi = u32(b, at + 4);
  if (hi >= 0x200000) return Number.POSITIVE_INFINITY;
  return hi * 0x100000000 + lo;
}

export function startsWith(b: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (b.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[at + i] !== magic[i]) return false;
  return true;
}

/** Reads exactly `len` bytes or unwinds with `truncated`. */
export async function readExact(src: ByteSource, offset: number, len: number, what: string): Promise<Uint8Array> {
  if (!Number.isFinite(offset) || offset < 0 || offset + len > src.size) {
    fail('truncated', `${what} at ${offset} (+${len}) lies beyond the end of the data (${src.size} bytes)`, offset);
  }
  const got = await src.read(offset, len);
  if (got.length < len) fail('truncated', `${what}: short read at ${offset}`, offset);
  return got;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

export function decodeName(bytes: Uint8Array, isUtf8 = true): string {
  return (isUtf8 ? utf8 : latin1).decode(bytes);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Sequential reads over a ByteSource through a bounded window, so walking a central directory or
 * a tar stream never pulls more than `window` bytes into memory at once.
 */
export class WindowReader {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  constructor(
    private readonly src: ByteSource,
    private readonly window = 1 << 16,
  ) {}

  /** Returns `len` bytes at `offset`, refilling the window as needed; unwinds `truncated` past the end. */
  async bytes(offset: number, len: number, what: string): Promise<Uint8Array> {
    if (offset >= this.bufStart && offset + len <= this.bufStart + this.buf.length) {
      return this.buf.subarray(offset - this.bufStart, offset - this.bufStart + len);
    }
    if (len > this.window) return readExact(this.src, offset, len, what);
    const want = Math.min(this.window, Math.max(0, this.src.size - offset));
    if (want < len) fail('truncated', `${what} at ${offset} (+${len}) lies beyond the end of the data`, offset);
    this.buf = await readExact(this.src, offset, want, what);
    this.bufStart = offset;
    return this.buf.subarray(0, len);
  }
}
