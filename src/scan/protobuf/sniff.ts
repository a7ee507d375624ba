import { decodeField, WIRE, type WireField } from './wire.js';

/**
 * The fields visible in a file's head, for structural sniffing of protobuf formats (which have no
 * magic). Returns undefined when the bytes are not a well-formed protobuf stream; stops quietly
 * where the head was cut off. `size` bounds declared lengths by the real file size.
 */
export function headFields(head: Uint8Array, size: number, max = 32): WireField[] | undefined {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < head.length && out.length < max) {
    const f = decodeField(head, pos, head.length, size);
    if (!f) return head.length - pos < 20 && out.length > 0 ? out : undefined;
    out.push(f);
    if (f.end > head.length) break;
    pos = f.end;
  }
  return out;
}

/** Fields of a nested message whose bytes are (at least partly) inside the head. */
export function nestedHeadFields(head: Uint8Array, f: WireField, max = 16): WireField[] | undefined {
  if (f.wire !== WIRE.LEN) return undefined;
  const end = Math.min(f.end, head.length);
  const sub = head.subarray(f.start, end);
  const fields = headFields(sub, f.end - f.start, max);
  return fields?.map((x) => ({ ...x, start: x.start + f.start, end: x.end + f.start }));
}

/** True when the bytes of a LEN field that are in the head are printable UTF-8 text. */
export function isTextField(head: Uint8Array, f: WireField, allowNewlines = false): boolean {
  if (f.wire !== WIRE.LEN) return false;
  const bytes = head.subarray(f.start, Math.min(f.end, head.length));
  for (const b of bytes) {
    if (b === 0x7f) return false;
    if (b < 0x20 && !(allowNewlines && (b === 0x0a || b === 0x0d || b === 0x09))) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
  } catch {
    return false;
  }
  return true;
}
