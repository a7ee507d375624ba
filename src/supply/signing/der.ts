/**
 * A minimal DER reader/writer for the few X.509 and RFC 6962 structures verification needs
 * (extensions, SAN, SCT list, precertificate TBS). node:crypto's X509Certificate does chain
 * and signature checks but exposes neither raw extensions nor TBS bytes. Hand-written rather
 * than pulled from a dependency: it is small, bounded and every read is length-checked.
 */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export interface DerNode {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  readonly tag: number;
  /** Offset of the identifier octet in `buf`. */
  readonly start: number;
  /** Offset of the contents. */
  readonly contentStart: number;
  /** Offset one past the last content octet. */
  readonly end: number;
  readonly buf: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function readNode(buf: Uint8Array, offset = 0, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw new DerError(`truncated DER header at ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte DER tag at ${offset}`);
  let p = offset + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError(`unsupported DER length form at ${offset}`);
    if (p + n > limit) throw new DerError(`truncated DER length at ${offset}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit) throw new DerError(`DER value overruns its container at ${offset}`);
  return { tag, start: offset, contentStart: p, end: p + len, buf };
}

export function content(n: DerNode): Uint8Array {
  return n.buf.subarray(n.contentStart, n.end);
}

export function whole(n: DerNode): Uint8Array {
  return n.buf.subarray(n.start, n.end);
}

/** Children of a constructed node; bounded by its length, so never more than its bytes. */
export function children(n: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let p = n.contentStart;
  while (p < n.end) {
    const c = readNode(n.buf, p, n.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expectTag(n: DerNode | undefined, tag: number, what: string): DerNode {
  if (n === undefined || n.tag !== tag) throw new DerError(`expected ${what}`);
  return n;
}

export function oidString(n: DerNode): string {
  const b = content(n);
  if (b.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (const byte of b) {
    v = v * 128 + (byte & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function encodeLength(len: number): number[] {
  if (len < 0x80) return [len];
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function encode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const head = Uint8Array.from([tag, ...encodeLength(len)]);
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let p = head.length;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
