import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../core/byte-source.js';

/**
 * A local file read with positional reads; nothing is read until a format asks for it.
 *
 * The reads are synchronous on purpose: scans run on worker threads (one file at a time each),
 * and the async FileHandle API costs a thread-pool round trip per call — on a folder of small
 * model files that latency, not the bytes, was most of the wall time.
 */
/** Bytes kept from the start of every file: what the engine sniffs, and all of most small files. */
const HEAD_CACHE = 4096;

export class FileSource implements ByteSource {
  bytesRead = 0;
  private closed = false;
  /** The file's first bytes, read once: sniffing, headers and whole small files are served from here. */
  private head: Uint8Array | undefined;
  private constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const fd = openSync(path, 'r');
    try {
      return new FileSource(fd, fstatSync(fd).size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error('read after close');
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const n = Math.min(length, this.size - offset);
    if (offset + n <= HEAD_CACHE) {
      this.head ??= this.pread(0, Math.min(HEAD_CACHE, this.size));
      return this.head.subarray(offset, offset + n);
    }
    return this.pread(offset, n);
  }

  private pread(offset: number, n: number): Uint8Array {
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, buf, got, n - got, offset + got);
      if (r === 0) break;
      got += r;
    }
    this.bytesRead += got;
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
