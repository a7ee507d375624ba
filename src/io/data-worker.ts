import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { SliceSource } from '../core/byte-source.js';
import type { DataLimits } from '../data/formats/context.js';
import type { DataFormat } from '../data/formats/sniff.js';
import { scanDataSource } from '../data/scan.js';
import { FileSource } from './file-source.js';

export interface DataPartRequest {
  readonly absPath: string;
  readonly displayPath: string;
  readonly start: number;
  readonly end: number;
  readonly format: DataFormat;
  readonly header?: string;
  readonly minScore?: number;
  readonly kinds?: readonly ('secret' | 'pii')[];
  readonly limits?: Partial<DataLimits>;
}

/** Scans one byte range of a file on a worker thread and posts back the mergeable result. */
parentPort?.on('message', async (req: DataPartRequest) => {
  const src = await FileSource.open(req.absPath);
  try {
    const part = new SliceSource(src, req.start, req.end - req.start);
    const r = await scanDataSource(
      part,
      { path: req.displayPath, name: basename(req.absPath) },
      {
        format: req.format,
        part: { byteBase: req.start, ...(req.header !== undefined ? { header: req.header } : {}) },
        ...(req.minScore === undefined ? {} : { minScore: req.minScore }),
        ...(req.kinds ? { kinds: req.kinds } : {}),
        ...(req.limits ? { limits: req.limits } : {}),
      },
    );
    parentPort?.postMessage({ ok: true, result: { ...r, findings: [] }, bytesRead: src.bytesRead });
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  } finally {
    await src.close();
  }
});
