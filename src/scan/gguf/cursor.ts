import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';

const CHUNK = 64 * 1024;

/**
 * Sequential little/big-endian reader over a ByteSource with a small read-ahead window. `skip`
 * moves past bytes without fetching them, so fixed-size arrays (token scores) and tensor data
 * cost nothing. Every fetched byte counts against `budget` (the metadata read cap).
 */
export class Cursor {
  pos: number;
  private winStart = 0;
  private win: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.win.buffer);
  private fetched = 0;

  constructor(
    private readonly src: ByteSource,
    start: number,
    readonly littleEndian: boolean,
    private readonly budget: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return Math.max(0, this.src.size - this.pos);
  }

  private async ensure(n: number): Promise<number> {
    if (this.pos + n > this.src.size)
      fail('truncated', `need ${n} bytes at ${this.pos}, file ends at ${this.src.size}`, this.pos);
    const rel = this.pos - this.winStart;
    if (rel >= 0 && rel + n <= this.win.length) return rel;
    const len = Math.max(n, CHUNK);
    if (this.fetched + Math.min(len, this.src.size - this.pos) > this.budget)
      fail('limit_exceeded', `metadata larger than the ${this.budget}-byte read cap`, this.pos);
    const bytes = await this.src.read(this.pos, len);
    this.fetched += bytes.length;
    if (bytes.length < n) fail('truncated', `short read at ${this.pos}`, this.pos);
    this.winStart = this.pos;
    this.win = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return 0;
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.src.size) fail('truncated', `cannot skip ${n} bytes at ${this.pos}`, this.pos);
    this.pos += n;
  }

  async bytes(n: number): Promise<Uint8Array> {
    const rel = await this.ensure(n);
    this.pos += n;
    return this.win.subarray(rel, rel + n);
  }

  async u8(): Promise<number> {
    const rel = await this.ensure(1);
    this.pos += 1;
    return this.view.getUint8(rel);
  }
  async i8(): Promise<number> {
    const rel = await this.ensure(1);
    this.pos += 1;
    return this.view.getInt8(rel);
  }
  async u16(): Promise<number> {
    const rel = await this.ensure(2);
    this.pos += 2;
    return this.view.getUint16(rel, this.littleEndian);
  }
  async i16(): Promise<number> {
    const rel = await this.ensure(2);
    this.pos += 2;
    return this.view.getInt16(rel, this.littleEndian);
  }
  async u32(): Promise<number> {
    const rel = await this.ensure(4);
    this.pos += 4;
    return this.view.getUint32(rel, this.littleEndian);
  }
  async i32(): Promise<number> {
    const rel = await this.ensure(4);
    this.pos += 4;
    return this.view.getInt32(rel, this.littleEndian);
  }
  async u64(): Promise<bigint> {
    const rel = await this.ensure(8);
    this.pos += 8;
    return this.view.getBigUint64(rel, this.littleEndian);
  }
  async i64(): Promise<bigint> {
    const rel = await this.ensure(8);
    this.pos += 8;
    return this.view.getBigInt64(rel, this.littleEndian);
  }
  async f32(): Promise<number> {
    const rel = await this.ensure(4);
    this.pos += 4;
    return this.view.getFloat32(rel, this.littleEndian);
  }
  async f64(): Promise<number> {
    const rel = await this.ensure(8);
    this.pos += 8;
    return this.view.getFloat64(rel, this.littleEndian);
  }
}
