import type { ByteSource } from '../core/byte-source.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { ParseError } from '../core/result.js';
import type { Rule } from '../core/rule.js';

/** What a scanner may look at to claim a file: its first bytes, its size and its base name. */
export interface SniffInput {
  /** The first bytes of the file (up to 4 KiB). */
  readonly head: Uint8Array;
  readonly size: number;
  /**
   * Base name, for ecosystem files whose meaning comes from their name (a loader opens
   * `config.json` or `MLmodel` by name). Binary model formats must sniff by magic bytes only.
   */
  readonly name: string;
}

/** Where the current bytes sit: the file on disk and the archive path inside it. */
export interface ScanContext {
  readonly path: string;
  /** Archive member path so far, nested with `!`. Undefined at top level. */
  readonly member?: string;
  readonly limits: Limits;
  /** Nesting depth: 0 for a file on disk. */
  readonly depth: number;
  /** Aborted when the file's time budget runs out. */
  readonly signal: AbortSignal;
  /**
   * Sibling files of the target, relative names, for formats whose meaning depends on the folder
   * (ONNX external data, Hugging Face `auto_map`). Empty inside archives.
   */
  readonly siblings: readonly string[];
}

/** A member a container hands back to the engine to scan in its turn. */
export interface Member {
  readonly name: string;
  readonly source: ByteSource;
  /** Format the container knows the member to be (e.g. `pickle` for `data.pkl`), bypassing sniffing. */
  readonly format?: string;
}

export interface ScanOutcome {
  readonly findings: readonly Finding[];
  readonly members?: readonly Member[];
  /** Set when parsing stopped early; findings gathered before it still count. */
  readonly error?: ParseError;
  /** Facts the AI-BOM and reports may use (tensor counts, producer, chat template …). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * One file per format implements this and is listed once in `registry.ts`.
 * `scan` is total: it returns an outcome for any bytes and never throws on bad input.
 */
export interface FormatScanner {
  readonly id: string;
  /** Bumped when behaviour changes; shown in reports and the AI-BOM. */
  readonly version: number;
  readonly description: string;
  /** Rules this scanner can emit (the catalogue is assembled from these). */
  readonly rules: readonly Rule[];
  sniff(input: SniffInput): boolean;
  scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome>;
}
