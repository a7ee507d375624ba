/**
 * Protocol Buffers wire format, field numbers only (no schemas, no generated code), per
 * https://protobuf.dev/programming-guides/encoding/. Hand-written because ONNX and TensorFlow
 * files are untrusted input: every length is checked against its enclosing message before use,
 * varints are capped at 10 bytes, and groups (wire types 3/4, unused by ONNX and TF) are refused.
 */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

export interface WireField {
  readonly no: number;
  readonly wire: number;
  /** Offset of the value (after the tag, and after the length for LEN fields). */
  readonly start: number;
  /** Offset one past the value. */
  readonly end: number;
  /** The decoded value of a VARINT field. */
  readonly varint?: bigint;
}

/** Decodes a varint at `pos`; undefined when it runs past `end` or exceeds 10 bytes. */
export function decodeVarint(buf: Uint8Array, pos: number, end = buf.length): [bigint, number] | undefined {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return undefined;
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result & 0xffffffffffffffffn, pos];
    shift += 7n;
  }
  return undefined;
}

/**
 * Reads one field header and value bounds at `pos` within [pos, end). `limit` is the real end of
 * the enclosing message (may exceed the bytes in `buf` when only a head is available). Returns
 * undefined on malformed input.
 */
export function decodeField(buf: Uint8Array, pos: number, end: number, limit = end): WireField | undefined {
  const tag = decodeVarint(buf, pos, end);
  if (!tag) return undefined;
  const [t, p] = tag;
  const no = Number(t >> 3n);
  const wire = Number(t & 7n);
  if (no < 1 || no > 536_870_911) return undefined;
  switch (wire) {
    case WIRE.VARINT: {
      const v = decodeVarint(buf, p, end);
      return v ? { no, wire, start: p, end: v[1], varint: v[0] } : undefined;
    }
    case WIRE.I64:
      return p + 8 <= limit ? { no, wire, start: p, end: p + 8 } : undefined;
    case WIRE.I32:
      return p + 4 <= limit ? { no, wire, start: p, end: p + 4 } : undefined;
    case WIRE.LEN: {
      const l = decodeVarint(buf, p, end);
      if (!l) return undefined;
      const [len, q] = l;
      if (len > BigInt(limit - q)) return undefined;
      return { no, wire, start: q, end: q + Number(len) };
    }
    default:
      return undefined;
  }
}

/** Two's-complement view of a 64-bit varint (int64 fields). */
export function asInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Small non-negative integers as numbers; anything larger than 2^53 stays out of reach. */
export function asNumber(v: bigint | undefined): number | undefined {
  return v !== undefined && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}
