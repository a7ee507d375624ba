/**
 * Builds safetensors files in memory, following the format described in the huggingface/safetensors
 * README: u64 little-endian header length, JSON header, then the data section. Used to make
 * malformed and hostile variants that no real writer would produce.
 */
export interface StTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly offsets: readonly [number, number];
}

export interface StOptions {
  readonly metadata?: Record<string, unknown>;
  /** Raw header text, replacing the generated JSON. */
  readonly headerText?: string;
  /** Size of the data section; defaults to the largest end offset. */
  readonly dataBytes?: number;
  /** Value written in the length field instead of the real header length. */
  readonly declaredLength?: bigint;
  /** Pad the header with spaces to a multiple of 8, as the reference writer does. */
  readonly pad?: boolean;
}

export function safetensorsBytes(tensors: readonly StTensor[], opts: StOptions = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  for (const t of tensors) header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: t.offsets };
  let text = opts.headerText ?? JSON.stringify(header);
  if (opts.pad ?? true) text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const hb = Buffer.from(text, 'utf8');
  const dataBytes = opts.dataBytes ?? Math.max(0, ...tensors.map((t) => t.offsets[1]));
  const out = new Uint8Array(8 + hb.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, opts.declaredLength ?? BigInt(hb.length), true);
  out.set(hb, 8);
  return out;
}

/** Contiguous F32 tensors with the given shapes, the way `safetensors.torch.save_file` lays them out. */
export function contiguousF32(shapes: Record<string, readonly number[]>): StTensor[] {
  let off = 0;
  return Object.entries(shapes).map(([name, shape]) => {
    const n = shape.reduce((p, d) => p * d, 1) * 4;
    const t: StTensor = { name, dtype: 'F32', shape, offsets: [off, off + n] };
    off += n;
    return t;
  });
}
