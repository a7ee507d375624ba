import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import type { ParseError } from '../../core/result.js';
import type { CompiledSet } from '../detect/engine.js';

/** Where redacted output goes; the CLI provides a file, tests a buffer. Data code never opens files. */
export interface DataSink {
  write(chunk: string | Uint8Array): Promise<void>;
}

export interface DataLimits {
  /** Block size for streamed formats. */
  readonly blockBytes: number;
  /**
   * Upper bound on the block size of line-based formats (CSV/TSV, JSON Lines). Small blocks are
   * faster there: each block's text is a young-generation string that dies in a cheap scavenge
   * (a 1 MiB string lives in large-object space until a full GC, which costs memory), and the
   * per-character loops work in cache. Measured: 64 KiB blocks use ~20% less CPU and ~50 MiB less
   * memory per thread than 1 MiB blocks on the 1 GB benchmark files.
   */
  readonly rowBlockBytes: number;
  /** JSON documents and notebooks up to this size are parsed whole; larger JSON is scanned as text. */
  readonly maxDocumentBytes: number;
  /** A single CSV row or JSONL line longer than this is scanned as plain text. */
  readonly maxRecordBytes: number;
  /** Findings per detector per file for formats reported per occurrence. */
  readonly maxFindingsPerDetector: number;
  /** Distinct columns or key paths tracked per file. */
  readonly maxFields: number;
  /**
   * CSV/TSV: rows read (rounded up to whole blocks) before columns are classified; a column
   * that is nearly all one kind of personal data is then checked on one row in `sampleStride`
   * and its counts are estimated. 0 checks every cell (exact counts). Never applied while a
   * redacted copy is written.
   */
  readonly sampleRows: number;
  readonly sampleStride: number;
}

export const DEFAULT_DATA_LIMITS: DataLimits = {
  blockBytes: 1 << 20,
  rowBlockBytes: 64 << 10,
  maxDocumentBytes: 256 * 1024 * 1024,
  maxRecordBytes: 16 * 1024 * 1024,
  maxFindingsPerDetector: 50,
  maxFields: 10_000,
  sampleRows: 2000,
  sampleStride: 16,
};

/** A byte range of a larger file scanned on its own (parallel scans of big CSV/JSONL files). */
export interface PartOf {
  /** Absolute byte offset of the part's first byte in the file. */
  readonly byteBase: number;
  /** CSV/TSV: the file's header line, for parts after the first. */
  readonly header?: string;
}

export interface FormatContext {
  readonly path: string;
  readonly member?: string;
  readonly set: CompiledSet;
  readonly minScore: number;
  readonly limits: DataLimits;
  readonly sink?: DataSink;
  readonly signal?: AbortSignal;
  readonly part?: PartOf;
}

export interface FormatStats {
  bytes: number;
  records: number;
  detections: number;
}

export interface FormatResult {
  readonly findings: Finding[];
  readonly stats: FormatStats;
  readonly error?: ParseError;
  /** True when a redacted copy was written to the sink. */
  readonly redacted: boolean;
  /** Per-field counts of tabular formats, for merging parts. */
  readonly fields?: import('./fields.js').FieldState;
  /** Newlines consumed (tabular formats), to shift the line numbers of later parts. */
  readonly lines?: number;
}

export type FormatScan = (src: ByteSource, ctx: FormatContext) => Promise<FormatResult>;
