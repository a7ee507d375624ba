/**
 * Payloads handed to loader functions inside a pickle (`pickle.loads(b'…')`,
 * `torch.load(io.BytesIO(b'…'))`, `marshal.loads(b'…')`): finding the bytes argument, and the
 * `.pkl` records of a `torch.save` zip held in memory (stored, uncompressed: that is how
 * `torch.save` writes them). This is not a zip scanner: archives on disk go through the engine.
 */
import { BYTES_WRAPPERS } from './globals.js';
import { asGlobal, BytesRef, CallResult, LongStr, Seq, type Value } from './values.js';

export interface Payload {
  readonly bytes: Uint8Array;
  /** Offset of the payload inside the analysed buffer, when it is a slice of it. */
  readonly offset: number | undefined;
}

/** The serialised payload among a loader call's arguments, if it is literal data. */
export function payloadArg(args: Value): Payload | undefined {
  let first: Value | undefined = args instanceof Seq && args.kind !== 'dict' ? args.items[0] : undefined;
  if (first instanceof CallResult) {
    const g = asGlobal(first.callee);
    if (g && BYTES_WRAPPERS.has(g.path)) first = first.args instanceof Seq ? first.args.items[0] : undefined;
  }
  if (first instanceof BytesRef) return { bytes: first.view(), offset: first.start };
  if (typeof first === 'string') return { bytes: latin1Bytes(first), offset: undefined };
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

const MAX_RECORDS = 4096;

/**
 * Walks local file headers of an in-memory zip and returns stored (method 0) `.pkl` records.
 * Returns undefined when the layout is not one this walk can follow (compressed, descriptors).
 */
export function storedPickleRecords(b: Uint8Array): StoredRecord[] | undefined {
  const out: StoredRecord[] = [];
  let p = 0;
  for (let i = 0; i < MAX_RECORDS && p + 30 <= b.length; i++) {
    if (b[p] !== 0x50 || b[p + 1] !== 0x4b || b[p + 2] !== 0x03 || b[p + 3] !== 0x04) break;
    const u16 = (o: number) => (b[p + o] as number) | ((b[p + o + 1] as number) << 8);
    const u32 = (o: number) => u16(o) + u16(o + 2) * 0x10000;
    const flags = u16(6);
    const method = u16(8);
    const size = u32(18);
    const nameLen = u16(26);
    const extraLen = u16(28);
    const dataStart = p + 30 + nameLen + extraLen;
    if (flags & 0x08 || dataStart + size > b.length) return undefined;
    const name = new TextDecoder('utf-8').decode(b.subarray(p + 30, p + 30 + nameLen));
    if (method !== 0 && name.endsWith('.pkl')) return undefined;
    if (name.endsWith('.pkl')) out.push({ name, start: dataStart, length: size });
    p = dataStart + size;
  }
  return out.length ? out : undefined;
}

/** PyTorch's legacy format starts with a pickled magic number (LONG1 0x1950a86a20f9469cfc6c). */
export function isTorchLegacy(b: Uint8Array): boolean {
  return b.length > 12 && b[0] === 0x80 && b[2] === 0x8a && b[3] === 0x0a && b[4] === 0x6c && b[5] === 0xfc;
}
