/**
 * Runs the audit's code checks on worker threads. Small projects are checked in-process (spawning
 * workers and loading the grammars costs more than it saves); large ones are split into batches,
 * each worker answers per file, and a worker that hangs or dies costs one file, never the audit —
 * the contract of the shared pool in src/io/workers.ts.
 */
import type { Finding } from '../core/finding.js';
import type { TargetResult } from '../core/target.js';
import { runBatchPool, spawnModuleWorker } from '../io/workers.js';
import { type CodeFile, checkCodeFile } from './code-files.js';
import { type CodeJob, contextOf, type WireContext } from './code-pool-types.js';

export interface CodeResult {
  readonly target: TargetResult;
  readonly findings: Finding[];
}

/** Below this many files the checks run in-process. */
const MIN_FILES_FOR_WORKERS = 200;
const BATCH = 32;
/** A worker silent for this long on one file is killed; the parser's own deadline is 10 s. */
const STALL_MS = 60_000;
const WORKER_HEAP_MB = 512;

function failed(f: CodeFile, message: string): CodeResult {
  return {
    target: {
      path: f.displayPath,
      format: `code/${f.lang}`,
      status: 'error',
      error: { code: 'internal', message },
      sizeBytes: f.size,
      bytesRead: 0,
    },
    findings: [],
  };
}

export async function runCodeChecks(
  files: readonly CodeFile[],
  context: WireContext,
  concurrency: number,
  done: (i: number, r: CodeResult) => void,
): Promise<void> {
  if (concurrency <= 1 || files.length < MIN_FILES_FOR_WORKERS) {
    const ctx = contextOf(context);
    for (const [i, f] of files.entries()) {
      done(i, await checkCodeFile(f, ctx));
      // Parsing is synchronous; yielding lets the model workers' replies in, so they get their next batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return;
  }
  await runBatchPool(
    files,
    {
      concurrency: Math.max(1, Math.min(concurrency, Math.ceil(files.length / BATCH))),
      spawn: () =>
        spawnModuleWorker(import.meta.url, 'code-worker', {
          resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        }),
      request: (items): CodeJob => ({ items: items.map(({ id, item }) => ({ id, file: item })), context }),
      stallMs: STALL_MS,
      batchSize: () => BATCH,
      failed: (f, reason) => failed(f, `code check failed: ${reason}`),
    },
    done,
  );
}
