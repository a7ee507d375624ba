/**
 * Payloads handed to loader functions inside a pickle (`pickle.loads(b'…')`,
 * `torch.load(io.BytesIO(b'…'))`, `marshal.loads(b'…')`): finding the bytes argument, and the
 * `.pkl` records of a `torch.save` zip passed as bytes (stored, uncompressed: that is how
 * `torch.save` writes them). This is not a zip scanner: archives on disk go through the engine.
 */
import { BYTES_WRAPPERS } from './call-shapes.js';
import { asGlobal, BytesRef, CallResult, LongStr, Seq, type Value } from './values.js';
import type { ReadRequest } from './window.js';

export interface Payload {
  /** Bytes that are not a slice of the analysed data (a `str` argument), held whole. */
  readonly inline: Uint8Array | undefined;
  /** Offset of the payload in the analysed data, for a bytes operand. */
  readonly offset: number | undefined;
  readonly length: number;
}

/** The serialised payload among a loader call's arguments, if it is literal data. */
export function payloadArg(args: Value): Payload | undefined {
  let first: Value | undefined = args instanceof Seq && args.kind !== 'dict' ? args.items[0] : undefined;
  if (first instanceof CallResult) {
    const g = asGlobal(first.callee);
    if (g && BYTES_WRAPPERS.has(g.path)) first = first.args instanceof Seq ? first.args.items[0] : undefined;
  }
  if (first instanceof BytesRef) return { inline: undefined, offset: first.start, length: first.length };
  if (typeof first === 'string') return { inline: latin1Bytes(first), offset: undefined, length: first.length };
  if (first instanceof LongStr) return undefined;
  return undefined;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export interface StoredRecord {
  readonly name: string;
  readonly start: number;
  readonly length: number;
}

/** Reads `length` bytes at `offset` of the payload (fewer at its end); see analyze.ts. */
export type PayloadRead = (offset: number, length: number) => Generator<ReadRequest, Uint8Array, Uint8Array>;

const MAX_RECORDS = 4096;
const utf8 = new TextDecoder('utf-8');

/**
 * Walks local file headers of a zip payload of `size` bytes and returns stored (method 0)
 * `.pkl` records; only the headers are read, never the records. Returns undefined when the
 * layout is not one this walk can follow (compressed, descriptors).
 */
export function* storedPickleRecords(
  read: PayloadRead,
  size: number,
): Generator<ReadRequest, StoredRecord[] | undefined, Uint8Array> {
  const out: StoredRecord[] = [];
  let p = 0;
  for (let i = 0; i < MAX_RECORDS && p + 30 <= size; i++) {
    const h = yield* read(p, 30);
    if (h.length < 30 || h[0] !== 0x50 || h[1] !== 0x4b || h[2] !== 0x03 || h[3] !== 0x04) break;
    const u16 = (o: number) => (h[o] as number) | ((h[o + 1] as number) << 8);
    const u32 = (o: number) => u16(o) + u16(o + 2) * 0x10000;
    const flags = u16(6);
    const method = u16(8);
    const length = u32(18);
    const nameLen = u16(26);
    const extraLen = u16(28);
    const dataStart = p + 30 + nameLen + extraLen;
    if (flags & 0x08 || dataStart + length > size) return undefined;
    const name = utf8.decode(yield* read(p + 30, nameLen));
    if (method !== 0 && name.endsWith('.pkl')) return undefined;
    if (name.endsWith('.pkl')) out.push({ name, start: dataStart, length });
    p = dataStart + length;
  }
  return out.length ? out : undefined;
}

/** PyTorch's legacy format starts with a pickled magic number (LONG1 0x1950a86a20f9469cfc6c). */
export function isTorchLegacy(b: Uint8Array): boolean {
  return b.length > 12 && b[0] === 0x80 && b[2] === 0x8a && b[3] === 0x0a && b[4] === 0x6c && b[5] === 0xfc;
}
