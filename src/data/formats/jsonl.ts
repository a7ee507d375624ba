import type { ByteSource } from '../../core/byte-source.js';
import { scanCandidates } from '../detect/engine.js';
import { redact } from '../detect/index.js';
import { textBlocks, utf8Length } from '../stream/blocks.js';
import type { FormatContext, FormatResult } from './context.js';
import { FieldAggregator } from './fields.js';
import { scanJsonValue } from './json-walk.js';

/** A candidate this far below the threshold may still pass once the key is known. */
const KEY_CONTEXT_MARGIN = 0.3;

/**
 * JSON Lines, streamed by blocks of whole lines. The raw block goes through the engine once;
 * only lines with a candidate are parsed and walked, so the key path of each hit is known and
 * the cost of JSON.parse is paid for the few lines that need it.
 */
export async function scanJsonl(src: ByteSource, ctx: FormatContext): Promise<FormatResult> {
  const agg = new FieldAggregator('key', ctx.limits.maxFields);
  const stats = { bytes: 0, records: 0, detections: 0 };
  const sink = ctx.sink;
  let carry = '';
  let carryByte = ctx.part?.byteBase ?? 0;
  let lineNo = 1;

  for await (const block of textBlocks(
    src,
    Math.min(ctx.limits.blockBytes, ctx.limits.rowBlockBytes),
    ctx.signal,
    true,
  )) {
    stats.bytes += block.byteLength;
    const buf = carry + block.text;
    const ascii = block.ascii && carry.length === utf8Length(carry);
    const cut = block.last ? buf.length : buf.lastIndexOf('\n') + 1;
    const cands =
      cut > 0 ? scanCandidates(cut === buf.length ? buf : buf.slice(0, cut), ctx.set, { context: false }) : [];
    let out = '';
    let written = 0;
    let lineStart = 0;
    let k = 0;
    while (lineStart < cut) {
      let lineEnd = buf.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > cut) lineEnd = cut;
      const next = lineEnd + 1;
      let hot = false;
      for (; k < cands.length && cands[k]!.start < lineEnd; k++) {
        if (cands[k]!.start >= lineStart && cands[k]!.score >= ctx.minScore - KEY_CONTEXT_MARGIN) hot = true;
      }
      const contentEnd = lineEnd > lineStart && buf.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (contentEnd > lineStart) stats.records++;
      if (hot) {
        const line = buf.slice(lineStart, contentEnd);
        const where = {
          path: ctx.path,
          line: lineNo,
          offset: carryByte + (ascii ? lineStart : utf8Length(buf, 0, lineStart)),
        };
        const replaced = scanLine(line, ctx, agg, where, stats, lineNo);
        if (sink && replaced !== undefined) {
          out += buf.slice(written, lineStart) + replaced;
          written = contentEnd;
        }
      }
      lineNo++;
      lineStart = next;
    }
    if (sink) {
      out += buf.slice(written, Math.min(cut, buf.length));
      if (out) await sink.write(out);
    }
    carryByte += ascii ? cut : utf8Length(buf, 0, cut);
    carry = buf.slice(cut);
    if (carry.length > ctx.limits.maxRecordBytes) {
      return {
        findings: agg.findings().map((f) => f),
        stats,
        redacted: false,
        error: {
          code: 'limit_exceeded',
          message: `a line longer than ${ctx.limits.maxRecordBytes} bytes`,
          offset: carryByte,
        },
      };
    }
  }
  agg.setCells(stats.records);
  return { findings: agg.findings(), stats, redacted: sink !== undefined, fields: agg.state(), lines: lineNo - 1 };
}

/** Walks one parsed line; returns its redacted serialisation when something was masked. */
function scanLine(
  line: string,
  ctx: FormatContext,
  agg: FieldAggregator,
  where: { path: string; line: number; offset: number },
  stats: { detections: number },
  row: number,
): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    const cands = scanCandidates(line, ctx.set).filter((c) => c.score >= ctx.minScore);
    for (const c of cands) {
      stats.detections++;
      agg.hit('(unparsed line)', c.detector, line.slice(c.start, c.end), c.score, where, row);
    }
    return cands.length
      ? redact(
          line,
          cands.map((c) => ({ start: c.start, end: c.end, detectorId: c.detector.id })),
        )
      : undefined;
  }
  const { hits, value } = scanJsonValue(parsed, ctx.set, ctx.minScore, ctx.sink !== undefined);
  for (const h of hits) {
    for (const c of h.candidates) {
      stats.detections++;
      agg.hit(h.pattern, c.detector, h.value.slice(c.start, c.end), c.score, where, row);
    }
  }
  return hits.length > 0 && ctx.sink ? JSON.stringify(value) : undefined;
}
