import type { ByteSource } from '../../core/byte-source.js';
import { scanCandidates } from '../detect/engine.js';
import { maskFor } from '../detect/index.js';
import { MAX_MATCH_LENGTH } from '../detect/types.js';
import { countLines, textBlocks, utf8Length } from '../stream/blocks.js';
import type { FormatContext, FormatResult } from './context.js';
import { OccurrenceCollector } from './occurrences.js';

const LOOKBACK = 64;

interface Seg {
  readonly charStart: number;
  readonly byteStart: number;
  readonly text: string;
  readonly ascii: boolean;
}

/**
 * Plain text, streamed. Each round scans `buf` = a little look-back + the tail not yet committed +
 * the new block, and commits only matches that start before `end − MAX_MATCH_LENGTH`: a match
 * cut by the block edge is found whole in the next round, and nothing is reported twice.
 */
export async function scanText(src: ByteSource, ctx: FormatContext): Promise<FormatResult> {
  const out = new OccurrenceCollector(ctx.limits.maxFindingsPerDetector);
  const stats = { bytes: 0, records: 0, detections: 0 };
  let buf = '';
  let bufStart = 0; // absolute char index of buf[0]
  let committed = 0; // matches starting before this were handled
  let written = 0; // redacted output written up to here
  let lineCursor = 0;
  let lineAt = 1;
  let segs: Seg[] = [];
  let charTotal = 0;
  const sink = ctx.sink;

  const byteOf = (abs: number): number => {
    let seg: Seg | undefined;
    for (const s of segs) if (s.charStart <= abs) seg = s;
    if (!seg) return abs;
    return seg.byteStart + (seg.ascii ? abs - seg.charStart : utf8Length(seg.text, 0, abs - seg.charStart));
  };
  const lineOf = (abs: number): number => {
    lineAt += countLines(buf, lineCursor - bufStart, abs - bufStart);
    lineCursor = abs;
    return lineAt;
  };

  for await (const block of textBlocks(src, ctx.limits.blockBytes, ctx.signal)) {
    stats.bytes += block.byteLength;
    segs.push({ charStart: charTotal, byteStart: block.byteStart, text: block.text, ascii: block.ascii });
    charTotal += block.text.length;
    buf += block.text;
    const end = bufStart + buf.length;
    const limit = block.last ? end : Math.max(committed, end - MAX_MATCH_LENGTH);
    let redacted = '';
    for (const c of scanCandidates(buf, ctx.set)) {
      const abs = bufStart + c.start;
      if (abs < committed || abs >= limit || c.score < ctx.minScore) continue;
      const value = buf.slice(c.start, c.end);
      stats.detections++;
      out.add(c.detector, value, c.score, {
        path: ctx.path,
        ...(ctx.member ? { member: ctx.member } : {}),
        line: lineOf(abs),
        offset: byteOf(abs),
      });
      if (sink && abs >= written) {
        redacted += buf.slice(written - bufStart, c.start) + maskFor(c.detector.id);
        written = bufStart + c.end;
      }
    }
    if (sink) {
      if (written < limit) {
        redacted += buf.slice(written - bufStart, limit - bufStart);
        written = limit;
      }
      if (redacted) await sink.write(redacted);
    }
    lineOf(limit);
    committed = limit;
    const keep = Math.max(bufStart, Math.min(limit - LOOKBACK, sink ? written : limit, lineCursor));
    buf = buf.slice(keep - bufStart);
    bufStart = keep;
    segs = segs.filter((s) => s.charStart + s.text.length > keep);
  }
  return { findings: out.finish(ctx.path), stats, redacted: sink !== undefined };
}
