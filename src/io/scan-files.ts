import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compareFindings, type Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import { findingOf } from '../core/rule.js';
import type { ScanReport, TargetResult } from '../core/target.js';
import { ENGINE_RULES } from '../scan/engine-rules.js';
import { type FileScan, scanFile } from './scan-file.js';
import type { WorkerRequest } from './scan-worker.js';
import { type WalkEntry, walk } from './walk.js';

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
  /** Worker threads; 1 scans in-process. Defaults to the number of cores. */
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

  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), files.length));
  if (concurrency <= 1) {
    for (const [i, f] of files.entries()) done(i, await scanInProcess(f, opts.limits));
  } else {
    await runPool(files, opts.limits, concurrency, done);
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
/** A worker that needs more heap than this dies and its file is reported, not the whole scan. */
const WORKER_HEAP_MB = 512;

/**
 * The worker entry. Built, it is plain JavaScript; under tsx or vitest this module is TypeScript, so
 * the worker first registers tsx's loader (passing `--import tsx` to a worker does not apply it to the
 * worker's own entry module on Node 20).
 */
function spawnWorker(entry?: URL): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (entry) return new Worker(entry, { resourceLimits, stdout: false });
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./scan-worker.js', import.meta.url), { resourceLimits, stdout: false });
  }
  // The ESM entry that tsx's package exports map names for `tsx/esm/api` under `import`.
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const tsEntry = new URL('./scan-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(tsEntry)}); });`;
  return new Worker(boot, { eval: true, resourceLimits, stdout: false });
}

/** Files handed to a worker per message: large enough to amortise the round trip, small enough to balance. */
function batchSize(remaining: number, concurrency: number): number {
  return Math.max(1, Math.min(64, Math.ceil(remaining / (concurrency * 4))));
}

type Reply = { id: number; result?: FileScan; failure?: string };

/**
 * Scans files on `concurrency` worker threads. Each worker gets a batch and answers per file; a
 * watchdog kills a worker that makes no progress within the time budget, reports the file it was
 * on, and re-queues the rest of its batch on a fresh worker. A crash (out of memory, a native
 * fault) is handled the same way: one file is lost to an error entry, never the scan.
 */
export async function runPool(
  files: readonly WalkEntry[],
  limits: Limits,
  concurrency: number,
  done: (i: number, r: FileScan) => void,
  /** Another worker entry implementing the same protocol (tests use one that hangs and crashes). */
  entry?: URL,
): Promise<void> {
  const queue = files.map((_, i) => i);
  const deadlineMs = limits.timeBudgetMs + graceMs(limits.timeBudgetMs);

  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, batchSize(queue.length, concurrency));
        worker ??= spawnWorker(entry);
        const w = worker;
        const pending = new Set(batch);
        const end = await new Promise<{ dead: boolean; reason?: 'timeout' | string }>((resolve) => {
          let timer = setTimeout(() => finish({ dead: true, reason: 'timeout' }), deadlineMs);
          const finish = (r: { dead: boolean; reason?: string }) => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(r);
          };
          const onMessage = (m: Reply) => {
            if (!pending.delete(m.id)) return;
            clearTimeout(timer);
            timer = setTimeout(() => finish({ dead: true, reason: 'timeout' }), deadlineMs);
            done(m.id, m.result ?? failed(files[m.id]!, 'internal', m.failure ?? 'unknown worker failure'));
            if (pending.size === 0) finish({ dead: false });
          };
          const onError = (e: Error) => finish({ dead: true, reason: `worker crashed: ${e.message}` });
          const onExit = (code: number) => finish({ dead: true, reason: `worker exited with code ${code}` });
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          const request: WorkerRequest = { items: batch.map((id) => ({ id, entry: files[id]! })), limits };
          w.postMessage(request);
        });
        if (!end.dead) continue;
        await w.terminate();
        worker = undefined;
        // The worker answers in order, so the first unanswered file is the one it was stuck on.
        const [culprit, ...rest] = batch.filter((i) => pending.has(i));
        if (culprit !== undefined) {
          const entry = files[culprit]!;
          done(
            culprit,
            end.reason === 'timeout'
              ? failed(entry, 'timeout', `scan did not finish within ${limits.timeBudgetMs} ms`)
              : failed(entry, 'internal', end.reason ?? 'worker failed'),
          );
        }
        queue.unshift(...rest);
      }
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
