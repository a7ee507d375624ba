import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSource } from '../core/byte-source.js';

/** A local file read with positional reads; nothing is read until a format asks for it. */
export class FileSource implements ByteSource {
  bytesRead = 0;
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, 'r');
    try {
      const st = await handle.stat();
      return new FileSource(handle, st.size);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const n = Math.min(length, this.size - offset);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.handle.read(buf, got, n - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.bytesRead += got;
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
