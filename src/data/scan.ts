import type { ByteSource } from '../core/byte-source.js';
import { compareFindings, type Finding } from '../core/finding.js';
import { DEFAULT_MIN_SCORE, type DetectionKind, detectorSet } from './detect/index.js';
import {
  type DataLimits,
  type DataSink,
  DEFAULT_DATA_LIMITS,
  type FormatContext,
  type FormatResult,
  type FormatScan,
} from './formats/context.js';
import { scanDelimited } from './formats/csv.js';
import { scanJsonDocument } from './formats/document.js';
import { scanJsonl } from './formats/jsonl.js';
import { scanNotebook } from './formats/notebook.js';
import { scanParquet } from './formats/parquet.js';
import { type DataFormat, sniffDataFormat } from './formats/sniff.js';
import { scanText } from './formats/text.js';

export type { DataLimits, DataSink } from './formats/context.js';
export { DEFAULT_DATA_LIMITS } from './formats/context.js';
export type { DataFormat } from './formats/sniff.js';

export interface DataScanOptions {
  readonly kinds?: readonly DetectionKind[];
  readonly detectors?: readonly string[];
  readonly minScore?: number;
  readonly limits?: Partial<DataLimits>;
  /** Force a format instead of sniffing. */
  readonly format?: DataFormat;
  /** Write a sanitized copy here (same format, masked values). */
  readonly redactTo?: DataSink;
  readonly signal?: AbortSignal;
  /** Scan a byte range of a larger file (see `PartOf`). */
  readonly part?: import('./formats/context.js').PartOf;
}

export interface DataScanResult extends FormatResult {
  readonly format: DataFormat;
}

/** Scanners per format, as a plain table. */
const FORMAT_SCANNERS: Readonly<Record<Exclude<DataFormat, 'binary'>, FormatScan>> = {
  notebook: scanNotebook,
  jsonl: scanJsonl,
  json: scanJsonDocument,
  csv: (src, ctx) => scanDelimited(src, ctx, ','),
  tsv: (src, ctx) => scanDelimited(src, ctx, '\t'),
  parquet: scanParquet,
  text: scanText,
};

/** Formats whose redacted copy keeps the input's format. */
export const REDACTABLE: ReadonlySet<DataFormat> = new Set(['notebook', 'jsonl', 'json', 'csv', 'tsv', 'text']);

/**
 * Scans one data source for secrets and personal data. Pure: the caller opens the file and, for
 * `--redact`, provides the sink. Never throws on malformed content: problems come back as `error`.
 */
export async function scanDataSource(
  src: ByteSource,
  at: { readonly path: string; readonly name: string; readonly member?: string },
  opts: DataScanOptions = {},
): Promise<DataScanResult> {
  const format = opts.format ?? sniffDataFormat(at.name, await src.read(0, 8192));
  if (format === 'binary') {
    return { format, findings: [], stats: { bytes: 0, records: 0, detections: 0 }, redacted: false };
  }
  const ctx: FormatContext = {
    path: at.path,
    ...(at.member === undefined ? {} : { member: at.member }),
    set: detectorSet({
      ...(opts.kinds ? { kinds: opts.kinds } : {}),
      ...(opts.detectors ? { detectors: opts.detectors } : {}),
    }),
    minScore: opts.minScore ?? DEFAULT_MIN_SCORE,
    limits: { ...DEFAULT_DATA_LIMITS, ...opts.limits },
    ...(opts.redactTo && REDACTABLE.has(format) ? { sink: opts.redactTo } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.part ? { part: opts.part } : {}),
  };
  try {
    const r = await FORMAT_SCANNERS[format](src, ctx);
    return { ...r, format, findings: [...r.findings].sort(compareFindings) };
  } catch (e) {
    return {
      format,
      findings: [] as Finding[],
      stats: { bytes: 0, records: 0, detections: 0 },
      redacted: false,
      error: { code: 'internal', message: `${format} scan failed: ${e instanceof Error ? e.message : String(e)}` },
    };
  }
}
