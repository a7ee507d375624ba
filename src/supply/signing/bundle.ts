import { err, ok, type Result } from '../../core/result.js';
import { decodeBase64 } from './dsse.js';

/** Sigstore bundle media types a verifier meets (sigstore_bundle.proto); OMS signers write v0.3. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const KNOWN_BUNDLE_MEDIA_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  BUNDLE_MEDIA_TYPE,
];

/** Signature files are small JSON; anything far larger is not a bundle and is not parsed. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface TlogEntry {
  readonly logIndex: string;
  readonly logKeyId: string;
  readonly kind: string;
  readonly version: string;
  readonly integratedTime: string;
  readonly signedEntryTimestamp?: string;
  readonly inclusionProof?: {
    readonly logIndex: string;
    readonly rootHash: string;
    readonly treeSize: string;
    readonly hashes: readonly string[];
    readonly checkpoint: string;
  };
  readonly canonicalizedBody: string;
}

export type Material =
  | { readonly kind: 'publicKey'; readonly hint?: string; readonly rawBytes?: string }
  | { readonly kind: 'x509CertificateChain'; readonly certificates: readonly string[] }
  | { readonly kind: 'certificate'; readonly rawBytes: string };

export interface Envelope {
  readonly payload: Uint8Array;
  readonly payloadType: string;
  readonly sig: Uint8Array;
}

export interface Bundle {
  readonly mediaType: string;
  readonly material: Material;
  readonly tlogEntries: readonly TlogEntry[];
  /** Base64 RFC 3161 signed timestamps (TimeStampResp or bare token). */
  readonly rfc3161: readonly string[];
  readonly envelope: Envelope;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** protobuf-JSON writes int64 as strings; some producers write numbers. */
const int = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{1,20}$/.test(v)
    ? v
    : typeof v === 'number' && Number.isSafeInteger(v)
      ? String(v)
      : undefined;

class BundleError extends Error {}
const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new BundleError(what);
  return v;
};

/** Parses a Sigstore bundle holding a DSSE envelope; every structural defect is an error message. */
export function parseBundle(text: string): Result<Bundle, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`signature is not JSON: ${(e as Error).message}`);
  }
  try {
    return ok(toBundle(json));
  } catch (e) {
    if (e instanceof BundleError || e instanceof Error) return err(e.message);
    throw e;
  }
}

function toBundle(json: unknown): Bundle {
  if (!isObj(json)) throw new BundleError('signature is not a Sigstore bundle (not a JSON object)');
  const mediaType = need(str(json.mediaType), 'bundle has no mediaType');
  if (!KNOWN_BUNDLE_MEDIA_TYPES.includes(mediaType)) throw new BundleError(`unknown bundle mediaType ${mediaType}`);
  const vm = json.verificationMaterial;
  if (!isObj(vm)) throw new BundleError('bundle has no verificationMaterial');
  const env = json.dsseEnvelope;
  if (!isObj(env)) throw new BundleError('bundle has no dsseEnvelope (OMS signatures are DSSE envelopes)');
  return {
    mediaType,
    material: toMaterial(vm),
    tlogEntries: toTlogEntries(vm.tlogEntries),
    rfc3161: rfc3161Timestamps(vm.timestampVerificationData),
    envelope: toEnvelope(env),
  };
}

function toMaterial(vm: Obj): Material {
  const present = ['publicKey', 'x509CertificateChain', 'certificate'].filter((k) => vm[k] !== undefined);
  if (present.length !== 1) {
    throw new BundleError(`verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate`);
  }
  if (isObj(vm.publicKey)) {
    const hint = str(vm.publicKey.hint);
    const rawBytes = str(vm.publicKey.rawBytes);
    if (!hint && !rawBytes) throw new BundleError('publicKey has neither hint nor rawBytes');
    return { kind: 'publicKey', ...(hint ? { hint } : {}), ...(rawBytes ? { rawBytes } : {}) };
  }
  if (isObj(vm.x509CertificateChain)) {
    const certs = vm.x509CertificateChain.certificates;
    if (!Array.isArray(certs) || certs.length === 0) throw new BundleError('x509CertificateChain has no certificates');
    return {
      kind: 'x509CertificateChain',
      certificates: certs.map((c) => need(isObj(c) ? str(c.rawBytes) : undefined, 'certificate without rawBytes')),
    };
  }
  if (isObj(vm.certificate)) {
    return { kind: 'certificate', rawBytes: need(str(vm.certificate.rawBytes), 'certificate without rawBytes') };
  }
  throw new BundleError('verificationMaterial entry is not an object');
}

