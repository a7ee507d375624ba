import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../../core/result.js';
import { decodeBase64 } from './dsse.js';
import { certFromBase64 } from './x509.js';

/** A Sigstore trusted root (trusted_root.json, media type application/vnd.dev.sigstore.trustedroot+json). */
export interface TrustRoot {
  readonly tlogs: readonly LogKey[];
  readonly ctlogs: readonly LogKey[];
  readonly certificateAuthorities: readonly CertAuthority[];
  readonly timestampAuthorities: readonly CertAuthority[];
}

export interface Validity {
  readonly start?: Date;
  readonly end?: Date;
}

export interface LogKey extends Validity {
  readonly baseUrl: string;
  readonly keyId: Uint8Array;
  readonly key: KeyObject;
}

export interface CertAuthority extends Validity {
  readonly uri: string;
  readonly certs: readonly X509Certificate[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function within(v: Validity, at: Date): boolean {
  return (v.start === undefined || v.start <= at) && (v.end === undefined || at <= v.end);
}

function validity(v: unknown): Validity {
  if (!isObj(v)) return {};
  const d = (s: unknown) => (typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined);
  const start = d(v.start);
  const end = d(v.end);
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

function logKeys(v: unknown, what: string): LogKey[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v.flatMap((t): LogKey[] => {
    if (!isObj(t) || !isObj(t.publicKey) || !isObj(t.logId)) throw new Error(`${what} entry is malformed`);
    const raw = t.publicKey.rawBytes;
    const keyId = t.logId.keyId;
    if (typeof raw !== 'string' || typeof keyId !== 'string') throw new Error(`${what} entry lacks key or log id`);
    const key = createPublicKey({ key: Buffer.from(decodeBase64(raw, 'log key')), format: 'der', type: 'spki' });
    return [
      {
        baseUrl: typeof t.baseUrl === 'string' ? t.baseUrl : '',
        keyId: decodeBase64(keyId, 'log id'),
        key,
        ...validity(t.publicKey.validFor),
      },
    ];
  });
}

export function parseTrustRoot(text: string): Result<TrustRoot, string> {
  try {
    const j: unknown = JSON.parse(text);
    if (!isObj(j)) return err('trusted root is not a JSON object');
    if (typeof j.mediaType !== 'string' || !j.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
      return err(`not a Sigstore trusted root (mediaType ${JSON.stringify(j.mediaType)})`);
    }
    const authorities = (v: unknown): CertAuthority[] =>
      (Array.isArray(v) ? v : []).map((ca): CertAuthority => {
        if (!isObj(ca) || !isObj(ca.certChain) || !Array.isArray(ca.certChain.certificates)) {
          throw new Error('certificate authority entry is malformed');
        }
        const certs = ca.certChain.certificates.map((c) => {
          if (!isObj(c) || typeof c.rawBytes !== 'string') throw new Error('CA certificate lacks rawBytes');
          return certFromBase64(c.rawBytes);
        });
        return { uri: typeof ca.uri === 'string' ? ca.uri : '', certs, ...validity(ca.validFor) };
      });
    return ok({
      tlogs: logKeys(j.tlogs, 'tlogs'),
      ctlogs: logKeys(j.ctlogs, 'ctlogs'),
      certificateAuthorities: authorities(j.certificateAuthorities),
      timestampAuthorities: authorities(j.timestampAuthorities),
    });
  } catch (e) {
    return err(`trusted root: ${(e as Error).message}`);
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
