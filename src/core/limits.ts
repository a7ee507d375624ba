/** Resource caps every parser honours; hitting one is a finding, never a crash. */
export interface Limits {
  /** Files larger than this are skipped (status `skipped`). 0 = no cap. */
  readonly maxFileSize: number;
  /**
   * The most bytes of opcodes and operands one pickle analysis fetches (all its streams, with the
   * window's read-ahead). Payloads the VM skips unread (array bytes, long strings, joblib inline
   * arrays) do not count, and memory does not grow with it: the VM reads through a window of 1
   * MiB. A time cap, in effect.
   */
  readonly maxPickleBytes: number;
  /** The most opcodes the VM executes per stream. */
  readonly maxOpcodes: number;
  /** Stack/memo entries and container elements the VM keeps. */
  readonly maxStackDepth: number;
  readonly maxMemo: number;
  /** Archive nesting depth (zip in zip in tar …). */
  readonly maxNesting: number;
  /** Members read from one archive. */
  readonly maxMembers: number;
  /** Bytes produced by decompressing one member. */
  readonly maxDecompressedBytes: number;
  /** Output/input ratio above which a member is treated as a decompression bomb. */
  readonly maxCompressionRatio: number;
  /** Wall-clock budget for one top-level file, in milliseconds. */
  readonly timeBudgetMs: number;
  /** Largest JSON/text header a format may read (safetensors, GGUF strings, configs). */
  readonly maxHeaderBytes: number;
}

/**
 * Defaults sized so two workers stay well under 300 MB together: the in-memory caps (one
 * decompressed member, the pickle VM's window and entry caps) bound what a single file can make
 * a worker hold.
 */
export const DEFAULT_LIMITS: Limits = {
  maxFileSize: 0,
  maxPickleBytes: 1024 * 1024 * 1024,
  maxOpcodes: 20_000_000,
  maxStackDepth: 1_000_000,
  maxMemo: 1_000_000,
  maxNesting: 8,
  maxMembers: 100_000,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxCompressionRatio: 200,
  timeBudgetMs: 120_000,
  maxHeaderBytes: 100 * 1024 * 1024,
};