function toTlogEntries(v: unknown): TlogEntry[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BundleError('tlogEntries is not a list');
  return v.map((e, i) => {
    const at = `tlogEntries[${i}]`;
    if (!isObj(e)) throw new BundleError(`${at} is not an object`);
    const kv = isObj(e.kindVersion) ? e.kindVersion : {};
    const proof = isObj(e.inclusionProof) ? e.inclusionProof : undefined;
    const promise = isObj(e.inclusionPromise) ? str(e.inclusionPromise.signedEntryTimestamp) : undefined;
    return {
      logIndex: need(int(e.logIndex), `${at}.logIndex missing`),
      logKeyId: need(isObj(e.logId) ? str(e.logId.keyId) : undefined, `${at}.logId.keyId missing`),
      kind: need(str(kv.kind), `${at}.kindVersion.kind missing`),
      version: need(str(kv.version), `${at}.kindVersion.version missing`),
      integratedTime: need(int(e.integratedTime), `${at}.integratedTime missing`),
      ...(promise ? { signedEntryTimestamp: promise } : {}),
      ...(proof ? { inclusionProof: toProof(proof, at) } : {}),
      canonicalizedBody: need(str(e.canonicalizedBody), `${at}.canonicalizedBody missing`),
    };
  });
}

function toProof(p: Obj, at: string): NonNullable<TlogEntry['inclusionProof']> {
  const hashes = p.hashes ?? [];
  if (!Array.isArray(hashes) || hashes.length > 64) throw new BundleError(`${at}.inclusionProof.hashes is invalid`);
  return {
    logIndex: need(int(p.logIndex), `${at}.inclusionProof.logIndex missing`),
    rootHash: need(str(p.rootHash), `${at}.inclusionProof.rootHash missing`),
    treeSize: need(int(p.treeSize), `${at}.inclusionProof.treeSize missing`),
    hashes: hashes.map((h) => need(str(h), `${at}.inclusionProof.hashes entry is not a string`)),
    checkpoint: need(
      isObj(p.checkpoint) ? str(p.checkpoint.envelope) : undefined,
      `${at}.inclusionProof.checkpoint missing`,
    ),
  };
}

function rfc3161Timestamps(v: unknown): string[] {
  if (!isObj(v) || !Array.isArray(v.rfc3161Timestamps)) return [];
  return v.rfc3161Timestamps
    .slice(0, 16)
    .map((t, i) =>
      need(isObj(t) ? str(t.signedTimestamp) : undefined, `rfc3161Timestamps[${i}].signedTimestamp missing`),
    );
}

function toEnvelope(env: Obj): Envelope {
  const payloadType = need(str(env.payloadType), 'dsseEnvelope.payloadType missing');
  const payload = decodeBase64(need(str(env.payload), 'dsseEnvelope.payload missing'), 'dsseEnvelope.payload');
  if (payload.length === 0) throw new BundleError('dsseEnvelope.payload is empty');
  const sigs = env.signatures;
  if (!Array.isArray(sigs) || sigs.length === 0) throw new BundleError('dsseEnvelope has no signatures');
  // Sigstore bundles carry exactly one DSSE signature; more would make "which one was checked" ambiguous.
  if (sigs.length !== 1) throw new BundleError(`dsseEnvelope has ${sigs.length} signatures; expected exactly one`);
  const s = sigs[0];
  const keyid = isObj(s) ? s.keyid : undefined;
  if (keyid !== undefined && keyid !== null && typeof keyid !== 'string') {
    throw new BundleError('dsseEnvelope signature keyid must be a string, null or absent');
  }
  const sig = decodeBase64(need(isObj(s) ? str(s.sig) : undefined, 'signature has no sig'), 'signature');
  if (sig.length === 0) throw new BundleError('signature is empty');
  return { payload, payloadType, sig };
}
