import type { Limits } from '../../core/limits.js';

/** Why a decompressor stopped before the end of its input. */
export type StopReason = 'size-cap' | 'ratio-cap';

/** What a capped decompressor produced: the output prefix it kept and whether it had to stop. */
export interface Decompressed {
  readonly data: Uint8Array;
  /** Compressed bytes consumed. */
  readonly bytesIn: number;
  /** Set when a cap stopped the decompressor; `data` is then a prefix of the real content. */
  readonly stopped?: StopReason;
  /** Compressed bytes left over after the end of the stream(s) (hidden trailing data). */
  readonly trailing?: number;
  /** Set when the stream was corrupt or truncated; `data` holds what decoded before it. */
  readonly error?: string;
}

/** Output below this never counts as a bomb by ratio alone: small, very regular files are common. */
export const RATIO_FLOOR_BYTES = 32 * 1024 * 1024;

export interface Caps {
  readonly maxBytes: number;
  readonly maxRatio: number;
}

export function capsOf(limits: Limits, budgetLeft?: number): Caps {
  const maxBytes = Math.max(0, Math.min(limits.maxDecompressedBytes, budgetLeft ?? Number.POSITIVE_INFINITY));
  return { maxBytes, maxRatio: limits.maxCompressionRatio };
}

/** Checks the running totals against the caps; returns why to stop, if it must. */
export function overCap(out: number, inBytes: number, caps: Caps): StopReason | undefined {
  if (out > caps.maxBytes) return 'size-cap';
  if (out >= RATIO_FLOOR_BYTES && out / Math.max(1, inBytes) > caps.maxRatio) return 'ratio-cap';
  return undefined;
}

/** Collects output chunks up to the size cap without ever holding more than cap bytes. */
export class CappedSink {
  private chunks: Uint8Array[] = [];
  total = 0;
  kept = 0;
  constructor(private readonly maxBytes: number) {}
  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    const room = this.maxBytes - this.kept;
    if (room <= 0) return;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(piece);
    this.kept += piece.length;
  }
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.kept);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [out];
    return out;
  }
}
