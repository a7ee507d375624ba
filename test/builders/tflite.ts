/**
 * A forward-writing FlatBuffers builder for TFLite test models (FlatBuffers binary format:
 * root uoffset, file identifier, tables with a soffset to their vtable, uoffsets that point
 * forward). Field indices follow tensorflow/lite/schema/schema.fbs. Good enough to make the
 * small benign and hostile models the tests need; not a general FlatBuffers encoder.
 */
export type Fb =
  | { k: 'i8'; v: number }
  | { k: 'i32'; v: number }
  | { k: 'u32'; v: number }
  | { k: 'u64'; v: bigint }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: Uint8Array }
  | { k: 'ints'; v: readonly number[] }
  | { k: 'table'; f: readonly (Fb | undefined)[] }
  | { k: 'tables'; v: readonly Fb[] };

const inlineSize = (x: Fb) => (x.k === 'i8' ? 1 : x.k === 'u64' ? 8 : 4);

class Out {
  buf: number[] = [];
  align(n: number) {
    while (this.buf.length % n) this.buf.push(0);
  }
  put(pos: number, bytes: ArrayLike<number>) {
    for (let i = 0; i < bytes.length; i++) this.buf[pos + i] = bytes[i]!;
  }
  u32(pos: number, v: number) {
    const b = new DataView(new ArrayBuffer(4));
    b.setUint32(0, v >>> 0, true);
    this.put(pos, new Uint8Array(b.buffer));
  }
  i32(pos: number, v: number) {
    const b = new DataView(new ArrayBuffer(4));
    b.setInt32(0, v, true);
    this.put(pos, new Uint8Array(b.buffer));
  }
  u16(pos: number, v: number) {
    this.put(pos, [v & 0xff, v >> 8]);
  }
  reserve(n: number): number {
    const p = this.buf.length;
    for (let i = 0; i < n; i++) this.buf.push(0);
    return p;
  }
}

function writeObject(o: Out, x: Fb): number {
  o.align(8);
  switch (x.k) {
    case 'str':
    case 'bytes': {
      const b = x.k === 'str' ? new TextEncoder().encode(x.v) : x.v;
      const p = o.reserve(4 + b.length + 1);
      o.u32(p, b.length);
      o.put(p + 4, b);
      return p;
    }
    case 'ints': {
      const p = o.reserve(4 + 4 * x.v.length);
      o.u32(p, x.v.length);
      x.v.forEach((v, i) => {
        o.i32(p + 4 + 4 * i, v);
      });
      return p;
    }
    case 'tables': {
      const p = o.reserve(4 + 4 * x.v.length);
      o.u32(p, x.v.length);
      x.v.forEach((t, i) => {
        const at = p + 4 + 4 * i;
        o.u32(at, writeObject(o, t) - at);
      });
      return p;
    }
    case 'table': {
      const n = x.f.length;
      const vt = o.reserve(4 + 2 * n);
      o.align(4);
      const table = o.reserve(4);
      o.i32(table, table - vt);
      const offsets: number[] = [];
      const refs: [number, Fb][] = [];
      for (const f of x.f) {
        if (!f) {
          offsets.push(0);
          continue;
        }
        const size = inlineSize(f);
        o.align(size);
        const p = o.reserve(size);
        offsets.push(p - table);
        if (f.k === 'i8') o.put(p, [f.v & 0xff]);
        else if (f.k === 'i32') o.i32(p, f.v);
        else if (f.k === 'u32') o.u32(p, f.v);
        else if (f.k === 'u64') {
          const b = new DataView(new ArrayBuffer(8));
          b.setBigUint64(0, f.v, true);
          o.put(p, new Uint8Array(b.buffer));
        } else refs.push([p, f]);
      }
      o.u16(vt, 4 + 2 * n);
      o.u16(vt + 2, o.buf.length - table);
      offsets.forEach((off, i) => {
        o.u16(vt + 4 + 2 * i, off);
      });
      for (const [p, f] of refs) o.u32(p, writeObject(o, f) - p);
      return table;
    }
    default:
      throw new Error(`not an object: ${x.k}`);
  }
}

export function flatbuffer(root: Fb, identifier = 'TFL3'): Uint8Array {
  const o = new Out();
  o.reserve(8);
  o.put(4, new TextEncoder().encode(identifier));
  const r = writeObject(o, root);
  o.u32(0, r);
  return new Uint8Array(o.buf);
}

// ---------------------------------------------------------------- TFLite shapes (schema.fbs)

export const opcode = (builtin: number, custom?: string): Fb => ({
  k: 'table',
  f: [
    { k: 'i8', v: Math.min(builtin, 127) },
    custom === undefined ? undefined : { k: 'str', v: custom },
    { k: 'i32', v: 1 },
    { k: 'i32', v: builtin },
  ],
});
export const CUSTOM = 32;

export interface TfliteSpec {
  readonly opcodes: readonly Fb[];
  readonly buffers?: readonly Fb[];
  /** opcode_index of each operator in the single subgraph. */
  readonly operators?: readonly number[];
  /** buffer index of each tensor. */
  readonly tensors?: readonly number[];
}

export const inlineBuffer = (bytes = new Uint8Array(0)): Fb => ({ k: 'table', f: [{ k: 'bytes', v: bytes }] });
export const externalBuffer = (offset: bigint, size: bigint): Fb => ({
  k: 'table',
  f: [undefined, { k: 'u64', v: offset }, { k: 'u64', v: size }],
});

export function tfliteModel(s: TfliteSpec): Uint8Array {
  const tensors: Fb = {
    k: 'tables',
    v: (s.tensors ?? [1]).map((b) => ({
      k: 'table',
      f: [
        { k: 'ints', v: [1, 4] },
        { k: 'i8', v: 0 },
        { k: 'u32', v: b },
        { k: 'str', v: 't' },
      ],
    })),
  };
  const ops: Fb = {
    k: 'tables',
    v: (s.operators ?? [0]).map((i) => ({
      k: 'table',
      f: [
        { k: 'u32', v: i },
        { k: 'ints', v: [0] },
        { k: 'ints', v: [0] },
      ],
    })),
  };
  const subgraph: Fb = {
    k: 'table',
    f: [tensors, { k: 'ints', v: [0] }, { k: 'ints', v: [0] }, ops, { k: 'str', v: 'main' }],
  };
  return flatbuffer({
    k: 'table',
    f: [
      { k: 'u32', v: 3 },
      { k: 'tables', v: s.opcodes },
      { k: 'tables', v: [subgraph] },
      { k: 'str', v: 'MLIR Converted.' },
      { k: 'tables', v: s.buffers ?? [inlineBuffer(), inlineBuffer(new Uint8Array(16))] },
    ],
  });
}
