/**
 * Bounded random access to untrusted bytes: a local file, an archive member or an HTTP range.
 * Formats read only what they need, so a 10 GB model costs kilobytes.
 */
export interface ByteSource {
  readonly size: number;
  /** Returns at most `length` bytes from `offset` (fewer at the end of the source). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Bytes actually fetched from the underlying medium so far. */
  readonly bytesRead: number;
}

/** A source over bytes already in memory (decompressed members, tests). */
export class MemorySource implements ByteSource {
  bytesRead = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.bytes.length));
    const end = Math.max(start, Math.min(start + Math.max(0, length), this.bytes.length));
    this.bytesRead += end - start;
    return this.bytes.subarray(start, end);
  }
}

/** A window [offset, offset+size) of another source (stored zip/tar members). */
export class SliceSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {}
  get bytesRead(): number {
    return this.parent.bytesRead;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.size || length <= 0) return new Uint8Array(0);
    return this.parent.read(this.start + offset, Math.min(length, this.size - offset));
  }
}

/** Reads a whole source, refusing anything larger than `cap`. */
export async function readAll(src: ByteSource, cap: number): Promise<Uint8Array | undefined> {
  if (src.size > cap) return undefined;
  return src.read(0, src.size);
}
