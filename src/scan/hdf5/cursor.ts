import { fail } from '../../core/result.js';

/** HDF5 "undefined address": every byte 0xff. */
export const UNDEFINED_ADDRESS = -1;

/**
 * A little-endian cursor over one block of file bytes. `base` is the file offset of `buf[0]`, so
 * errors point at real file offsets. Every read is bounds-checked and unwinds with `truncated`.
 */
export class Cursor {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly base: number,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get fileOffset(): number {
    return this.base + this.pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) fail('truncated', `HDF5 ${what} runs past its block`, this.fileOffset);
  }

  u8(what = 'field'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'field'): number {
    this.need(2, what);
    const v = this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(what = 'field'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /**
   * Reads an unsigned integer of `size` bytes (1–8). All-ones reads as UNDEFINED_ADDRESS; values
   * beyond 2^53 are clamped so later bounds checks reject them instead of wrapping.
   */
  uint(size: number, what = 'field'): number {
    if (size < 1 || size > 8) fail('invalid_structure', `HDF5 ${what} has unsupported width ${size}`, this.fileOffset);
    this.need(size, what);
    let allOnes = true;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      const byte = this.buf[this.pos + i]!;
      if (byte !== 0xff) allOnes = false;
      value = value * 256 + byte;
    }
    this.pos += size;
    if (allOnes) return UNDEFINED_ADDRESS;
    return Math.min(value, Number.MAX_SAFE_INTEGER);
  }

  bytes(n: number, what = 'field'): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, what = 'field'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Advances to the next multiple of `n` relative to `origin` (v1 structures pad to 8). */
  alignFrom(origin: number, n: number): void {
    const rel = this.pos - origin;
    const pad = (n - (rel % n)) % n;
    this.pos = Math.min(this.buf.length, this.pos + pad);
  }
}

export function asciiAt(buf: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}
