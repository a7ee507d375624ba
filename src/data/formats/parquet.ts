import { type AsyncBuffer, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { ByteSource } from '../../core/byte-source.js';
import { scanKeyedValue } from '../detect/keyed.js';
import type { FormatContext, FormatResult } from './context.js';
import { FieldAggregator } from './fields.js';
import { scanJsonValue } from './json-walk.js';

/** hyparquet reads through this: only the footer and the requested column chunks are fetched. */
export function asyncBufferOf(src: ByteSource): AsyncBuffer {
  return {
    byteLength: src.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? src.size, src.size);
      const bytes = await src.read(start, Math.max(0, stop - start));
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      return copy.buffer;
    },
  };
}

/**
 * Parquet, one row group at a time (memory: one decoded row group). Columns are aggregated like
 * CSV columns; nested values (lists, structs) are walked as JSON with their key paths.
 */
export async function scanParquet(src: ByteSource, ctx: FormatContext): Promise<FormatResult> {
  const agg = new FieldAggregator('column', ctx.limits.maxFields);
  const stats = { bytes: src.size, records: 0, detections: 0 };
  const file = asyncBufferOf(src);
  try {
    const metadata = await parquetMetadataAsync(file);
    const columns = parquetSchema(metadata).children.map((c) => c.element.name);
    let rowStart = 0;
    for (const rg of metadata.row_groups) {
      if (ctx.signal?.aborted) break;
      const rowEnd = rowStart + Number(rg.num_rows);
      const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
      for (const [i, row] of rows.entries()) {
        const rowNo = rowStart + i + 1;
        stats.records++;
        for (const col of columns) {
          const v = row[col];
          if (v === null || v === undefined || v === '') continue;
          agg.cell(col);
          scanCell(col, v, rowNo, ctx, agg, stats);
        }
      }
      rowStart = rowEnd;
    }
  } catch (e) {
    return {
      findings: agg.findings(),
      stats,
      redacted: false,
      error: { code: 'invalid_structure', message: `parquet: ${e instanceof Error ? e.message : String(e)}` },
    };
  }
  return { findings: agg.findings(), stats, redacted: false };
}

function scanCell(
  col: string,
  v: unknown,
  rowNo: number,
  ctx: FormatContext,
  agg: FieldAggregator,
  stats: { detections: number },
): void {
  const where = { path: ctx.path, member: `row[${rowNo}]` };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
    const text = String(v);
    if (typeof v !== 'string' && text.length < 6) return;
    for (const c of scanKeyedValue(col, text, ctx.set)) {
      if (c.score < ctx.minScore) continue;
      stats.detections++;
      agg.hit(col, c.detector, text.slice(c.start, c.end), c.score, where, rowNo);
    }
    return;
  }
  if (typeof v === 'object' && !(v instanceof Uint8Array)) {
    const { hits } = scanJsonValue(v, ctx.set, ctx.minScore, false);
    for (const h of hits) {
      for (const c of h.candidates) {
        stats.detections++;
        agg.hit(`${col}${h.pattern.slice(1)}`, c.detector, h.value.slice(c.start, c.end), c.score, where, rowNo);
      }
    }
  }
}
