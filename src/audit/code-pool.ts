/**
 * Runs the audit's code checks on worker threads. Small projects are checked in-process (spawning
 * workers and loading the grammars costs more than it saves); large ones are split into batches,
 * each worker answers per file, and a worker that hangs or dies costs one file, never the audit —
 * the same contract as the model engine's pool in src/io/scan-files.ts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../core/finding.js';
import type { TargetResult } from '../core/target.js';
import { type CodeFile, checkCodeFile } from './code-files.js';
import { type CodeJob, type CodeReply, contextOf, type WireContext } from './code-pool-types.js';

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

function spawn(): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./code-worker.js', import.meta.url), { resourceLimits, stdout: false });
  }
  // Under tsx/vitest the entry is TypeScript: register tsx's loader inside the worker first (as the
  // model engine's pool does; `--import tsx` does not reach a worker's entry module on Node 20).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./code-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, resourceLimits, stdout: false });
}

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
  const queue = files.map((_, i) => i);
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, BATCH);
        worker ??= spawn();
        const w = worker;
        const pending = new Set(batch);
        const dead = await new Promise<string | undefined>((resolve) => {
          let timer = setTimeout(() => finish('timed out'), STALL_MS);
          const finish = (why?: string) => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(why);
          };
          const onMessage = (m: CodeReply) => {
            if (!pending.delete(m.id)) return;
            clearTimeout(timer);
            timer = setTimeout(() => finish('timed out'), STALL_MS);
            done(m.id, 'failure' in m ? failed(files[m.id]!, m.failure) : { target: m.target, findings: m.findings });
            if (pending.size === 0) finish();
          };
          const onError = (e: Error) => finish(`worker crashed: ${e.message}`);
          const onExit = (code: number) => finish(`worker exited with code ${code}`);
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          const job: CodeJob = { items: batch.map((id) => ({ id, file: files[id]! })), context };
          w.postMessage(job);
        });
        if (dead === undefined) continue;
        await w.terminate();
        worker = undefined;
        // Replies come in order: the first unanswered file is the one the worker was on.
        const [culprit, ...rest] = batch.filter((i) => pending.has(i));
        if (culprit !== undefined) done(culprit, failed(files[culprit]!, `code check ${dead}`));
        queue.unshift(...rest);
      }
    } finally {
      await worker?.terminate();
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, Math.ceil(files.length / BATCH)));
  await Promise.all(Array.from({ length: lanes }, lane));
}
