/**
 * GGUF writer for tests, following ggml-org/ggml docs/gguf.md: magic, version, tensor and KV
 * counts, KV pairs, tensor infos, padding to the alignment, tensor data. Counts, lengths and
 * offsets can be overridden to build hostile files no real writer emits.
 */
export type GgufValue =
  | { t: 'str'; v: string; declaredLength?: bigint }
  | { t: 'u32'; v: number }
  | { t: 'u64'; v: bigint }
  | { t: 'f32'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'raw'; type: number; bytes: Uint8Array }
  | { t: 'arr'; of: number; items: GgufValue[]; declaredCount?: bigint };

export interface GgufTensorSpec {
  readonly name: string;
  readonly dims: readonly bigint[] | readonly number[];
  readonly type?: number;
  readonly offset?: bigint;
}

export interface GgufSpec {
  readonly version?: number;
  readonly bigEndian?: boolean;
  readonly kv: readonly (readonly [string, GgufValue])[];
  readonly tensors?: readonly GgufTensorSpec[];
  readonly alignment?: number;
  readonly tensorCount?: bigint;
  readonly kvCount?: bigint;
  /** Data bytes appended after the aligned header; defaults to exactly what the tensors need (F32 only). */
  readonly dataBytes?: number;
}

class W {
  parts: number[] = [];
  constructor(
    readonly le: boolean,
    readonly wide: boolean,
  ) {}
  num(n: number | bigint, size: 1 | 2 | 4 | 8) {
    const b = new DataView(new ArrayBuffer(size));
    if (size === 1) b.setUint8(0, Number(n));
    else if (size === 2) b.setUint16(0, Number(n), this.le);
    else if (size === 4) b.setUint32(0, Number(n), this.le);
    else b.setBigUint64(0, BigInt(n), this.le);
    this.parts.push(...new Uint8Array(b.buffer));
  }
  count(n: number | bigint) {
    this.num(n, this.wide ? 8 : 4);
  }
  str(s: string, declared?: bigint) {
    const b = Buffer.from(s, 'utf8');
    this.count(declared ?? BigInt(b.length));
    for (const x of b) this.parts.push(x);
  }
  value(v: GgufValue, withType: boolean) {
    const typeOf = { str: 8, u32: 4, u64: 10, f32: 6, bool: 7, arr: 9 } as const;
    if (withType) this.num(v.t === 'raw' ? v.type : typeOf[v.t], 4);
    switch (v.t) {
      case 'str':
        return this.str(v.v, v.declaredLength);
      case 'u32':
        return this.num(v.v, 4);
      case 'u64':
        return this.num(v.v, 8);
      case 'f32': {
        const b = new DataView(new ArrayBuffer(4));
        b.setFloat32(0, v.v, this.le);
        this.parts.push(...new Uint8Array(b.buffer));
        return;
      }
      case 'bool':
        return this.num(v.v ? 1 : 0, 1);
      case 'raw':
        this.parts.push(...v.bytes);
        return;
      case 'arr':
        this.num(v.of, 4);
        this.count(v.declaredCount ?? BigInt(v.items.length));
        for (const it of v.items) this.value(it, false);
    }
  }
}

export function ggufBytes(spec: GgufSpec): Uint8Array {
  const version = spec.version ?? 3;
  const w = new W(!spec.bigEndian, version >= 2);
  w.parts.push(0x47, 0x47, 0x55, 0x46);
  w.num(version, 4);
  const tensors = spec.tensors ?? [];
  w.count(spec.tensorCount ?? BigInt(tensors.length));
  const kv =
    spec.alignment === undefined
      ? spec.kv
      : [...spec.kv, ['general.alignment', { t: 'u32', v: spec.alignment }] as const];
  w.count(spec.kvCount ?? BigInt(kv.length));
  for (const [k, v] of kv) {
    w.str(k);
    w.value(v, true);
  }
  const align = spec.alignment ?? 32;
  let off = 0n;
  let need = 0n;
  for (const t of tensors) {
    w.str(t.name);
    w.num(t.dims.length, 4);
    for (const d of t.dims) w.count(BigInt(d));
    w.num(t.type ?? 0, 4);
    const o = t.offset ?? off;
    w.num(o, 8);
    const bytes = t.dims.reduce<bigint>((p, d) => p * BigInt(d), 1n) * 4n;
    off = o + ((bytes + BigInt(align) - 1n) / BigInt(align)) * BigInt(align);
    need = o + bytes > need ? o + bytes : need;
  }
  while (w.parts.length % align !== 0) w.parts.push(0);
  const data = spec.dataBytes ?? Number(need);
  const out = new Uint8Array(w.parts.length + data);
  out.set(w.parts);
  return out;
}

export const str = (v: string): GgufValue => ({ t: 'str', v });
export const u32 = (v: number): GgufValue => ({ t: 'u32', v });
