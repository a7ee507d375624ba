import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Bundle, parseBundle } from '../../src/supply/signing/bundle.js';
import { rootFromInclusionProof } from '../../src/supply/signing/tlog.js';
import { parseTrustRoot, type TrustRoot } from '../../src/supply/signing/trust-root.js';
import { type TrustMaterial, verifyBundleSignature } from '../../src/supply/signing/verify-signature.js';
import { MT, SIGSTORE_IDENTITY, SIGSTORE_ISSUER, sigstoreTrustedRoot, tempDir } from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());
const rootText = readFileSync(sigstoreTrustedRoot(work.path), 'utf8');
const parsedRoot = parseTrustRoot(rootText);
if (!parsedRoot.ok) throw new Error(parsedRoot.error);
const root: TrustRoot = parsedRoot.value;
const trust = (r: TrustRoot = root): TrustMaterial => ({
  kind: 'sigstore',
  root: r,
  identity: SIGSTORE_IDENTITY,
  issuer: SIGSTORE_ISSUER,
});

// biome-ignore lint/suspicious/noExplicitAny: tests reach deep into bundle JSON to tamper with it
type Json = Record<string, any>;
const original = (): Json => JSON.parse(readFileSync(join(MT, 'v1.1.0-sigstore/model.sig'), 'utf8'));
function check(b: Json, t: TrustMaterial = trust()) {
  const parsed = parseBundle(JSON.stringify(b));
  if (!parsed.ok) return { ok: false, error: parsed.error, details: [] as string[], warnings: [] as string[] };
  return verifyBundleSignature(parsed.value as Bundle, t);
}
const flipB64 = (s: string, at = 10): string => {
  const b = Buffer.from(s, 'base64');
  b[at % b.length] = b[at % b.length]! ^ 1;
  return b.toString('base64');
};

describe('Sigstore keyless verification, offline', () => {
  it('accepts the untouched v1.1.0 reference bundle and says what it checked', () => {
    const r = check(original());
    expect(r.ok).toBe(true);
    expect(r.details?.join('\n')).toMatch(/signed entry timestamp, inclusion proof and signed checkpoint/);
    expect(r.details?.join('\n')).toMatch(/embedded SCT verifies/);
    expect(r.details?.join('\n')).toMatch(
      /RFC 3161 timestamp 2025-10-10T02:12:20.000Z by O=sigstore.dev, CN=sigstore-tsa/,
    );
  });

  const tamper: Array<[string, (b: Json) => void, RegExp]> = [
    [
      'SET altered',
      (b) => {
        const e = b.verificationMaterial.tlogEntries[0];
        e.inclusionPromise.signedEntryTimestamp = flipB64(e.inclusionPromise.signedEntryTimestamp, 20);
      },
      /signed entry timestamp/,
    ],
    [
      'integrated time moved',
      (b) => {
        b.verificationMaterial.tlogEntries[0].integratedTime = '1760062341';
      },
      /signed entry timestamp/,
    ],
    [
      'inclusion proof hash altered',
      (b) => {
        const p = b.verificationMaterial.tlogEntries[0].inclusionProof;
        p.hashes[3] = flipB64(p.hashes[3]);
      },
      /inclusion proof/,
    ],
    [
      'checkpoint signature altered',
      (b) => {
        const p = b.verificationMaterial.tlogEntries[0].inclusionProof;
        const [body, sigs] = p.checkpoint.envelope.split('\n\n');
        const [dash, name, sig] = sigs.trim().split(' ');
        p.checkpoint.envelope = `${body}\n\n${dash} ${name} ${flipB64(sig, 30)}\n`;
      },
      /checkpoint/,
    ],
    [
      'log body for another payload',
      (b) => {
        const e = b.verificationMaterial.tlogEntries[0];
        const body = JSON.parse(Buffer.from(e.canonicalizedBody, 'base64').toString());
        body.spec.payloadHash.value = '00'.repeat(32);
        e.canonicalizedBody = Buffer.from(JSON.stringify(body)).toString('base64');
      },
      /payload hash/,
    ],
    [
      'inclusion proof removed from a v0.3 bundle',
      (b) => {
        delete b.verificationMaterial.tlogEntries[0].inclusionProof;
      },
      /no inclusion proof/,
    ],
    [
      'RFC 3161 timestamp token altered',
      (b) => {
        const t = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
        t.signedTimestamp = flipB64(t.signedTimestamp, 120);
      },
      /RFC 3161 timestamp/,
    ],
    [
      'no transparency log entry',
      (b) => {
        b.verificationMaterial.tlogEntries = [];
      },
      /no transparency log entry/,
    ],
    [
      'DSSE payload swapped',
      (b) => {
        const st = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString());
        st.predicate.resources.pop();
        b.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
      },
      /payload hash/,
    ],
  ];
  it.each(tamper)('rejects: %s', (_name, mutate, why) => {
    const b = original();
    mutate(b);
    const r = check(b);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(why);
  });

  it('rejects when the trusted root lacks the Rekor key, the Fulcio CA or the CT log', () => {
    const j = JSON.parse(rootText);
    const without = (k: string) => {
      const r = parseTrustRoot(JSON.stringify({ ...j, [k]: [] }));
      if (!r.ok) throw new Error(r.error);
      return check(original(), trust(r.value));
    };
    expect(without('tlogs').error).toMatch(/not in the trusted root/);
    expect(without('certificateAuthorities').error).toMatch(/Fulcio CA/);
    expect(without('ctlogs').error).toMatch(/SCT/);
    expect(without('timestampAuthorities').error).toMatch(/not signed by a timestamp authority/);
  });

  it('rejects a bundle whose certificate is not the one the log recorded', () => {
    const other = JSON.parse(readFileSync(join(MT, 'v1.0.1-sigstore/model.sig'), 'utf8'));
    const b = original();
    b.verificationMaterial.certificate = other.verificationMaterial.certificate;
    expect(check(b).error).toMatch(/verifier is not the bundle certificate/);
  });

  it('RFC 6962 inclusion proofs: a one-leaf tree and an index out of range', () => {
    const leaf = new Uint8Array(32).fill(7);
    expect(rootFromInclusionProof(0n, 1n, leaf, [])).toEqual(leaf);
    expect(rootFromInclusionProof(1n, 1n, leaf, [])).toBeUndefined();
    expect(rootFromInclusionProof(0n, 2n, leaf, [])).toBeUndefined();
  });
});
