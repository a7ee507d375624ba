import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import type { Bundle } from './bundle.js';
import { decodeBase64, IN_TOTO_PAYLOAD_TYPE, pae, paeLegacy } from './dsse.js';
import { keyHint, schemeOf, spkiDer, verifyBytes } from './keys.js';
import { verifyTimestamp } from './rfc3161.js';
import { verifyEmbeddedSct } from './sct.js';
import { verifyTlogEntry } from './tlog.js';
import { sameBytes, type TrustRoot, within } from './trust-root.js';
import {
  certFromBase64,
  extKeyUsages,
  fulcioIssuer,
  keyUsageBit,
  OID,
  subjectAltNames,
  validAt,
  verifyChain,
} from './x509.js';

/** What the verifier trusts, chosen by the user. */
export type TrustMaterial =
  | { readonly kind: 'key'; readonly key: KeyObject }
  | { readonly kind: 'certificate'; readonly anchors: readonly X509Certificate[] }
  | {
      readonly kind: 'sigstore';
      readonly root: TrustRoot;
      readonly identity?: string;
      readonly issuer?: string;
    };

export interface SignatureCheck {
  readonly ok: boolean;
  readonly error?: string;
  readonly warnings: string[];
  /** Facts established, for the report (who signed, which checks ran). */
  readonly details: string[];
}

