import type { ByteSource } from '../../core/byte-source.js';
import { compareFindings, type Finding } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import { findingOf } from '../../core/rule.js';
import type { TargetResult } from '../../core/target.js';
import { scanSource } from '../../scan/engine.js';
import { ENGINE_RULES } from '../../scan/engine-rules.js';
import { SCANNERS } from '../../scan/registry.js';
import type { FilesReport } from '../scan-files.js';
import type { Env } from './aws-config.js';
import { DEFAULT_HTTP, type HttpOptions, type Meter } from './http.js';
import { DEFAULT_RANGE, type RangeSourceOptions } from './range-source.js';
import { RemoteError } from './remote-error.js';
import { resolveRemote } from './resolve.js';
import type { RemoteContext, RemoteFile } from './types.js';

export interface RemoteScanOptions {
  readonly env: Env;
  readonly limits: Limits;
  readonly http?: Partial<HttpOptions>;
  readonly range?: Partial<RangeSourceOptions>;
  /** Files scanned at once; the work is network-bound, so a few overlap their round trips. */
  readonly concurrency?: number;
  readonly maxFiles?: number;
  readonly onFile?: (done: number, total: number) => void;
}

/** A URL that could not be listed at all (no such repo, access denied, unreachable). */
export interface RemoteFailure {
  readonly url: string;
  readonly code: RemoteError['code'];
  readonly message: string;
}

export interface RemoteReport extends FilesReport {
  readonly failures: readonly RemoteFailure[];
  readonly notes: readonly string[];
  /** Every byte and request the scan cost, listings included. */
  readonly meter: Meter;
}

/**
 * Scans hf://, s3:// and http(s):// URLs with the same engine as local files, reading objects
 * through HTTP range requests so only the bytes the scanners ask for cross the network.
 */
export async function scanRemote(urls: readonly string[], opts: RemoteScanOptions): Promise<RemoteReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const meter: Meter = { bytes: 0, requests: 0 };
  const ctx: RemoteContext = {
    env: opts.env,
    http: { ...DEFAULT_HTTP, ...opts.http, meter },
    range: { ...DEFAULT_RANGE, ...opts.range },
    maxFiles: opts.maxFiles ?? opts.limits.maxMembers,
  };
  const failures: RemoteFailure[] = [];
  const notes: string[] = [];
  const files: RemoteFile[] = [];
  const siblingsOf = new Map<RemoteFile, readonly string[]>();
  for (const url of urls) {
    try {
      const listing = await resolveRemote(url, ctx);
      notes.push(...listing.notes);
      const byDir = new Map<string, string[]>();
      for (const f of listing.files) {
        const dir = dirOf(f.name);
        byDir.set(dir, [...(byDir.get(dir) ?? []), f.name.slice(dir.length)]);
      }
      for (const f of listing.files) siblingsOf.set(f, byDir.get(dirOf(f.name)) ?? []);
      files.push(...listing.files);
    } catch (e) {
      const err = e instanceof RemoteError ? e : new RemoteError('network', `${url}: ${String(e)}`);
      failures.push({ url, code: err.code, message: err.message });
    }
  }

  const results: { targets: TargetResult[]; findings: Finding[]; metadata: [string, Record<string, unknown>][] }[] = [];
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      results.push(await scanOne(f, siblingsOf.get(f) ?? [], opts.limits, ctx));
      opts.onFile?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, files.length)) }, lane));

  const targets = results.flatMap((r) => r.targets).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const findings = results.flatMap((r) => r.findings).sort(compareFindings);
  const metadata = new Map(results.flatMap((r) => r.metadata));
  return {
    targets,
    findings,
    metadata,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    failures,
    notes,
    meter,
  };
}

async function scanOne(f: RemoteFile, siblings: readonly string[], limits: Limits, base: RemoteContext) {
  const path = f.displayPath;
  const size = f.size ?? 0;
  const metadata: [string, Record<string, unknown>][] = [];
  if (limits.maxFileSize > 0 && f.size !== undefined && f.size > limits.maxFileSize) {
    const message = `object is ${f.size} bytes, over --max-file-size ${limits.maxFileSize}; not scanned`;
    return {
      targets: [target(path, size, 'skipped', { code: 'too_large', message })],
      findings: [findingOf(ENGINE_RULES['scan/too-large'], { path, message, scanner: 'engine' })],
      metadata,
    };
  }
  const signal = AbortSignal.timeout(limits.timeBudgetMs);
  let src: ByteSource;
  try {
    src = await f.open({ ...base.http, signal });
  } catch (e) {
    const err = e instanceof RemoteError ? e : new RemoteError('network', String(e));
    const code = err.code === 'not_found' ? 'not_found' : err.code === 'auth' ? 'permission' : 'io_error';
    return { targets: [target(path, size, 'error', { code, message: err.message })], findings: [], metadata };
  }
  const name = f.name.split('/').pop() ?? f.name;
  const result = await scanSource(src, { path, name, siblings }, { limits, scanners: SCANNERS, signal });
  const [top, ...rest] = result.targets;
  const targets = top ? [{ ...top, bytesRead: src.bytesRead }, ...rest] : rest;
  for (const [k, v] of result.metadata) metadata.push([k, { ...v }]);
  return { targets, findings: result.findings, metadata };
}

function target(path: string, size: number, status: TargetResult['status'], error: TargetResult['error']) {
  return { path, format: 'unknown', status, ...(error ? { error } : {}), sizeBytes: size, bytesRead: 0 };
}

function dirOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i + 1);
}

/** One report from a local scan and a remote one, in the order reporters expect. */
export function mergeReports(local: FilesReport | undefined, remote: FilesReport | undefined): FilesReport {
  if (!remote) return local ?? emptyReport();
  if (!local) return remote;
  return {
    targets: [...local.targets, ...remote.targets],
    findings: [...local.findings, ...remote.findings].sort(compareFindings),
    metadata: new Map([...local.metadata, ...remote.metadata]),
    startedAt: local.startedAt, // local paths are scanned first
    durationMs: local.durationMs + remote.durationMs,
  };
}

function emptyReport(): FilesReport {
  return { targets: [], findings: [], metadata: new Map(), startedAt: new Date().toISOString(), durationMs: 0 };
}
