import { createHash, verify, type X509Certificate } from 'node:crypto';
import { children, content, type DerNode, encode, expectTag, oidString, readNode, TAG, whole } from './der.js';
import { type CertAuthority, sameBytes, within } from './trust-root.js';
import { certFromBase64, extKeyUsages, verifyChain } from './x509.js';

const OIDS = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

const HASHES: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

export interface TimestampCheck {
  readonly ok: boolean;
  readonly error?: string;
  readonly time?: Date;
  readonly tsa?: string;
}

/**
 * Verifies an RFC 3161 timestamp over a signature, offline: the TSTInfo imprint is the hash of
 * `signature`; the CMS signed attributes carry the TSTInfo digest and are signed by a TSA
 * certificate (timeStamping EKU) that chains to a timestamp authority of the trusted root valid
 * at the stamped time. Hand-written because node:crypto has no CMS; every field read is
 * length-checked by the DER reader.
 */
export function verifyTimestamp(b64: string, signature: Uint8Array, tsas: readonly CertAuthority[]): TimestampCheck {
  try {
    const signedData = signedDataOf(readNode(new Uint8Array(Buffer.from(b64, 'base64'))));
    const sd = children(signedData);
    const encap = children(expectTag(sd[2], TAG.SEQUENCE, 'encapContentInfo'));
    if (oidString(expectTag(encap[0], TAG.OID, 'eContentType')) !== OIDS.tstInfo) return bad('not a TSTInfo token');
    const tstDer = content(expectTag(children(expectTag(encap[1], 0xa0, 'eContent'))[0], TAG.OCTET_STRING, 'eContent'));
    const tst = children(expectTag(readNode(tstDer), TAG.SEQUENCE, 'TSTInfo'));
    const imprint = children(expectTag(tst[2], TAG.SEQUENCE, 'messageImprint'));
    const imprintHash = HASHES[oidString(children(expectTag(imprint[0], TAG.SEQUENCE, 'hashAlgorithm'))[0]!)];
    if (imprintHash === undefined) return bad('unsupported imprint hash');
    const hashed = content(expectTag(imprint[1], TAG.OCTET_STRING, 'hashedMessage'));
    if (!sameBytes(hashed, createHash(imprintHash).update(signature).digest())) {
      return bad('timestamp covers another signature (message imprint mismatch)');
    }
    const genTime = generalizedTime(expectTag(tst[4], 0x18, 'genTime'));

    const certs = sd.find((n) => n.tag === 0xa0);
    const embedded = certs ? children(certs).map((c) => certFromBase64(Buffer.from(whole(c)).toString('base64'))) : [];
    const signerInfos = children(expectTag(sd.at(-1), TAG.SET, 'signerInfos'));
    const si = children(expectTag(signerInfos[0], TAG.SEQUENCE, 'SignerInfo'));
    const digestAlg = HASHES[oidString(children(expectTag(si[2], TAG.SEQUENCE, 'digestAlgorithm'))[0]!)];
    const attrsNode = expectTag(si[3], 0xa0, 'signedAttrs');
    const sigAlg = HASHES[oidString(children(expectTag(si[4], TAG.SEQUENCE, 'signatureAlgorithm'))[0]!)] ?? digestAlg;
    const sigValue = content(expectTag(si[5], TAG.OCTET_STRING, 'signature'));
    if (digestAlg === undefined || sigAlg === undefined) return bad('unsupported signer algorithms');
    const attrs = new Map<string, DerNode>();
    for (const a of children(attrsNode)) {
      const f = children(expectTag(a, TAG.SEQUENCE, 'Attribute'));
      attrs.set(oidString(expectTag(f[0], TAG.OID, 'attrType')), children(expectTag(f[1], TAG.SET, 'attrValues'))[0]!);
    }
    const ct = attrs.get(OIDS.contentType);
    if (ct === undefined || oidString(ct) !== OIDS.tstInfo)
      return bad('signed attributes lack the TSTInfo content type');
    const md = attrs.get(OIDS.messageDigest);
    if (md === undefined || !sameBytes(content(md), createHash(digestAlg).update(tstDer).digest())) {
      return bad('signed attributes do not match the TSTInfo');
    }
    // The signature covers the attributes re-encoded as a SET (RFC 5652 §5.4).
    const signedBytes = encode(TAG.SET, content(attrsNode));

    for (const authority of tsas.filter((t) => within(t, genTime))) {
      for (const cert of [...embedded, ...authority.certs]) {
        if (!verifyQuiet(sigAlg, signedBytes, cert, sigValue)) continue;
        if (!(extKeyUsages(new Uint8Array(cert.raw)) ?? []).includes(OIDS.timeStamping)) continue;
        const chain = verifyChain(cert, embedded, authority.certs, genTime);
        if (chain.ok) return { ok: true, time: genTime, tsa: cert.subject.replace(/\n/g, ', ') };
      }
    }
    return bad('timestamp is not signed by a timestamp authority of the trusted root');
  } catch (e) {
    return bad(`malformed timestamp: ${(e as Error).message}`);
  }
}

const bad = (error: string): TimestampCheck => ({ ok: false, error });

/** A TimeStampResp (status + token) or a bare ContentInfo token; returns the SignedData. */
function signedDataOf(top: DerNode): DerNode {
  let ci = expectTag(top, TAG.SEQUENCE, 'timestamp');
  const first = children(ci);
  if (first[0]?.tag === TAG.SEQUENCE && first[1]?.tag === TAG.SEQUENCE) {
    const status = content(expectTag(children(first[0])[0], TAG.INTEGER, 'status'));
    if (status.length !== 1 || status[0]! > 1) throw new Error('timestamp request was not granted');
    ci = first[1];
  }
  const f = children(ci);
  if (oidString(expectTag(f[0], TAG.OID, 'contentType')) !== OIDS.signedData) throw new Error('not CMS SignedData');
  return expectTag(children(expectTag(f[1], 0xa0, 'content'))[0], TAG.SEQUENCE, 'SignedData');
}

function generalizedTime(n: DerNode): Date {
  const s = new TextDecoder().decode(content(n));
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/.exec(s);
  if (m === null) throw new Error(`bad GeneralizedTime ${s}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '0').slice(0, 3).padEnd(3, '0')}Z`);
}

function verifyQuiet(hash: string, data: Uint8Array, cert: X509Certificate, sig: Uint8Array): boolean {
  try {
    return verify(hash, data, cert.publicKey, sig);
  } catch {
    return false;
  }
}
