import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker on a module next to `base` (pass `import.meta.url`), named without extension.
 * Built, the module is plain JavaScript. Under tsx or vitest it is TypeScript, and the worker first
 * registers tsx's loader: on Node 20 `--import tsx` in a worker's execArgv does not reach the
 * worker's own entry module.
 */
export function spawnModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const opts: WorkerOptions = { stdout: false, ...options };
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), opts);
  // The ESM entry that tsx's package exports map names for `tsx/esm/api` under `import`.
  const tsxDir = dirname(createRequire(base).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(`./${name}.ts`, base).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}

/** What a pool worker answers for each item, in the order it received them. */
export type PoolReply<R> =
  | { readonly id: number; readonly result: R }
  | { readonly id: number; readonly failure: string };

export interface BatchPoolOptions<I, R> {
  readonly concurrency: number;
  readonly spawn: () => Worker;
  /** The message that hands a worker its batch; `items` carry the ids replies must echo. */
  readonly request: (items: { readonly id: number; readonly item: I }[]) => unknown;
  /** A worker silent this long on one item is killed; that item is reported, the rest re-queued. */
  readonly stallMs: number;
  /** Items per message: large enough to amortise the round trip, small enough to balance. */
  readonly batchSize: (remaining: number) => number;
  /** The result recorded for an item whose worker hung (`timedOut`) or died. */
  readonly failed: (item: I, reason: string, timedOut: boolean) => R;
}

/**
 * Runs items on `concurrency` worker threads, in batches. A watchdog kills a worker that makes no
 * progress within `stallMs`, reports the item it was on, and re-queues the rest of its batch on a
 * fresh worker; a crash (out of memory, a native fault, an exit) is handled the same way: one item is
 * lost to an error result, never the run. Every item is answered exactly once.
 */
export async function runBatchPool<I, R>(
  items: readonly I[],
  opts: BatchPoolOptions<I, R>,
  done: (index: number, result: R) => void,
): Promise<void> {
  const queue = items.map((_, i) => i);
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, opts.batchSize(queue.length));
        worker ??= opts.spawn();
        const w = worker;
        const pending = new Set(batch);
        const end = await new Promise<{ dead: boolean; reason?: string; timedOut?: boolean }>((resolve) => {
          const stall = () => finish({ dead: true, reason: `no answer within ${opts.stallMs} ms`, timedOut: true });
          let timer = setTimeout(stall, opts.stallMs);
          const finish = (r: { dead: boolean; reason?: string; timedOut?: boolean }) => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(r);
          };
          const onMessage = (m: PoolReply<R>) => {
            if (!pending.delete(m.id)) return;
            clearTimeout(timer);
            timer = setTimeout(stall, opts.stallMs);
            done(m.id, 'result' in m ? m.result : opts.failed(items[m.id]!, m.failure, false));
            if (pending.size === 0) finish({ dead: false });
          };
          const onError = (e: Error) => finish({ dead: true, reason: `worker crashed: ${e.message}` });
          const onExit = (code: number) => finish({ dead: true, reason: `worker exited with code ${code}` });
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage(opts.request(batch.map((id) => ({ id, item: items[id]! }))));
        });
        if (!end.dead) continue;
        await w.terminate();
        worker = undefined;
        // Workers answer in order, so the first unanswered item is the one the worker was stuck on.
        const [culprit, ...rest] = batch.filter((i) => pending.has(i));
        if (culprit !== undefined) {
          done(culprit, opts.failed(items[culprit]!, end.reason ?? 'worker failed', end.timedOut === true));
        }
        queue.unshift(...rest);
      }
    } finally {
      await worker?.terminate();
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
}
