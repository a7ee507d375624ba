/** DSSE (https://github.com/secure-systems-lab/dsse, protocol v1) as OMS uses it. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

const enc = new TextEncoder();

/** Pre-Authentication Encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = enc.encode(payloadType);
  const head = enc.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/**
 * The PAE of model_signing v0.2.x, kept only to verify signatures it made: it wrote
 * "DSSEV1" and interpolated Python's `repr()` of the payload bytes (b'...' with escapes)
 * instead of the bytes themselves. Never used for signing.
 */
export function paeLegacy(payloadType: string, payload: Uint8Array): Uint8Array {
  return enc.encode(
    `DSSEV1 ${enc.encode(payloadType).length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`,
  );
}

/** CPython's `repr(bytes)`: quote choice, \\ \' \t \n \r escapes, \xNN outside printable ASCII. */
export function pythonBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const hasDouble = b.includes(0x22);
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let s = '';
  for (const c of b) {
    if (c === quote || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c >= 0x7f) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
  }
  const q = String.fromCharCode(quote);
  return `b${q}${s}${q}`;
}

/** Strict base64 (standard or URL alphabet, padding optional) so garbage is an error, not silently dropped. */
export function decodeBase64(s: string, what: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) {
    throw new Error(`${what} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64'));
}
