import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';
import { Cursor } from './cursor.js';

/** Caps for walking HDF5 metadata; the reader never touches dataset storage. */
export interface Hdf5Limits {
  /** Total metadata bytes the reader may fetch (headers, heaps, attribute values). */
  readonly maxBytes: number;
  /** Largest single block (object header chunk, heap collection) it will fetch. */
  readonly maxBlock: number;
  /** Object header continuation blocks followed per header. */
  readonly maxContinuations: number;
  /** Header messages decoded per object header. */
  readonly maxMessages: number;
  /** Elements read from one attribute (string arrays). */
  readonly maxElements: number;
  /** Superblock search: the signature may sit at 0, 512, 1024 … up to this offset. */
  readonly maxSignatureOffset: number;
}

export const DEFAULT_HDF5_LIMITS: Hdf5Limits = {
  maxBytes: 128 * 1024 * 1024,
  maxBlock: 64 * 1024 * 1024,
  maxContinuations: 256,
  maxMessages: 10_000,
  maxElements: 100_000,
  maxSignatureOffset: 1024 * 1024,
};

/** Bounded, budgeted reads over a ByteSource; short reads unwind as `truncated`. */
export class Hdf5Io {
  private spent = 0;
  constructor(
    readonly src: ByteSource,
    readonly limits: Hdf5Limits,
  ) {}

  async block(offset: number, length: number, what: string): Promise<Cursor> {
    if (offset < 0 || !Number.isSafeInteger(offset)) fail('invalid_structure', `HDF5 ${what} has a bad address`, 0);
    if (length > this.limits.maxBlock) {
      fail('limit_exceeded', `HDF5 ${what} declares ${length} bytes (cap ${this.limits.maxBlock})`, offset);
    }
    if (offset + length > this.src.size) {
      fail('truncated', `HDF5 ${what} at ${offset} (+${length}) lies beyond the end of the file`, offset);
    }
    this.spent += length;
    if (this.spent > this.limits.maxBytes) {
      fail('limit_exceeded', `HDF5 metadata reads exceed ${this.limits.maxBytes} bytes`, offset);
    }
    const bytes = await this.src.read(offset, length);
    if (bytes.length < length) fail('truncated', `HDF5 ${what} is truncated`, offset);
    return new Cursor(bytes, offset);
  }
}
