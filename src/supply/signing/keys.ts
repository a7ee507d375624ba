import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The signature schemes OMS bundles use (Sigstore's key details): ECDSA on P-256/P-384/P-521
 * with the curve's matching SHA-2 hash, and Ed25519. RSA is refused rather than guessed at.
 */
export interface Scheme {
  readonly name: string;
  /** null for Ed25519, which hashes internally. */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
}

const CURVES: Readonly<Record<string, Scheme>> = {
  prime256v1: { name: 'ecdsa-p256-sha256', hash: 'sha256' },
  secp384r1: { name: 'ecdsa-p384-sha384', hash: 'sha384' },
  secp521r1: { name: 'ecdsa-p521-sha512', hash: 'sha512' },
};

export function schemeOf(key: KeyObject): Scheme {
  if (key.asymmetricKeyType === 'ed25519') return { name: 'ed25519', hash: null };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const s = CURVES[curve];
    if (s !== undefined) return s;
    throw new Error(`unsupported elliptic curve ${curve} (use P-256, P-384, P-521 or Ed25519)`);
  }
  throw new Error(
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (use ECDSA P-256/P-384/P-521 or Ed25519)`,
  );
}

export function loadPrivateKey(pem: string, passphrase?: string): KeyObject {
  const key = createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  schemeOf(key);
  return key;
}

/** Accepts a public key, or a private key / certificate PEM from which the public key is taken. */
export function loadPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  schemeOf(key);
  return key;
}

export function signBytes(key: KeyObject, data: Uint8Array): Uint8Array {
  const { hash } = schemeOf(key);
  return new Uint8Array(sign(hash, data, { key, dsaEncoding: 'der' }));
}

export function verifyBytes(key: KeyObject, data: Uint8Array, sig: Uint8Array, hashOverride?: Scheme['hash']): boolean {
  const { hash } = schemeOf(key);
  try {
    return verify(hashOverride === undefined ? hash : hashOverride, data, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

/**
 * The reference's key hint: hex SHA-256 of the SubjectPublicKeyInfo PEM text exactly as
 * OpenSSL writes it (64-column base64, trailing newline), which node:crypto reproduces.
 */
export function keyHint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'pem' }))
    .digest('hex');
}

export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}
