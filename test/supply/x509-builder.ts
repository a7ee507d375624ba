import { type KeyObject, sign } from 'node:crypto';
import { encode, TAG } from '../../src/supply/signing/der.js';

/** Builds small X.509 v3 certificates in code (ECDSA P-256, SHA-256) for chain-validation tests. */
export interface CertSpec {
  readonly subject: string;
  readonly issuer: string;
  readonly publicKey: KeyObject;
  readonly signer: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca?: boolean;
  /** KeyUsage bits: 0 digitalSignature, 5 keyCertSign. */
  readonly keyUsage?: readonly number[];
  readonly extKeyUsage?: readonly string[];
  readonly serial?: number;
}

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes: number[] = [a * 40 + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return encode(TAG.OID, Uint8Array.from(bytes));
}

const utf8 = (s: string) => encode(TAG.UTF8_STRING, new TextEncoder().encode(s));
const name = (cn: string) => encode(TAG.SEQUENCE, encode(TAG.SET, encode(TAG.SEQUENCE, oid('2.5.4.3'), utf8(cn))));
const time = (d: Date) =>
  encode(0x17, new TextEncoder().encode(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const ext = (id: string, critical: boolean, value: Uint8Array) =>
  encode(
    TAG.SEQUENCE,
    oid(id),
    ...(critical ? [encode(TAG.BOOLEAN, Uint8Array.of(0xff))] : []),
    encode(TAG.OCTET_STRING, value),
  );

export function buildCert(spec: CertSpec): string {
  const ecdsaSha256 = encode(TAG.SEQUENCE, oid('1.2.840.10045.4.3.2'));
  const exts: Uint8Array[] = [
    ext('2.5.29.19', true, encode(TAG.SEQUENCE, ...(spec.ca ? [encode(TAG.BOOLEAN, Uint8Array.of(0xff))] : []))),
  ];
  if (spec.keyUsage !== undefined) {
    let bits = 0;
    for (const b of spec.keyUsage) bits |= 0x80 >> b;
    exts.push(ext('2.5.29.15', true, encode(TAG.BIT_STRING, Uint8Array.of(0, bits))));
  }
  if (spec.extKeyUsage !== undefined) {
    exts.push(ext('2.5.29.37', false, encode(TAG.SEQUENCE, ...spec.extKeyUsage.map(oid))));
  }
  const tbs = encode(
    TAG.SEQUENCE,
    encode(0xa0, encode(TAG.INTEGER, Uint8Array.of(2))),
    encode(TAG.INTEGER, Uint8Array.of(spec.serial ?? 1)),
    ecdsaSha256,
    name(spec.issuer),
    encode(TAG.SEQUENCE, time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    new Uint8Array(spec.publicKey.export({ type: 'spki', format: 'der' })),
    encode(0xa3, encode(TAG.SEQUENCE, ...exts)),
  );
  const sig = sign('sha256', tbs, spec.signer);
  const cert = encode(TAG.SEQUENCE, tbs, ecdsaSha256, encode(TAG.BIT_STRING, Uint8Array.of(0), sig));
  const b64 = Buffer.from(cert).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
