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
/**
 * Files up to this size are read whole on the first read when the source reuses memory: on this
 * kind of machine a read costs ~10 µs whatever its size, and a 100 KB checkpoint otherwise takes
 * 6–12 reads (end record window, central directory, local headers, pickle windows).
 */
const WHOLE_FILE = 256 << 10;
const ARENA_CHUNK = 4 << 20;
const ARENA_CHUNKS = 4;

/**
 * Read memory reused from one file scan to the next on the same thread. A fresh ArrayBuffer costs a
 * page fault per 4 KiB the first time the kernel copies into it: reading 350 MB of small model files
 * into fresh buffers took 324 ms, into reused memory 56 ms, and the scan's first pass was mostly
 * that. One source leases the arena at a time and gives it back when it closes; what it handed out
 * is overwritten by the next file, so only scans whose results hold no views of the bytes (strings
 * and numbers, as the engine's are) may lease it. Reads larger than a chunk are not pooled.
 */
class ReadArena {
  leased = false;
  private readonly chunks: ArrayBuffer[] = [];
  private chunk = 0;
  private used = 0;

  alloc(n: number): Uint8Array | undefined {
    if (n > ARENA_CHUNK) return undefined;
    if (this.used + n > ARENA_CHUNK) {
      if (this.chunk + 1 >= ARENA_CHUNKS) return undefined;
      this.chunk++;
      this.used = 0;
    }
    let buf = this.chunks[this.chunk];
    if (!buf) {
      buf = new ArrayBuffer(ARENA_CHUNK);
      this.chunks.push(buf);
    }
    const view = new Uint8Array(buf, this.used, n);
    // 8-byte aligned so typed-array views over the bytes stay possible.
    this.used += (n + 7) & ~7;
    return view;
  }

  release(): void {
    this.leased = false;
    this.chunk = 0;
    this.used = 0;
  }
}

const arena = new ReadArena();

export class FileSource implements ByteSource {
  bytesRead = 0;
  private closed = false;
  /** The file's first bytes, read once: sniffing, headers and whole small files are served from here. */
  private head: Uint8Array | undefined;
  private readonly headSize: number;
  private constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly pooled: boolean,
  ) {
    this.headSize = pooled && size <= WHOLE_FILE ? size : Math.min(HEAD_CACHE, size);
  }

  /**
   * `reuseMemory`: the bytes read are only valid until `close()` (see ReadArena); for scans whose
   * results keep no views of them. Falls back to fresh memory when another source holds the arena.
   */
  static async open(path: string, opts: { reuseMemory?: boolean } = {}): Promise<FileSource> {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const pooled = opts.reuseMemory === true && !arena.leased;
      if (pooled) arena.leased = true;
      return new FileSource(fd, size, pooled);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new Error('read after close');
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const n = Math.min(length, this.size - offset);
    if (offset + n <= this.headSize) {
      this.head ??= this.pread(0, this.headSize);
      return this.head.subarray(offset, offset + n);
    }
    return this.pread(offset, n);
  }

  private pread(offset: number, n: number): Uint8Array {
    const buf = (this.pooled && arena.alloc(n)) || Buffer.allocUnsafe(n);
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
    if (this.pooled) arena.release();
    closeSync(this.fd);
  }
}
