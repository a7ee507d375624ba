import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import type { HashAlgorithm } from '../hashing/algorithms.js';
import type { HashEngineOptions } from '../hashing/hash-engine.js';
import { serializeModel } from '../hashing/serialize.js';
import { BUNDLE_MEDIA_TYPE, type Bundle, parseBundle } from './bundle.js';
import { compareModel, diffIsClean, type ModelDiff } from './compare.js';
import { IN_TOTO_PAYLOAD_TYPE, pae } from './dsse.js';
import { keyHint, signBytes, spkiDer } from './keys.js';
import { buildStatement, parseStatement, type SignedManifest } from './statement.js';
import { type SignatureCheck, type TrustMaterial, verifyBundleSignature } from './verify-signature.js';

export interface SignOptions {
  readonly key: KeyObject;
  /** Sign as certificate holder: the signing certificate first, then its chain (OMS `certificate` method). */
  readonly certificates?: readonly X509Certificate[];
  readonly hashType: HashAlgorithm;
  readonly method: 'files' | 'shards';
  readonly shardSize?: number;
  readonly allowSymlinks: boolean;
  /** Canonical paths relative to the model root; include the signature file when it lies inside. */
  readonly ignorePaths: readonly string[];
  readonly ignoreGitPaths: boolean;
  readonly engine?: HashEngineOptions;
}

export interface SignResult {
  readonly bundleJson: string;
  readonly resources: number;
  readonly rootDigest: string;
  readonly warnings: string[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Hashes a model and returns an OMS v1.0 Sigstore bundle (DSSE over an in-toto statement). */
export async function signModel(modelPath: string, opts: SignOptions): Promise<SignResult> {
  const model = await serializeModel(modelPath, {
    method: opts.method,
    hashType: opts.hashType,
    ...(opts.shardSize !== undefined ? { shardSize: opts.shardSize } : {}),
    allowSymlinks: opts.allowSymlinks,
    ignorePaths: opts.ignorePaths,
    ignoreGitPaths: opts.ignoreGitPaths,
    ...(opts.engine !== undefined ? { engine: opts.engine } : {}),
  });
  const statement = buildStatement(model);
  const payload = new TextEncoder().encode(JSON.stringify(statement));
  const sig = signBytes(opts.key, pae(IN_TOTO_PAYLOAD_TYPE, payload));
  let verificationMaterial: Record<string, unknown>;
  if (opts.certificates !== undefined && opts.certificates.length > 0) {
    const leafKey = spkiDer(createPublicKey(opts.certificates[0]!.publicKey.export({ type: 'spki', format: 'pem' })));
    if (!leafKey.equals(spkiDer(opts.key))) throw new Error('the signing certificate does not match the private key');
    verificationMaterial = {
      x509CertificateChain: { certificates: opts.certificates.map((c) => ({ rawBytes: b64(new Uint8Array(c.raw)) })) },
      tlogEntries: [],
    };
  } else {
    verificationMaterial = { publicKey: { hint: keyHint(opts.key) }, tlogEntries: [] };
  }
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial,
    dsseEnvelope: {
      payload: b64(payload),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: b64(sig), keyid: '' }],
    },
  };
  const subject = (statement.subject as Array<{ digest: { sha256: string } }>)[0]!;
  return {
    bundleJson: `${JSON.stringify(bundle, null, 2)}\n`,
    resources: model.resources.length,
    rootDigest: subject.digest.sha256,
    warnings: model.warnings,
  };
}

export interface VerifyOptions {
  readonly trust: TrustMaterial;
  /** Canonical paths relative to the model root (user --ignore-paths and the signature file). */
  readonly ignorePaths: readonly string[];
  readonly ignoreUnsignedFiles?: boolean;
  readonly engine?: HashEngineOptions;
  readonly now?: Date;
}

export type VerifyOutcome =
  | { readonly stage: 'bundle'; readonly ok: false; readonly error: string }
  | { readonly stage: 'signature'; readonly ok: false; readonly error: string; readonly signature: SignatureCheck }
  | {
      readonly stage: 'manifest';
      readonly ok: false;
      readonly error: string;
      readonly signature: SignatureCheck;
    }
  | {
      readonly stage: 'model';
      readonly ok: boolean;
      readonly signature: SignatureCheck;
      readonly manifest: SignedManifest;
      readonly diff: ModelDiff;
    };

/**
 * Verifies a model against an OMS signature: bundle structure, signature under the trust
 * material, statement and manifest consistency, then every file's digest.
 */
export async function verifyModel(modelPath: string, bundleText: string, opts: VerifyOptions): Promise<VerifyOutcome> {
  const parsed = parseBundle(bundleText);
  if (!parsed.ok) return { stage: 'bundle', ok: false, error: parsed.error };
  const bundle: Bundle = parsed.value;
  const signature = verifyBundleSignature(bundle, opts.trust, opts.now);
  if (!signature.ok) return { stage: 'signature', ok: false, error: signature.error ?? 'invalid signature', signature };
  const manifest = parseStatement(bundle.envelope.payload);
  if (!manifest.ok) return { stage: 'manifest', ok: false, error: manifest.error, signature };
  let diff: ModelDiff;
  try {
    diff = await compareModel(modelPath, manifest.value, {
      ignorePaths: opts.ignorePaths,
      ...(opts.ignoreUnsignedFiles !== undefined ? { ignoreUnsignedFiles: opts.ignoreUnsignedFiles } : {}),
      ...(opts.engine !== undefined ? { engine: opts.engine } : {}),
    });
  } catch (e) {
    return { stage: 'manifest', ok: false, error: (e as Error).message, signature };
  }
  return { stage: 'model', ok: diffIsClean(diff), signature, manifest: manifest.value, diff };
}
