/**
 * A tiny protobuf encoder for building ONNX and TensorFlow files in tests (field numbers only,
 * per https://protobuf.dev/programming-guides/encoding/). Each helper returns the encoded field;
 * `msg` concatenates fields into a message body.
 */
export type Bytes = Uint8Array;

export function varintBytes(v: number | bigint): Bytes {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return new Uint8Array(out);
}

export function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const tag = (no: number, wire: number) => varintBytes((no << 3) | wire);

/** A varint field (int32/int64/uint64/bool/enum). */
export const pbVarint = (no: number, v: number | bigint | boolean): Bytes =>
  concat(tag(no, 0), varintBytes(typeof v === 'boolean' ? (v ? 1 : 0) : v));

/** A length-delimited field from bytes or a UTF-8 string. */
export const pbBytes = (no: number, v: Bytes | string): Bytes => {
  const b = typeof v === 'string' ? new TextEncoder().encode(v) : v;
  return concat(tag(no, 2), varintBytes(b.length), b);
};

/** An embedded message. */
export const pbMsg = (no: number, ...fields: Bytes[]): Bytes => pbBytes(no, concat(...fields));

/** A length-delimited field whose declared length is a lie (hostile files). */
export const pbLyingLength = (no: number, declared: number | bigint, actual: Bytes): Bytes =>
  concat(tag(no, 2), varintBytes(declared), actual);

export const pbFloat = (no: number, v: number): Bytes => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return concat(tag(no, 5), b);
};

/** A packed repeated varint field. */
export const pbPacked = (no: number, vs: readonly (number | bigint)[]): Bytes =>
  pbBytes(no, concat(...vs.map(varintBytes)));

/** A `map<string, V>` entry: key = 1, value = 2. */
export const pbMapEntry = (no: number, key: string, value: Bytes): Bytes => pbMsg(no, pbBytes(1, key), value);
