import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { compareFindings, type Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import { findingOf } from '../core/rule.js';
import type { ScanReport, TargetResult } from '../core/target.js';
import { ENGINE_RULES } from '../scan/engine-rules.js';
import { type FileScan, scanFile } from './scan-file.js';
import type { WorkerRequest } from './scan-worker.js';
import { spawnScanWorker, takeScanWorker } from './scan-worker-start.js';
import { type WalkEntry, walk } from './walk.js';
import { runBatchPool } from './workers.js';

export interface ScanProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly current?: string;
}

export interface ScanFilesOptions {
  readonly cwd: string;
  readonly exclude: readonly string[];
  readonly limits: Limits;
  /** Worker threads; 1 scans in-process. Defaults to what the workload needs (autoConcurrency). */
  readonly concurrency?: number;
  readonly followSymlinks?: boolean;
  readonly onProgress?: (p: ScanProgress) => void;
}

export interface FilesReport extends ScanReport {
  readonly metadata: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** Walks the paths and scans every file, on worker threads when there is more than one. */
export async function scanFiles(paths: readonly string[], opts: ScanFilesOptions): Promise<FilesReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  // A worker takes ~0.1 s to start: the first one starts (unless the CLI started it already) while
  // the folders are walked.
  const early = opts.concurrency === 1 ? undefined : takeScanWorker();
  const { files, problems } = await walk(paths, {
    cwd: opts.cwd,
    exclude: opts.exclude,
    ...(opts.followSymlinks === undefined ? {} : { followSymlinks: opts.followSymlinks }),
  });
  const results: (FileScan | undefined)[] = new Array(files.length);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let filesDone = 0;
  let bytesDone = 0;
  const done = (i: number, r: FileScan) => {
    results[i] = r;
    filesDone++;
    bytesDone += files[i]?.size ?? 0;
    opts.onProgress?.({ filesDone, filesTotal: files.length, bytesDone, bytesTotal });
  };
  opts.onProgress?.({ filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal });

  if (opts.concurrency === 1) {
    for (const [i, f] of files.entries()) done(i, await scanInProcess(f, opts.limits));
  } else {
    const wanted = opts.concurrency ?? autoConcurrency(files.length, bytesTotal, availableParallelism());
    let first = early;
    const spawn = () => {
      const w = first ?? spawnScanWorker();
      first = undefined;
      return w;
    };
    try {
      await runPool(files, opts.limits, Math.max(1, Math.min(wanted, files.length)), done, spawn);
    } finally {
      await first?.terminate();
    }
  }

  const targets: TargetResult[] = problems.map((p) => ({
    path: p.displayPath,
    format: 'unknown',
    status: 'error',
    error: { code: p.code, message: p.message },
    sizeBytes: 0,
    bytesRead: 0,
  }));
  const findings: Finding[] = [];
  const metadata = new Map<string, Readonly<Record<string, unknown>>>();
  for (const r of results) {
    if (!r) continue;
    targets.push(...r.targets);
    findings.push(...r.findings);
    for (const [k, v] of r.metadata) metadata.set(k, v);
  }
  findings.sort(compareFindings);
  return {
    targets,
    findings,
    metadata,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}

async function scanInProcess(entry: WalkEntry, limits: Limits): Promise<FileScan> {
  try {
    return await scanFile(entry, limits);
  } catch (e) {
    return failed(entry, 'internal', e instanceof Error ? e.message : String(e));
  }
}

function failed(entry: WalkEntry, code: 'internal' | 'timeout', message: string): FileScan {
  const path = entry.displayPath;
  const rule = code === 'timeout' ? ENGINE_RULES['scan/limit-exceeded'] : ENGINE_RULES['scan/internal-error'];
  return {
    targets: [
      { path, format: 'unknown', status: 'error', error: { code, message }, sizeBytes: entry.size, bytesRead: 0 },
    ],
    findings: [findingOf(rule, { path, message, scanner: 'engine' })],
    metadata: [],
  };
}

/** Headroom past the per-file time budget before a stuck worker is killed (scanners stop themselves first). */
const graceMs = (budgetMs: number) => Math.min(10_000, Math.max(500, budgetMs / 2));

/**
 * Workers for a scan when the user does not say. Each worker pays its own start-up and JIT
 * warm-up (~0.5 s of CPU before it runs at full speed: 0.2 ms per typical model file), so a
 * worker is only worth adding for a few thousand files or gigabytes of streamed data; on 2,000
 * files two workers were slower than one on a 2-core machine.
 */
export function autoConcurrency(files: number, bytes: number, cores: number): number {
  const byFiles = Math.ceil(files / 4000);
  const byBytes = Math.ceil(bytes / (4 * 1024 ** 3));
  return Math.max(1, Math.min(cores, Math.max(byFiles, byBytes)));
}

/** Files handed to a worker per message: large enough to amortise the round trip, small enough to balance. */
function batchSize(remaining: number, concurrency: number): number {
  return Math.max(1, Math.min(64, Math.ceil(remaining / (concurrency * 4))));
}

/**
 * Scans files on `concurrency` worker threads (see runBatchPool for the watchdog contract).
 * `entry` names another worker module speaking the same protocol (tests use one that hangs and crashes).
 */
export async function runPool(
  files: readonly WalkEntry[],
  limits: Limits,
  concurrency: number,
  done: (i: number, r: FileScan) => void,
  spawn: () => Worker = spawnScanWorker,
): Promise<void> {
  await runBatchPool(
    files,
    {
      concurrency,
      spawn,
      request: (items): WorkerRequest => ({ items: items.map(({ id, item }) => ({ id, entry: item })), limits }),
      stallMs: limits.timeBudgetMs + graceMs(limits.timeBudgetMs),
      batchSize: (remaining) => batchSize(remaining, concurrency),
      failed: (f, reason, timedOut) =>
        timedOut
          ? failed(f, 'timeout', `scan did not finish within ${limits.timeBudgetMs} ms`)
          : failed(f, 'internal', reason),
    },
    done,
  );
}
