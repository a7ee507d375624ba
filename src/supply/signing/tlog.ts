import { createHash, type KeyObject, verify } from 'node:crypto';
import type { Envelope, TlogEntry } from './bundle.js';
import { decodeBase64 } from './dsse.js';
import { type LogKey, sameBytes, type TrustRoot, within } from './trust-root.js';

export interface TlogCheck {
  readonly ok: boolean;
  readonly error?: string;
  /** The log's integration time, trustworthy once the SET or inclusion proof verified. */
  readonly integratedTime?: Date;
  readonly checked: string[];
}

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

function verifyWith(key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, key, sig);
  } catch {
    return false;
  }
}

/**
 * Offline checks of one Rekor v1 entry: the entry body describes this envelope and
 * certificate, the signed entry timestamp (SET) and/or the Merkle inclusion proof with its
 * signed checkpoint verify under a log key from the trusted root. Freshness against the live
 * log (consistency with a newer tree head) needs the network and is not done.
 */
export function verifyTlogEntry(entry: TlogEntry, env: Envelope, leafDer: Uint8Array, root: TrustRoot): TlogCheck {
  const checked: string[] = [];
  const fail = (error: string): TlogCheck => ({ ok: false, error, checked });
  const keyId = decodeBase64(entry.logKeyId, 'logId.keyId');
  const log = root.tlogs.find((t) => sameBytes(t.keyId, keyId));
  if (log === undefined) return fail(`transparency log ${entry.logKeyId} is not in the trusted root`);
  const integratedTime = new Date(Number(entry.integratedTime) * 1000);
  if (!within(log, integratedTime)) return fail('log key was not valid at the entry integration time');

  const body = decodeBase64(entry.canonicalizedBody, 'canonicalizedBody');
  const bodyErr = checkBody(entry, body, env, leafDer);
  if (bodyErr !== undefined) return fail(bodyErr);
  checked.push('tlog body matches envelope and certificate');

  if (entry.signedEntryTimestamp !== undefined) {
    const set = canonicalSetPayload(entry, keyId);
    if (!verifyWith(log.key, set, decodeBase64(entry.signedEntryTimestamp, 'signedEntryTimestamp'))) {
      return fail('signed entry timestamp (SET) does not verify under the log key');
    }
    checked.push('signed entry timestamp');
  }
  if (entry.inclusionProof !== undefined) {
    const e = verifyInclusion(entry.inclusionProof, body, log);
    if (e !== undefined) return fail(e);
    checked.push('inclusion proof and signed checkpoint');
  }
  if (checked.length < 2) return fail('tlog entry has neither an inclusion proof nor a signed entry timestamp');
  return { ok: true, integratedTime, checked };
}

function checkBody(entry: TlogEntry, body: Uint8Array, env: Envelope, leafDer: Uint8Array): string | undefined {
  if (entry.kind !== 'dsse' || entry.version !== '0.0.1') {
    return `unsupported tlog entry kind ${entry.kind} ${entry.version} (dsse 0.0.1 is supported)`;
  }
  let b: {
    kind?: unknown;
    spec?: { payloadHash?: { algorithm?: unknown; value?: unknown }; signatures?: unknown };
  };
  try {
    b = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return 'tlog canonicalizedBody is not JSON';
  }
  if (b.kind !== 'dsse' || typeof b.spec !== 'object' || b.spec === null) return 'tlog body is not a dsse entry';
  const ph = b.spec.payloadHash;
  if (ph?.algorithm !== 'sha256' || ph.value !== Buffer.from(sha256(env.payload)).toString('hex')) {
    return 'tlog entry payload hash does not match the envelope payload';
  }
  const sigs = b.spec.signatures;
  if (!Array.isArray(sigs) || sigs.length !== 1) return 'tlog entry must record exactly one signature';
  const s = sigs[0] as { signature?: unknown; verifier?: unknown };
  if (typeof s.signature !== 'string' || !sameBytes(decodeBase64(s.signature, 'tlog signature'), env.sig)) {
    return 'tlog entry signature differs from the envelope signature';
  }
  if (typeof s.verifier !== 'string') return 'tlog entry has no verifier';
  const pem = new TextDecoder().decode(decodeBase64(s.verifier, 'tlog verifier'));
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]{1,65536}?)-----END CERTIFICATE-----/.exec(pem);
  if (m === null || !sameBytes(decodeBase64(m[1]!, 'verifier certificate'), leafDer)) {
    return 'tlog entry verifier is not the bundle certificate';
  }
  return undefined;
}

/** Rekor signs the RFC 8785 canonical JSON of these four fields (keys in sorted order). */
function canonicalSetPayload(entry: TlogEntry, keyId: Uint8Array): Uint8Array {
  const logID = Buffer.from(keyId).toString('hex');
  const json = `{"body":${JSON.stringify(entry.canonicalizedBody)},"integratedTime":${BigInt(entry.integratedTime)},"logID":"${logID}","logIndex":${BigInt(entry.logIndex)}}`;
  return new TextEncoder().encode(json);
}

/** RFC 6962 / RFC 9162 §2.1.3.2 audit-path verification. */
export function rootFromInclusionProof(
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  const node = (l: Uint8Array, rr: Uint8Array) => sha256(Uint8Array.of(1), l, rr);
  for (const p of proof) {
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = node(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

function verifyInclusion(
  p: NonNullable<TlogEntry['inclusionProof']>,
  body: Uint8Array,
  log: LogKey,
): string | undefined {
  const leaf = sha256(Uint8Array.of(0), body);
  const hashes = p.hashes.map((h) => decodeBase64(h, 'inclusion proof hash'));
  const root = rootFromInclusionProof(BigInt(p.logIndex), BigInt(p.treeSize), leaf, hashes);
  const claimed = decodeBase64(p.rootHash, 'rootHash');
  if (root === undefined || !sameBytes(root, claimed)) return 'inclusion proof does not lead to the claimed root hash';
  return verifyCheckpoint(p.checkpoint, BigInt(p.treeSize), claimed, log);
}

/** A signed note (origin, tree size, root hash) signed by the log; its key hint is the log id prefix. */
function verifyCheckpoint(note: string, size: bigint, root: Uint8Array, log: LogKey): string | undefined {
  const split = note.indexOf('\n\n');
  if (split < 0) return 'checkpoint is not a signed note';
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines.length < 4 || !/^\d{1,20}$/.test(lines[1]!)) return 'checkpoint body is malformed';
  if (BigInt(lines[1]!) !== size) return 'checkpoint tree size differs from the inclusion proof';
  if (!sameBytes(decodeBase64(lines[2]!, 'checkpoint root'), root)) return 'checkpoint root differs from the proof';
  const data = new TextEncoder().encode(text);
  for (const line of note.slice(split + 2).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (m === null) continue;
    const raw = decodeBase64(m[2]!, 'checkpoint signature');
    if (raw.length < 5 || !sameBytes(raw.subarray(0, 4), log.keyId.subarray(0, 4))) continue;
    if (verifyWith(log.key, data, raw.subarray(4))) return undefined;
  }
  return 'checkpoint is not signed by the transparency log key';
}
