/**
 * A tiny HDF5 writer for tests, mirroring what h5py writes for root-group string attributes:
 * superblock v0, a version 1 root object header, attribute messages v1, variable-length strings in
 * a global heap collection (or fixed-length strings). Hostile shapes are options.
 */

export interface AttrSpec {
  readonly name: string;
  readonly value: string;
  /** `vlen` is what h5py 3 writes for `attrs[k] = str`; `fixed` what h5py 2 wrote for bytes. */
  readonly encoding?: 'vlen' | 'fixed';
}

export interface Hdf5BuildOptions {
  /** Put the attribute messages in a continuation block (as h5py does when they do not fit). */
  readonly continuation?: 'none' | 'split' | 'cycle' | 'self';
  /** Overrides the declared v1 header size (huge sizes). */
  readonly headerSize?: number;
  /** Overrides the declared global heap collection size. */
  readonly heapSize?: number;
  /** Overrides the declared length of every variable-length string. */
  readonly vlenLength?: number;
  /** Bytes of user block before the superblock (512, 1024 …). */
  readonly userBlock?: number;
}

class Out {
  bytes: number[] = [];
  get pos(): number {
    return this.bytes.length;
  }
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(Math.floor(v / 0x10000));
  }
  u64(v: number): this {
    if (v < 0) {
      for (let i = 0; i < 8; i++) this.u8(0xff);
      return this;
    }
    return this.u32(v % 0x100000000).u32(Math.floor(v / 0x100000000));
  }
  raw(b: Uint8Array | number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  pad8(): this {
    while (this.bytes.length % 8) this.bytes.push(0);
    return this;
  }
  set64(at: number, v: number): void {
    const o = new Out().u64(v).bytes;
    for (let i = 0; i < 8; i++) this.bytes[at + i] = o[i]!;
  }
}

const enc = new TextEncoder();

function attributeMessage(a: AttrSpec, heapAddr: number, heapIndex: number, vlenLength?: number): number[] {
  const name = enc.encode(`${a.name}\0`);
  const value = enc.encode(a.value);
  const dt = new Out();
  if (a.encoding === 'fixed') {
    dt.u8(0x13).u8(0x00).u8(0).u8(0).u32(value.length); // v1 string, null-terminated ASCII
  } else {
    // v1 variable-length string (utf-8) whose base type is a 1-byte unsigned integer, as h5py writes.
    dt.u8(0x19).u8(0x01).u8(0x01).u8(0).u32(16);
    dt.u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8);
  }
  const ds = new Out().u8(1).u8(0).u8(0).u8(0).u32(0); // v1 scalar dataspace
  const m = new Out().u8(1).u8(0).u16(name.length).u16(dt.pos).u16(ds.pos);
  m.raw(name).pad8().raw(dt.bytes).pad8().raw(ds.bytes).pad8();
  if (a.encoding === 'fixed') m.raw(value);
  else
    m.u32(vlenLength ?? value.length)
      .u64(heapAddr)
      .u32(heapIndex);
  return m.pad8().bytes;
}

function message(out: Out, type: number, body: number[]): void {
  out.u16(type).u16(body.length).u8(0).u8(0).u8(0).u8(0).raw(body);
}

export function buildHdf5(attrs: readonly AttrSpec[], opts: Hdf5BuildOptions = {}): Uint8Array {
  const userBlock = opts.userBlock ?? 0;
  const out = new Out();
  for (let i = 0; i < userBlock; i++) out.u8(0);
  const sb = out.pos;
  out.raw([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  out.u8(0).u8(0).u8(0).u8(0).u8(0).u8(8).u8(8).u8(0).u16(4).u16(16).u32(0);
  out.u64(userBlock).u64(-1);
  const eofAt = out.pos;
  out.u64(0).u64(-1);
  const rootAt = out.pos;
  out.u64(0).u64(0).u32(0).u32(0);
  for (let i = 0; i < 16; i++) out.u8(0);

  // The heap goes at a fixed place after the header blocks, so messages can point at it.
  const heapAddrRel = 4096;
  const msgs = attrs.map((a, i) => attributeMessage(a, heapAddrRel, i + 1, opts.vlenLength));

  const header = out.pos;
  out.set64(rootAt + 8, header - sb);
  const mode = opts.continuation ?? 'none';
  const body = new Out();
  let contBlockAt = 0;
  if (mode === 'none') for (const m of msgs) message(body, 0x0c, m);
  else {
    contBlockAt = header + 16 + 24 + 64; // after this header's single continuation message, with slack
    message(body, 0x10, new Out().u64(contBlockAt - sb).u64(0).bytes); // length patched below
  }
  out
    .u8(1)
    .u8(0)
    .u16(mode === 'none' ? msgs.length : msgs.length + 1)
    .u32(1);
  out.u32(opts.headerSize ?? body.pos).u32(0);
  out.raw(body.bytes);
  if (mode !== 'none') {
    while (out.pos < contBlockAt) out.u8(0);
    const block = new Out();
    for (const m of msgs) message(block, 0x0c, m);
    if (mode === 'cycle') message(block, 0x10, new Out().u64(header + 16 - 16 - sb).u64(32).bytes);
    if (mode === 'self') message(block, 0x10, new Out().u64(contBlockAt - sb).u64(block.pos + 24).bytes);
    out.raw(block.bytes);
    // Patch the continuation length (in the first message of the header, after its 8-byte prefix).
    out.set64(header + 16 + 8 + 8, block.pos);
  }

  while (out.pos < sb + heapAddrRel) out.u8(0);
  const heap = new Out();
  attrs.forEach((a, i) => {
    const v = enc.encode(a.value);
    heap
      .u16(i + 1)
      .u16(1)
      .u32(0)
      .u64(v.length)
      .raw(v)
      .pad8();
  });
  const size = 16 + heap.pos + 16;
  out
    .raw(enc.encode('GCOL'))
    .u8(1)
    .u8(0)
    .u8(0)
    .u8(0)
    .u64(opts.heapSize ?? size);
  out.raw(heap.bytes).u16(0).u16(0).u32(0).u64(16);
  out.set64(eofAt, out.pos - sb);
  return new Uint8Array(out.bytes);
}