/** Verifies the DSSE signature of a bundle against the trust material; the payload is untrusted until ok. */
export function verifyBundleSignature(bundle: Bundle, trust: TrustMaterial, now = new Date()): SignatureCheck {
  const warnings: string[] = [];
  const details: string[] = [];
  const fail = (error: string): SignatureCheck => ({ ok: false, error, warnings, details });
  if (bundle.envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail(`DSSE payloadType is ${bundle.envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const m = bundle.material;
  try {
    if (trust.kind === 'key') {
      if (m.kind !== 'publicKey') return fail(`signature was made with a ${methodOf(bundle)}, not a plain key`);
      if (m.hint !== undefined && m.hint !== keyHint(trust.key)) {
        return fail('key mismatch: the signature names a different public key (hint)');
      }
      if (m.rawBytes !== undefined && !rawKeyMatches(m.rawBytes, trust.key)) {
        return fail('key mismatch: the signature embeds a different public key');
      }
      if (m.hint === undefined)
        warnings.push('signature uses the pre-v1.1 publicKey.rawBytes form; re-sign to get a key hint');
      if (!verifyEnvelope(trust.key, bundle, warnings, false))
        return fail('signature does not verify with the given key');
      details.push(`signed with key ${keyHint(trust.key).slice(0, 16)}… (${schemeOf(trust.key).name})`);
      return { ok: true, warnings, details };
    }
    if (trust.kind === 'certificate') {
      if (m.kind !== 'x509CertificateChain') {
        return fail(`signature was made with a ${methodOf(bundle)}, not a certificate chain`);
      }
      const certs = m.certificates.map(certFromBase64);
      const leaf = certs[0]!;
      const chain = verifyChain(leaf, certs.slice(1), trust.anchors, now);
      if (!chain.ok) return fail(`certificate chain: ${chain.error}`);
      const der = new Uint8Array(leaf.raw);
      if (keyUsageBit(der, 0) !== true && !(extKeyUsages(der) ?? []).includes(OID.codeSigning)) {
        return fail('signing certificate is not allowed to sign (no digitalSignature key usage or codeSigning EKU)');
      }
      if (!verifyEnvelope(leaf.publicKey, bundle, warnings, true)) {
        return fail('signature does not verify with the signing certificate key');
      }
      details.push(
        `signed by certificate "${leaf.subject.replace(/\n/g, ', ')}" chaining to "${chain.path.at(-1)!.subject}"`,
      );
      return { ok: true, warnings, details };
    }
    return verifySigstore(bundle, trust, warnings, details);
  } catch (e) {
    return fail(`malformed signature material: ${(e as Error).message}`);
  }
}

/** model_signing before v1.1 put the key's PEM text in rawBytes; Sigstore clients put SPKI DER. */
function rawKeyMatches(rawB64: string, key: KeyObject): boolean {
  const raw = Buffer.from(decodeBase64(rawB64, 'publicKey.rawBytes'));
  const pem = raw.subarray(0, 11).toString('latin1') === '-----BEGIN ';
  const embedded = pem
    ? createPublicKey(raw.toString('latin1'))
    : createPublicKey({ key: raw, format: 'der', type: 'spki' });
  return sameBytes(spkiDer(embedded), spkiDer(key));
}

function methodOf(b: Bundle): string {
  return b.material.kind === 'publicKey'
    ? 'plain key'
    : b.material.kind === 'x509CertificateChain'
      ? 'certificate chain'
      : 'Sigstore keyless certificate';
}

/** `legacySha256`: the v0.2 certificate signer hashed with SHA-256 whatever the curve. */
function verifyEnvelope(key: KeyObject, b: Bundle, warnings: string[], legacySha256: boolean): boolean {
  const { payload, payloadType, sig } = b.envelope;
  if (verifyBytes(key, pae(payloadType, payload), sig)) return true;
  if (key.asymmetricKeyType !== 'ec') return false;
  const legacy = paeLegacy(payloadType, payload);
  if (verifyBytes(key, legacy, sig) || (legacySha256 && verifyBytes(key, legacy, sig, 'sha256'))) {
    warnings.push('signature uses the model_signing v0.2 pre-authentication encoding; re-sign with a current signer');
    return true;
  }
  return false;
}

function verifySigstore(
  bundle: Bundle,
  trust: Extract<TrustMaterial, { kind: 'sigstore' }>,
  warnings: string[],
  details: string[],
): SignatureCheck {
  const fail = (error: string): SignatureCheck => ({ ok: false, error, warnings, details });
  const m = bundle.material;
  if (m.kind === 'publicKey') return fail('signature was made with a plain key, not Sigstore keyless signing');
  const leafB64 = m.kind === 'certificate' ? m.rawBytes : m.certificates[0]!;
  const leaf = certFromBase64(leafB64);
  const leafDer = new Uint8Array(leaf.raw);
  if (bundle.tlogEntries.length === 0) return fail('Sigstore bundle has no transparency log entry');

  // 1. A transparency log entry proves when the signature existed.
  let signedAt: Date | undefined;
  const errors: string[] = [];
  for (const entry of bundle.tlogEntries) {
    const r = verifyTlogEntry(entry, bundle.envelope, leafDer, trust.root);
    // Sigstore bundles from v0.2 on must prove inclusion; a signed promise alone is v0.1 only.
    if (r.ok && entry.inclusionProof === undefined && !bundle.mediaType.endsWith('version=0.1')) {
      errors.push(`Rekor entry ${entry.logIndex} has no inclusion proof (required from bundle v0.2)`);
      continue;
    }
    if (r.ok && r.integratedTime !== undefined) {
      signedAt = r.integratedTime;
      details.push(`Rekor entry ${entry.logIndex}: ${r.checked.join(', ')} (integrated ${signedAt.toISOString()})`);
      break;
    }
    errors.push(r.error ?? 'tlog entry failed');
  }
  if (signedAt === undefined) return fail(`transparency log: ${errors.join('; ')}`);

  // 2. The short-lived certificate was valid then and chains to a Fulcio CA of the trusted root.
  if (!validAt(leaf, signedAt)) return fail('certificate was not valid when the entry was logged');
  const cas = trust.root.certificateAuthorities.filter((ca) => within(ca, signedAt));
  const chain = cas.map((ca) => verifyChain(leaf, [], ca.certs, signedAt)).find((c) => c.ok) ?? {
    ok: false,
    error: 'certificate does not chain to a Fulcio CA of the trusted root',
    path: [],
  };
  if (!chain.ok) return fail(chain.error ?? 'certificate chain failed');
  if (!(extKeyUsages(leafDer) ?? []).includes(OID.codeSigning)) return fail('certificate lacks the codeSigning EKU');

  // 3. Certificate transparency: Fulcio logged the certificate.
  const issuerCert = chain.path[1];
  if (issuerCert === undefined) return fail('certificate is itself a trust anchor; expected a Fulcio-issued leaf');
  const sctErr = verifyEmbeddedSct(leaf, issuerCert, trust.root);
  if (sctErr !== undefined) return fail(sctErr);
  details.push('embedded SCT verifies');

  // 4. Identity policy.
  const sans = subjectAltNames(leafDer);
  const issuer = fulcioIssuer(leafDer);
  details.push(`identity ${sans.join(', ') || '(none)'} issued by ${issuer ?? '(unknown)'}`);
  if (trust.identity !== undefined && !sans.includes(trust.identity)) {
    return fail(`certificate identity ${sans.join(', ')} is not ${trust.identity}`);
  }
  if (trust.issuer !== undefined && issuer !== trust.issuer) {
    return fail(`certificate issuer ${issuer ?? '(none)'} is not ${trust.issuer}`);
  }
  if (trust.identity === undefined || trust.issuer === undefined) {
    warnings.push('no --identity/--issuer given: any Sigstore identity is accepted');
  }
  // 5. RFC 3161 timestamps, when present, must verify and fall inside the certificate's life.
  for (const ts of bundle.rfc3161) {
    const t = verifyTimestamp(ts, bundle.envelope.sig, trust.root.timestampAuthorities);
    if (!t.ok || t.time === undefined) return fail(`RFC 3161 timestamp: ${t.error}`);
    if (!validAt(leaf, t.time)) return fail('certificate was not valid at the RFC 3161 timestamp');
    details.push(`RFC 3161 timestamp ${t.time.toISOString()} by ${t.tsa}`);
  }

  // 6. The envelope signature under the certificate key.
  const key = createPublicKey(leaf.publicKey.export({ type: 'spki', format: 'pem' }));
  if (!verifyBytes(key, pae(bundle.envelope.payloadType, bundle.envelope.payload), bundle.envelope.sig)) {
    return fail('signature does not verify with the certificate key');
  }
  return { ok: true, warnings, details };
}
