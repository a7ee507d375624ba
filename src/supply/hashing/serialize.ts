import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { type HashAlgorithm, toHex } from './algorithms.js';
import { type HashEngineOptions, HashJobError, hashJobs } from './hash-engine.js';
import type { HashJob } from './read-range.js';
import { compareCodePoints, DEFAULT_IGNORES, listModel, type ModelEntry } from './walk.js';

/** OMS predicate `serialization` object (§5.2.2), field names as on the wire. */
export interface Serialization {
  readonly method: 'files' | 'shards';
  readonly hash_type: string;
  readonly shard_size?: number;
  readonly allow_symlinks: boolean;
  readonly ignore_paths?: readonly string[];
}

/** OMS resource descriptor (§5.2.1). */
export interface Resource {
  readonly name: string;
  readonly algorithm: string;
  readonly digest: string;
}

/** OMS §6.3.2 default shard size. */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export interface SerializeOptions {
  readonly method: 'files' | 'shards';
  readonly hashType: HashAlgorithm;
  readonly shardSize?: number;
  readonly allowSymlinks: boolean;
  /** Canonical relative paths to exclude (the signature file belongs here). */
  readonly ignorePaths: readonly string[];
  readonly ignoreGitPaths: boolean;
  readonly engine?: HashEngineOptions;
}

export interface SerializedModel {
  readonly modelName: string;
  readonly resources: Resource[];
  readonly serialization: Serialization;
  readonly warnings: string[];
}

/** Splits [0, size) into consecutive shards; empty files yield none (OMS §6.3.2). */
export function shardRanges(size: number, shardSize: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < size; start += shardSize) out.push([start, Math.min(size, start + shardSize)]);
  return out;
}

export function effectiveIgnores(user: readonly string[], ignoreGitPaths: boolean): string[] {
  const all = ignoreGitPaths ? [...DEFAULT_IGNORES, ...user] : [...user];
  return [...new Set(all.filter((p) => p !== ''))];
}

/** Hashes the files of a model into the sorted resource list a signature covers. */
export async function serializeModel(root: string, opts: SerializeOptions): Promise<SerializedModel> {
  const ignores = effectiveIgnores(opts.ignorePaths, opts.ignoreGitPaths);
  const listing = await listModel(root, { ignorePaths: ignores, allowSymlinks: opts.allowSymlinks });
  if (listing.entries.length === 0) throw new Error(`${root}: no files to sign after exclusions (OMS §6.1)`);
  const shardSize = opts.shardSize ?? DEFAULT_SHARD_SIZE;
  if (opts.method === 'shards' && !(Number.isSafeInteger(shardSize) && shardSize > 0)) {
    throw new Error(`shard size must be a positive integer, got ${shardSize}`);
  }
  const units: Array<{ name: string; job: HashJob }> = [];
  for (const e of listing.entries) units.push(...unitsOf(e, opts.method, shardSize));
  const digests = await hashJobs(
    units.map((u) => u.job),
    opts.hashType,
    opts.engine,
  );
  const resources: Resource[] = units.map((u, i) => {
    const d = digests[i]!;
    if (d instanceof HashJobError) throw new Error(`${u.name}: ${d.message}`);
    return { name: u.name, algorithm: opts.hashType, digest: toHex(d) };
  });
  resources.sort((a, b) => compareCodePoints(a.name, b.name));
  const serialization: Serialization = {
    method: opts.method,
    hash_type: opts.hashType,
    ...(opts.method === 'shards' ? { shard_size: shardSize } : {}),
    allow_symlinks: opts.allowSymlinks,
    ...(ignores.length > 0 ? { ignore_paths: ignores } : {}),
  };
  return { modelName: basename(resolve(root)), resources, serialization, warnings: listing.warnings };
}

export function unitsOf(
  e: ModelEntry,
  method: 'files' | 'shards',
  shardSize: number,
): Array<{ name: string; job: HashJob }> {
  if (method === 'files') return [{ name: e.name, job: { path: e.path, start: 0, end: e.size } }];
  return shardRanges(e.size, shardSize).map(([start, end]) => ({
    name: `${e.name}:${start}:${end}`,
    job: { path: e.path, start, end },
  }));
}

/** OMS §6.5.1: SHA-256 over the concatenated raw digests, in resource order. */
export function rootDigest(resources: readonly Resource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}
