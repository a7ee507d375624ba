import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';

const PAGE = 4096;
const MAX_PAGES = 256;

/**
 * A minimal FlatBuffers reader (tables, vtables, vectors, strings) over a ByteSource, per the
 * FlatBuffers binary format (flatbuffers.dev "Internals"). Hand-written instead of generated
 * code because the official runtime trusts offsets (verification is a separate, optional step):
 * here every offset is checked against the file before it is followed, reads go through a small
 * page cache, and the bytes fetched are capped.
 */
export class FlatReader {
  private readonly pages = new Map<number, Uint8Array>();
  fetched = 0;

  constructor(
    readonly src: ByteSource,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.src.size;
  }

  private check(pos: number, n: number): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos + n > this.src.size)
      fail('invalid_structure', `flatbuffer offset ${pos} (+${n}) outside the ${this.src.size}-byte file`, pos);
  }

  private async page(no: number): Promise<Uint8Array> {
    const hit = this.pages.get(no);
    if (hit) return hit;
    if (this.fetched + PAGE > this.maxBytes)
      fail('limit_exceeded', `flatbuffer reads over the ${this.maxBytes}-byte cap`, no * PAGE);
    const bytes = await this.src.read(no * PAGE, PAGE);
    this.fetched += bytes.length;
    if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
    this.pages.set(no, bytes);
    return bytes;
  }

  async bytes(pos: number, n: number): Promise<Uint8Array> {
    this.check(pos, n);
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const p = pos + done;
      const pg = await this.page(Math.floor(p / PAGE));
      const off = p % PAGE;
      const take = Math.min(n - done, pg.length - off);
      if (take <= 0) fail('truncated', `short read at ${p}`, p);
      out.set(pg.subarray(off, off + take), done);
      done += take;
    }
    return out;
  }

  private async view(pos: number, n: number): Promise<DataView> {
    const b = await this.bytes(pos, n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  async u8(pos: number): Promise<number> {
    return (await this.view(pos, 1)).getUint8(0);
  }
  async i8(pos: number): Promise<number> {
    return (await this.view(pos, 1)).getInt8(0);
  }
  async u16(pos: number): Promise<number> {
    return (await this.view(pos, 2)).getUint16(0, true);
  }
  async u32(pos: number): Promise<number> {
    return (await this.view(pos, 4)).getUint32(0, true);
  }
  async i32(pos: number): Promise<number> {
    return (await this.view(pos, 4)).getInt32(0, true);
  }
  async u64(pos: number): Promise<bigint> {
    return (await this.view(pos, 8)).getBigUint64(0, true);
  }

  /** The root table's position (uoffset at byte 0). */
  async root(): Promise<number> {
    const off = await this.u32(0);
    this.check(off, 4);
    return off;
  }

  /** Position of field `index` of the table at `table`, or undefined when absent. */
  async field(table: number, index: number): Promise<number | undefined> {
    const vt = table - (await this.i32(table));
    this.check(vt, 4);
    const vtSize = await this.u16(vt);
    const slot = 4 + index * 2;
    if (slot + 2 > vtSize) return undefined;
    const off = await this.u16(vt + slot);
    if (off === 0) return undefined;
    const tableSize = await this.u16(vt + 2);
    if (off >= tableSize)
      fail('invalid_structure', `field ${index} offset ${off} beyond table size ${tableSize}`, table);
    return table + off;
  }

  /** Follows a uoffset stored at `pos`. */
  async deref(pos: number): Promise<number> {
    const target = pos + (await this.u32(pos));
    this.check(target, 4);
    return target;
  }

  /** A vector field: [position of the first element, length]; undefined when absent. */
  async vector(table: number, index: number, elemSize: number, maxLen: number): Promise<[number, number] | undefined> {
    const f = await this.field(table, index);
    if (f === undefined) return undefined;
    const vec = await this.deref(f);
    const len = await this.u32(vec);
    if (len > maxLen) fail('limit_exceeded', `vector of ${len} elements (cap ${maxLen})`, vec);
    this.check(vec + 4, len * elemSize);
    return [vec + 4, len];
  }

  /** Element `i` of a vector of tables. */
  async tableAt(vecStart: number, i: number): Promise<number> {
    return this.deref(vecStart + i * 4);
  }

  async string(table: number, index: number, cap = 4096): Promise<string | undefined> {
    const f = await this.field(table, index);
    if (f === undefined) return undefined;
    const s = await this.deref(f);
    const len = await this.u32(s);
    this.check(s + 4, len);
    return new TextDecoder().decode(await this.bytes(s + 4, Math.min(len, cap)));
  }
}
