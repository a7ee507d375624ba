import { X509Certificate } from 'node:crypto';
import { children, content, DerError, type DerNode, expectTag, oidString, readNode, TAG } from './der.js';

export const OID = {
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  /** Fulcio: OIDC issuer, raw string (deprecated) and DER UTF8String forms. */
  fulcioIssuerV1: '1.3.6.1.4.1.57264.1.1',
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
} as const;

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's contents (itself DER for most extensions). */
  readonly value: Uint8Array;
  /** The whole Extension SEQUENCE, for re-encoding the TBS without it. */
  readonly node: DerNode;
}

export interface CertParts {
  readonly tbs: DerNode;
  readonly tbsChildren: DerNode[];
  readonly extensionsIndex: number;
  readonly extensions: Extension[];
}

/** Splits a DER certificate into its TBS fields and extensions. */
export function certParts(der: Uint8Array): CertParts {
  const cert = expectTag(readNode(der), TAG.SEQUENCE, 'Certificate SEQUENCE');
  const tbs = expectTag(children(cert)[0], TAG.SEQUENCE, 'TBSCertificate');
  const tbsChildren = children(tbs);
  const extensionsIndex = tbsChildren.findIndex((c) => c.tag === 0xa3);
  const extensions: Extension[] = [];
  if (extensionsIndex >= 0) {
    const seq = expectTag(children(tbsChildren[extensionsIndex]!)[0], TAG.SEQUENCE, 'Extensions');
    for (const ext of children(seq)) {
      const f = children(expectTag(ext, TAG.SEQUENCE, 'Extension'));
      const oid = oidString(expectTag(f[0], TAG.OID, 'extnID'));
      const critical = f.length === 3 && f[1]!.tag === TAG.BOOLEAN && content(f[1]!)[0] !== 0;
      const value = content(expectTag(f[f.length - 1], TAG.OCTET_STRING, 'extnValue'));
      extensions.push({ oid, critical, value, node: ext });
    }
  }
  return { tbs, tbsChildren, extensionsIndex, extensions };
}

export function extension(der: Uint8Array, oid: string): Extension | undefined {
  return certParts(der).extensions.find((e) => e.oid === oid);
}

/** KeyUsage bit n (0 = digitalSignature, 5 = keyCertSign), or undefined if absent. */
export function keyUsageBit(der: Uint8Array, bit: number): boolean | undefined {
  const ext = extension(der, OID.keyUsage);
  if (ext === undefined) return undefined;
  const bits = content(expectTag(readNode(ext.value), TAG.BIT_STRING, 'KeyUsage BIT STRING'));
  const byte = bits[1 + (bit >> 3)];
  return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
}

export function extKeyUsages(der: Uint8Array): string[] | undefined {
  const ext = extension(der, OID.extKeyUsage);
  if (ext === undefined) return undefined;
  return children(expectTag(readNode(ext.value), TAG.SEQUENCE, 'ExtKeyUsage')).map(oidString);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Subject alternative names: rfc822Name, dNSName and URI values (Fulcio puts the identity there). */
export function subjectAltNames(der: Uint8Array): string[] {
  const ext = extension(der, OID.subjectAltName);
  if (ext === undefined) return [];
  const out: string[] = [];
  for (const gn of children(expectTag(readNode(ext.value), TAG.SEQUENCE, 'GeneralNames'))) {
    if (gn.tag === 0x81 || gn.tag === 0x82 || gn.tag === 0x86) out.push(latin1.decode(content(gn)));
  }
  return out;
}

/** The OIDC issuer Fulcio recorded in the certificate, newest encoding first. */
export function fulcioIssuer(der: Uint8Array): string | undefined {
  const v2 = extension(der, OID.fulcioIssuerV2);
  if (v2 !== undefined) return utf8.decode(content(expectTag(readNode(v2.value), TAG.UTF8_STRING, 'issuer')));
  const v1 = extension(der, OID.fulcioIssuerV1);
  return v1 === undefined ? undefined : utf8.decode(v1.value);
}

export function certFromBase64(b64: string): X509Certificate {
  return new X509Certificate(Buffer.from(b64, 'base64'));
}

/** All certificates in a PEM bundle (text outside BEGIN/END blocks is ignored). */
export function certsFromPem(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]{1,65536}?-----END CERTIFICATE-----/g)) {
    out.push(new X509Certificate(m[0]));
  }
  return out;
}

export function validAt(c: X509Certificate, at: Date): boolean {
  return new Date(c.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(c.validTo).getTime();
}

export interface ChainResult {
  readonly ok: boolean;
  readonly error?: string;
  /** Leaf first, trust anchor last. */
  readonly path: X509Certificate[];
}

const MAX_CHAIN = 8;

/**
 * Builds a path from the leaf to one of the trust anchors through the given intermediates,
 * checking at each hop: issuer name, signature, issuer is a CA (basicConstraints) allowed to
 * sign certificates (keyUsage keyCertSign when present), every certificate valid at `at`.
 * Path-length constraints, name constraints and policies are not evaluated.
 */
export function verifyChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): ChainResult {
  const path = [leaf];
  const isAnchor = (c: X509Certificate) => anchors.some((a) => a.fingerprint256 === c.fingerprint256);
  const seen = new Set([leaf.fingerprint256]);
  let cur = leaf;
  for (let depth = 0; depth <= MAX_CHAIN; depth++) {
    if (!validAt(cur, at)) {
      return { ok: false, path, error: `certificate "${cur.subject}" is not valid at ${at.toISOString()}` };
    }
    if (isAnchor(cur)) return { ok: true, path };
    const candidates = [...anchors, ...intermediates].filter((c) => !seen.has(c.fingerprint256));
    const issuer = candidates.find((c) => issues(c, cur));
    if (issuer === undefined) {
      return { ok: false, path, error: `no trusted issuer found for "${cur.subject}" (issuer "${cur.issuer}")` };
    }
    seen.add(issuer.fingerprint256);
    path.push(issuer);
    cur = issuer;
  }
  return { ok: false, path, error: 'certificate chain too long' };
}

function issues(issuer: X509Certificate, child: X509Certificate): boolean {
  try {
    if (!child.checkIssued(issuer) || !issuer.ca) return false;
    if (keyUsageBit(new Uint8Array(issuer.raw), 5) === false) return false;
    return child.verify(issuer.publicKey);
  } catch (e) {
    if (e instanceof DerError) return false;
    throw e;
  }
}
