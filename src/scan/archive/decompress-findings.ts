import type { Finding } from '../../core/finding.js';
import type { ScanContext } from '../types.js';
import type { Decompressed } from './caps.js';
import { findingAt } from './finding-at.js';
import { ARCHIVE_RULES } from './rules.js';

/** Turns a capped decompressor's outcome into findings: bombs, caps, corruption, trailing bytes. */
export function decompressionFindings(
  r: Decompressed,
  ctx: ScanContext,
  scanner: string,
  what: string,
  entry?: string,
): Finding[] {
  const out: Finding[] = [];
  const ratio = r.bytesIn > 0 ? Math.round(r.data.length / r.bytesIn) : 0;
  if (r.stopped === 'ratio-cap' || (r.stopped === 'size-cap' && ratio > ctx.limits.maxCompressionRatio)) {
    out.push(
      findingAt(
        ARCHIVE_RULES.bomb,
        ctx,
        scanner,
        `${what} expands more than ${ratio}:1 (cap ${ctx.limits.maxCompressionRatio}:1); decompression stopped after ${r.data.length} bytes from ${r.bytesIn} compressed`,
        { entry, evidence: `ratio ${ratio}:1 after ${r.data.length} bytes` },
      ),
    );
  } else if (r.stopped === 'size-cap') {
    out.push(
      findingAt(
        ARCHIVE_RULES.limit,
        ctx,
        scanner,
        `${what} decompresses past the ${ctx.limits.maxDecompressedBytes}-byte cap; only the first ${r.data.length} bytes were scanned`,
        { entry },
      ),
    );
  }
  if (r.error) {
    out.push(
      findingAt(
        ARCHIVE_RULES.corrupt,
        ctx,
        scanner,
        `${what} is corrupt after ${r.data.length} decoded bytes (${r.error}); the decoded part was scanned`,
        { entry, evidence: r.error },
      ),
    );
  }
  if (r.trailing) {
    out.push(
      findingAt(ARCHIVE_RULES.trailing, ctx, scanner, `${r.trailing} bytes follow the end of ${what}`, { entry }),
    );
  }
  return out;
}
