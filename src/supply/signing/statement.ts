import { err, ok, type Result } from '../../core/result.js';
import { parseHashAlgorithm } from '../hashing/algorithms.js';
import { type Resource, rootDigest, type Serialization, type SerializedModel } from '../hashing/serialize.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
/** model_signing v0.2.x: file digests as subjects, no serialization block (OMS §5.1, verify only). */
export const PREDICATE_TYPE_V01 = 'https://model_signing/Digests/v0.1';

/** What a verified signature says the model is. */
export interface SignedManifest {
  readonly modelName: string;
  readonly resources: readonly Resource[];
  readonly serialization: Serialization;
  readonly predicateType: string;
}

/** Bounds on untrusted manifests; a real model has far fewer resources. */
const MAX_RESOURCES = 1_000_000;
const HEX = /^(?:[0-9a-f]{2}){16,64}$/;

export function buildStatement(model: SerializedModel): Record<string, unknown> {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: model.modelName, digest: { sha256: rootDigest(model.resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: { resources: model.resources, serialization: model.serialization },
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes and checks the in-toto statement of a (signature-verified) DSSE payload. */
export function parseStatement(payload: Uint8Array): Result<SignedManifest, string> {
  let st: unknown;
  try {
    st = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    return err(`payload is not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (!isObj(st)) return err('payload is not a JSON object');
  if (st._type !== STATEMENT_TYPE)
    return err(`payload _type is ${JSON.stringify(st._type)}, expected ${STATEMENT_TYPE}`);
  if (!Array.isArray(st.subject)) return err('statement has no subject list');
  if (st.predicateType === PREDICATE_TYPE_V01) return legacyManifest(st.subject);
  if (st.predicateType !== PREDICATE_TYPE) {
    return err(`predicateType is ${JSON.stringify(st.predicateType)}, expected ${PREDICATE_TYPE}`);
  }
  if (st.subject.length !== 1) return err(`statement must have exactly one subject, has ${st.subject.length}`);
  const subject = st.subject[0];
  if (!isObj(subject) || typeof subject.name !== 'string' || subject.name === '' || !isObj(subject.digest)) {
    return err('subject must have a non-empty name and a digest');
  }
  const claimedRoot = subject.digest.sha256;
  if (typeof claimedRoot !== 'string' || !HEX.test(claimedRoot)) return err('subject has no sha256 root digest');
  const pred = st.predicate;
  if (!isObj(pred)) return err('statement has no predicate');
  const ser = parseSerialization(pred.serialization);
  if (!ser.ok) return ser;
  const res = parseResources(pred.resources);
  if (!res.ok) return res;
  // The reference recomputes this too: the subject must commit to exactly these resources.
  const actualRoot = rootDigest(res.value);
  if (actualRoot !== claimedRoot) {
    return err(`manifest is inconsistent: subject root digest ${claimedRoot}, resources hash to ${actualRoot}`);
  }
  return ok({ modelName: subject.name, resources: res.value, serialization: ser.value, predicateType: PREDICATE_TYPE });
}

function parseResources(v: unknown): Result<Resource[], string> {
  if (!Array.isArray(v) || v.length === 0) return err('predicate.resources must be a non-empty list');
  if (v.length > MAX_RESOURCES) return err(`predicate.resources has more than ${MAX_RESOURCES} entries`);
  const out: Resource[] = [];
  const names = new Set<string>();
  for (const r of v) {
    if (!isObj(r) || typeof r.name !== 'string' || typeof r.algorithm !== 'string' || typeof r.digest !== 'string') {
      return err('every resource needs string name, algorithm and digest');
    }
    const digest = r.digest.toLowerCase();
    if (!HEX.test(digest)) return err(`resource ${JSON.stringify(r.name)} has a malformed digest`);
    if (names.has(r.name)) return err(`resource ${JSON.stringify(r.name)} appears twice`);
    names.add(r.name);
    out.push({ name: r.name, algorithm: r.algorithm, digest });
  }
  return ok(out);
}

function parseSerialization(v: unknown): Result<Serialization, string> {
  if (!isObj(v)) return err('predicate.serialization missing');
  const { method, hash_type, shard_size, allow_symlinks, ignore_paths } = v;
  if (method !== 'files' && method !== 'shards') return err(`unknown serialization method ${JSON.stringify(method)}`);
  if (typeof hash_type !== 'string' || parseHashAlgorithm(hash_type) === undefined) {
    return err(`unsupported hash_type ${JSON.stringify(hash_type)}`);
  }
  // The reference writes a bool; its v0.2 compat path once wrote the string "false".
  const symlinks = allow_symlinks === true || allow_symlinks === 'true';
  if (method === 'shards' && !(typeof shard_size === 'number' && Number.isSafeInteger(shard_size) && shard_size > 0)) {
    return err('shards serialization needs a positive integer shard_size');
  }
  if (
    ignore_paths !== undefined &&
    !(Array.isArray(ignore_paths) && ignore_paths.every((p) => typeof p === 'string'))
  ) {
    return err('serialization.ignore_paths must be a list of strings');
  }
  return ok({
    method,
    hash_type,
    ...(method === 'shards' ? { shard_size: shard_size as number } : {}),
    allow_symlinks: symlinks,
    ...(ignore_paths !== undefined ? { ignore_paths: ignore_paths as string[] } : {}),
  });
}

function legacyManifest(subjects: unknown[]): Result<SignedManifest, string> {
  const resources: Resource[] = [];
  for (const s of subjects) {
    if (!isObj(s) || typeof s.name !== 'string' || !isObj(s.digest) || typeof s.digest.sha256 !== 'string') {
      return err('v0.1 subject needs a name and a sha256 digest');
    }
    const digest = s.digest.sha256.toLowerCase();
    if (!HEX.test(digest)) return err(`subject ${JSON.stringify(s.name)} has a malformed digest`);
    resources.push({ name: s.name, algorithm: 'sha256', digest });
  }
  if (resources.length === 0) return err('v0.1 statement has no subjects');
  return ok({
    modelName: 'model',
    resources,
    serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false },
    predicateType: PREDICATE_TYPE_V01,
  });
}
