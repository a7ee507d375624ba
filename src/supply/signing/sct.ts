import { createHash, verify, type X509Certificate } from 'node:crypto';
import { content, encode, expectTag, readNode, TAG, whole } from './der.js';
import { sameBytes, type TrustRoot, within } from './trust-root.js';
import { certParts, OID } from './x509.js';

/**
 * Verifies that at least one certificate transparency SCT embedded in a Fulcio certificate is
 * signed by a CT log of the trusted root (RFC 6962 §3.2, precertificate entry: the signed TBS
 * is the certificate's TBS without the SCT-list extension).
 */
export function verifyEmbeddedSct(leaf: X509Certificate, issuer: X509Certificate, root: TrustRoot): string | undefined {
  const der = new Uint8Array(leaf.raw);
  const parts = certParts(der);
  const sctExt = parts.extensions.find((e) => e.oid === OID.sctList);
  if (sctExt === undefined) return 'certificate has no embedded SCT';
  const list = content(expectTag(readNode(sctExt.value), TAG.OCTET_STRING, 'SCT list'));
  const scts = parseSctList(list);
  if (scts.length === 0) return 'SCT list is empty';

  const others = parts.extensions.filter((e) => e !== sctExt).map((e) => whole(e.node));
  const tbsFields = parts.tbsChildren.map((c, i) =>
    i === parts.extensionsIndex ? encode(0xa3, encode(TAG.SEQUENCE, ...others)) : whole(c),
  );
  const precertTbs = encode(TAG.SEQUENCE, ...tbsFields);
  const issuerKeyHash = createHash('sha256')
    .update(issuer.publicKey.export({ type: 'spki', format: 'der' }))
    .digest();

  for (const sct of scts) {
    const log = root.ctlogs.find((l) => sameBytes(l.keyId, sct.logId));
    if (log === undefined || !within(log, new Date(Number(sct.timestamp)))) continue;
    const signed = Buffer.concat([
      Uint8Array.of(0, 0),
      u64(sct.timestamp),
      Uint8Array.of(0, 1),
      issuerKeyHash,
      u24(precertTbs.length),
      precertTbs,
      u16(sct.extensions.length),
      sct.extensions,
    ]);
    try {
      if (verify(sct.hashAlg === 4 ? 'sha256' : sct.hashAlg === 5 ? 'sha384' : 'sha512', signed, log.key, sct.sig)) {
        return undefined;
      }
    } catch {
      // An unparseable signature is just not a valid one; try the next SCT.
    }
  }
  return 'no embedded SCT verifies under a CT log key of the trusted root';
}

interface Sct {
  readonly logId: Uint8Array;
  readonly timestamp: bigint;
  readonly extensions: Uint8Array;
  readonly hashAlg: number;
  readonly sig: Uint8Array;
}

function parseSctList(b: Uint8Array): Sct[] {
  const out: Sct[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 2 || view.getUint16(0) !== b.length - 2) return out;
  let p = 2;
  while (p + 2 <= b.length && out.length < 16) {
    const len = view.getUint16(p);
    p += 2;
    if (p + len > b.length) break;
    const s = b.subarray(p, p + len);
    p += len;
    const sv = new DataView(s.buffer, s.byteOffset, s.byteLength);
    if (s.length < 47 || s[0] !== 0) continue;
    const extLen = sv.getUint16(41);
    const q = 43 + extLen;
    if (q + 4 > s.length) continue;
    const sigLen = sv.getUint16(q + 2);
    if (q + 4 + sigLen > s.length) continue;
    out.push({
      logId: s.subarray(1, 33),
      timestamp: sv.getBigUint64(33),
      extensions: s.subarray(43, q),
      hashAlg: s[q]!,
      sig: s.subarray(q + 4, q + 4 + sigLen),
    });
  }
  return out;
}

const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const u24 = (n: number) => Uint8Array.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
};
