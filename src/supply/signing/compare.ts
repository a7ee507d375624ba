import { basename } from 'node:path';
import { parseHashAlgorithm, toHex } from '../hashing/algorithms.js';
import { type HashEngineOptions, HashJobError, hashJobs } from '../hashing/hash-engine.js';
import type { HashJob } from '../hashing/read-range.js';
import { effectiveIgnores, shardRanges } from '../hashing/serialize.js';
import { canonicalRelPath, listModel, type ModelEntry } from '../hashing/walk.js';
import type { SignedManifest } from './statement.js';

export interface ModelDiff {
  /** Files on disk that the signature does not cover. */
  readonly added: string[];
  /** Files the signature covers that are missing. */
  readonly removed: string[];
  /** Files whose content differs (for shards: any shard). */
  readonly changed: string[];
  /** Files that could not be read. */
  readonly unreadable: string[];
  readonly checkedFiles: number;
  readonly warnings: string[];
}

export interface CompareOptions {
  /** Extra paths to exclude (canonical, relative to the model root), e.g. the signature file. */
  readonly ignorePaths: readonly string[];
  readonly ignoreUnsignedFiles?: boolean;
  readonly engine?: HashEngineOptions;
}

/** `name:start:end`; the suffix is the LAST two colon-separated integers (names may hold colons). */
const SHARD_NAME = /^(.*):(\d{1,16}):(\d{1,16})$/s;

/** Re-hashes the model as the signature's serialization says and names every difference. */
export async function compareModel(root: string, manifest: SignedManifest, opts: CompareOptions): Promise<ModelDiff> {
  const ser = manifest.serialization;
  const alg = parseHashAlgorithm(ser.hash_type);
  if (alg === undefined) throw new Error(`unsupported hash_type ${ser.hash_type}`);
  const signedIgnores = (ser.ignore_paths ?? []).map(canonicalRelPath).filter((p): p is string => p !== undefined);
  const ignores = effectiveIgnores([...signedIgnores, ...opts.ignorePaths], true);
  const listing = await listModel(root, { ignorePaths: ignores, allowSymlinks: ser.allow_symlinks });
  const warnings = [...listing.warnings];

  // Expected digests grouped by file: whole-file digest, or the set of shard ranges.
  const expected = new Map<string, Map<string, string>>();
  for (const r of manifest.resources) {
    let file = r.name;
    let range = '';
    if (ser.method === 'shards') {
      const m = SHARD_NAME.exec(r.name);
      if (m === null) throw new Error(`shard resource name ${JSON.stringify(r.name)} lacks :start:end`);
      file = m[1]!;
      range = `${m[2]}:${m[3]}`;
    }
    if (!algorithmMatches(r.algorithm, ser)) {
      throw new Error(`resource ${r.name} uses ${r.algorithm}, not ${ser.hash_type}`);
    }
    const canon = listing.single ? file : canonicalRelPath(file);
    if (canon === undefined) throw new Error(`resource name ${JSON.stringify(file)} is not a relative path`);
    const key = listing.single && (canon === '.' || canon === '') ? '.' : canon;
    if (!expected.has(key)) expected.set(key, new Map());
    expected.get(key)!.set(range, r.digest);
  }

  // A single-file model is named "." by the reference before v1.0 and by its basename per the spec.
  const present = new Map<string, ModelEntry>();
  for (const e of listing.entries) present.set(e.name, e);
  if (listing.single) {
    const e = listing.entries[0]!;
    const key = expected.has('.') ? '.' : basename(e.path);
    present.clear();
    present.set(key, e);
  }

  const added = [...present.keys()].filter((n) => !expected.has(n));
  const removed = [...expected.keys()].filter((n) => !present.has(n));
  const changed = new Set<string>();
  const jobs: Array<{ file: string; range: string; job: HashJob }> = [];
  for (const [file, ranges] of expected) {
    const e = present.get(file);
    if (e === undefined) continue;
    if (ser.method === 'files') {
      jobs.push({ file, range: '', job: { path: e.path, start: 0, end: e.size } });
      continue;
    }
    const actual = shardRanges(e.size, ser.shard_size!).map(([s, t]) => `${s}:${t}`);
    if (actual.length !== ranges.size || actual.some((r) => !ranges.has(r))) {
      changed.add(file); // size changed, so the shard layout differs
      continue;
    }
    for (const r of actual) {
      const [s, t] = r.split(':').map(Number) as [number, number];
      jobs.push({ file, range: r, job: { path: e.path, start: s, end: t } });
    }
  }
  const digests = await hashJobs(
    jobs.map((j) => j.job),
    alg,
    opts.engine,
  );
  const unreadable = new Set<string>();
  jobs.forEach((j, i) => {
    const d = digests[i]!;
    if (d instanceof HashJobError) unreadable.add(j.file);
    else if (toHex(d) !== expected.get(j.file)!.get(j.range)) changed.add(j.file);
  });
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return {
    added: opts.ignoreUnsignedFiles ? [] : sorted(added),
    removed: sorted(removed),
    changed: sorted([...changed].filter((f) => !unreadable.has(f))),
    unreadable: sorted(unreadable),
    checkedFiles: present.size,
    warnings,
  };
}

/**
 * The spec has every resource carry `hash_type`; model_signing's shard hasher writes
 * `<hash>-sharded-<shard_size>` instead (up to v1.1.0), so both spellings are accepted.
 */
function algorithmMatches(algorithm: string, ser: SignedManifest['serialization']): boolean {
  if (algorithm === ser.hash_type) return true;
  return ser.method === 'shards' && algorithm === `${ser.hash_type}-sharded-${ser.shard_size}`;
}

export function diffIsClean(d: ModelDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.unreadable.length === 0;
}
