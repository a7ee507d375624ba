import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from './workers.js';

/** A worker that needs more heap than this dies and its file is reported, not the whole scan. */
const WORKER_HEAP_MB = 512;

let prestarted: Worker | undefined;

export function spawnScanWorker(): Worker {
  return spawnModuleWorker(import.meta.url, 'scan-worker', {
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
}

/**
 * Starts a scan worker ahead of need. A worker takes ~0.1 s before it can scan (a new V8 isolate
 * loading every scanner), and the `scan` command spends about as long loading its own modules: the
 * CLI starts the worker first, so the two overlap. `scanFiles` adopts it; `dropPrestartedScanWorker`
 * ends it when nothing did (usage errors, remote-only or in-process scans).
 */
export function prestartScanWorker(): void {
  prestarted ??= spawnScanWorker();
}

/** The prestarted worker if there is one, else a new one. */
export function takeScanWorker(): Worker {
  const w = prestarted ?? spawnScanWorker();
  prestarted = undefined;
  return w;
}

export async function dropPrestartedScanWorker(): Promise<void> {
  const w = prestarted;
  prestarted = undefined;
  await w?.terminate();
}
