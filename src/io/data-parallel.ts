import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../core/byte-source.js';
import { DETECTORS } from '../data/detect/index.js';
import { tokenizeRows } from '../data/formats/csv-tokenize.js';
import { type FieldState, findingsOfState, mergeStates } from '../data/formats/fields.js';
import type { DataFormat } from '../data/formats/sniff.js';
import type { DataScanResult } from '../data/scan.js';
import { type DataPartRequest, scanPart } from './data-part.js';

/** Below this a file is scanned on the calling thread; splitting costs a worker start-up. */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./data-worker.js', import.meta.url));
  // Under tsx/vitest the worker registers tsx's loader first (as scan-files.ts does).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./data-worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
}

/**
 * Split points at line starts. CSV is split only when the first MiB has no newline inside quotes:
 * a split inside a multi-line quoted field would misparse, so such files stay on one thread.
 */
export async function splitPoints(
  src: ByteSource,
  format: DataFormat,
  parts: number,
): Promise<{ bounds: number[]; header?: string } | undefined> {
  const head = new TextDecoder().decode(await src.read(0, 1 << 20));
  let header: string | undefined;
  if (format === 'csv' || format === 'tsv') {
    const nl = head.indexOf('\n');
    if (nl < 0) return undefined;
    header = head.slice(0, nl).replace(/\r$/, '');
    let rows = 0;
    const cut = head.lastIndexOf('\n') + 1;
    const r = tokenizeRows(head.slice(0, cut), format === 'csv' ? 44 : 9, format === 'csv', false, 1, 1, () => {
      rows++;
    });
    if (r.lines !== rows) return undefined;
  }
  const bounds = [0];
  for (let k = 1; k < parts; k++) {
    const at = Math.floor((src.size * k) / parts);
    const window = await src.read(at, 1 << 20);
    const i = window.indexOf(10);
    if (i < 0) return undefined;
    const b = at + i + 1;
    if (b > bounds[bounds.length - 1]!) bounds.push(b);
  }
  bounds.push(src.size);
  return { bounds, ...(header === undefined ? {} : { header }) };
}

/** Scans a large CSV/TSV/JSONL file in parallel parts and merges the per-field counts. */
export async function scanInParts(
  src: ByteSource,
  req: Omit<DataPartRequest, 'start' | 'end' | 'header'>,
  parts = availableParallelism(),
  minBytes = PARALLEL_MIN_BYTES,
): Promise<DataScanResult | undefined> {
  if (parts < 2 || src.size < minBytes) return undefined;
  const split = await splitPoints(src, req.format, parts);
  if (!split) return undefined;
  const jobs = split.bounds.slice(0, -1).map((start, k) => ({
    ...req,
    start,
    end: split.bounds[k + 1]!,
    ...(k > 0 && split.header !== undefined ? { header: split.header } : {}),
  }));
  // The first part runs on this thread, which would otherwise only wait: one isolate (heap,
  // young generation, loaded code) fewer than a worker per part.
  const results = await Promise.all(
    jobs.map((job, k) =>
      k === 0
        ? scanPart(job)
        : new Promise<DataScanResult>((resolve, reject) => {
            const w = spawn();
            w.once('message', (m: { ok: boolean; result?: DataScanResult; error?: string }) => {
              void w.terminate();
              if (m.ok && m.result) resolve(m.result);
              else reject(new Error(m.error ?? 'worker failed'));
            });
            w.once('error', reject);
            w.postMessage(job);
          }),
    ),
  );
  let shift = 0;
  const states: Array<{ state: FieldState; lineShift: number }> = [];
  for (const r of results) {
    if (r.fields) states.push({ state: r.fields, lineShift: shift });
    shift += r.lines ?? 0;
  }
  const merged = mergeStates(states);
  // JSON Lines shares are per row of the whole file.
  if (merged.kind === 'key') {
    const rows = results.reduce((n, r) => n + r.stats.records, 0);
    for (const f of merged.fields) f.cells = rows;
  }
  const first = results[0]!;
  return {
    format: first.format,
    findings: findingsOfState(merged, (id) => DETECTORS.find((d) => d.id === id)),
    stats: {
      bytes: results.reduce((n, r) => n + r.stats.bytes, 0),
      records: results.reduce((n, r) => n + r.stats.records, 0),
      detections: results.reduce((n, r) => n + r.stats.detections, 0),
    },
    redacted: false,
    ...(results.find((r) => r.error)?.error ? { error: results.find((r) => r.error)!.error! } : {}),
    fields: merged,
  };
}
