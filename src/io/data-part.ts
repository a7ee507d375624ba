import { basename } from 'node:path';
import { SliceSource } from '../core/byte-source.js';
import type { DataLimits } from '../data/formats/context.js';
import type { DataFormat } from '../data/formats/sniff.js';
import { type DataScanResult, scanDataSource } from '../data/scan.js';
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

/**
 * Scans one byte range of a file (on a worker thread, or on the calling thread for the first
 * part) and returns the mergeable result, without per-occurrence findings.
 */
export async function scanPart(req: DataPartRequest): Promise<DataScanResult> {
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
    return { ...r, findings: [] };
  } finally {
    await src.close();
  }
}
