import type { ByteSource } from '../../core/byte-source.js';
import { contextScore, scanCandidates } from '../detect/engine.js';
import { maskFor } from '../detect/index.js';
import { scanKeyedValue } from '../detect/keyed.js';
import type { RangeList } from '../detect/numeric-scan.js';
import { textBlocks, utf8Length } from '../stream/blocks.js';
import type { FormatContext, FormatResult } from './context.js';
import {
  type Column,
  CSV_COLUMN_REGEXES,
  classifyColumns,
  confirmingRow,
  coversCell,
  extraColumn,
  headerColumn,
} from './csv-columns.js';
import { fieldValue, RowTable, tokenizeRows } from './csv-tokenize.js';
import { FieldAggregator } from './fields.js';

export const CSV_REGEXES: readonly RegExp[] = CSV_COLUMN_REGEXES;

/** Growable [start, end) ranges. */
class Ranges implements RangeList {
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  n = 0;
  add(s: number, e: number): void {
    if (this.n === this.starts.length) {
      const s2 = new Int32Array(this.n * 2);
      const e2 = new Int32Array(this.n * 2);
      s2.set(this.starts);
      e2.set(this.ends);
      this.starts = s2;
      this.ends = e2;
    }
    this.starts[this.n] = s;
    this.ends[this.n] = e;
    this.n++;
  }
}

/**
 * Column-aware CSV/TSV scan. Each block is tokenized into rows first; then the whole block goes
 * through the detector engine once (the fast path) and each candidate is placed in its cell,
 * re-scored with the column header as context, and counted per column. Findings: one per column
 * and detector, with the share of rows.
 *
 * Sampling ("sample each column and classify it"): once the first `limits.sampleRows` rows are
 * in, a column whose cells are nearly all one kind of personal data (an e-mail column) is
 * classified, and from then on only one row in `limits.sampleStride` runs the personal-data
 * detectors on it; its counts become estimates and say so. Secret detectors still run on every
 * cell of every column, and nothing is sampled when a redacted copy is written.
 */
export async function scanDelimited(src: ByteSource, ctx: FormatContext, delimiter: ',' | '\t'): Promise<FormatResult> {
  const delim = delimiter.charCodeAt(0);
  const quotes = delimiter === ',';
  const agg = new FieldAggregator('column', ctx.limits.maxFields);
  const stats = { bytes: 0, records: 0, detections: 0 };
  const maxCols = Math.min(ctx.limits.maxFields, 4096);
  const sink = ctx.sink;
  const sampleRows = sink ? 0 : ctx.limits.sampleRows;
  const stride = Math.max(1, ctx.limits.sampleStride);
  const table = new RowTable();
  const skip = new Ranges();
  let columns: Column[] | undefined;
  let classified = false;
  let anySampled = false;
  let dataRows = 0; // data rows before this block
  let carry = '';
  let carryByte = ctx.part?.byteBase ?? 0; // absolute byte offset of buf[0]
  let line = 1;

  // A later part of a split file: the header comes from the file's first line.
  let carryHeader = ctx.part?.header !== undefined ? `${ctx.part.header}\n` : '';
  let headerShift = carryHeader ? -1 : 0;
  for await (const block of textBlocks(
    src,
    Math.min(ctx.limits.blockBytes, ctx.limits.rowBlockBytes),
    ctx.signal,
    true,
  )) {
    stats.bytes += block.byteLength;
    const buf = carryHeader + carry + block.text;
    const ascii = block.ascii && isAscii(carry) && isAscii(carryHeader);
    carryByte -= carryHeader.length;
    carryHeader = '';
    table.reset();
    const r = tokenizeRows(buf, delim, quotes, block.last, line + headerShift, maxCols, table.add);
    headerShift = 0;
    line += r.lines;
    let first = 0;
    if (!columns && table.rows > 0) {
      columns = [];
      for (let f = table.fieldAt[0]!; f < table.fieldAt[1]!; f++) {
        columns.push(
          headerColumn(fieldValue(buf, table.starts[f]!, table.ends[f]!).trim() || `#${columns.length + 1}`),
        );
      }
      first = 1;
    }
    if (sampleRows > 0 && !classified && dataRows >= sampleRows && columns) {
      classified = true;
      anySampled = classifyColumns(columns) > 0;
    }
    // Cells of classified columns outside the confirming rows: no personal-data detectors there.
    skip.n = 0;
    if (anySampled && columns) {
      for (let row = first; row < table.rows; row++) {
        if (confirmingRow(dataRows + row - first, stride)) continue;
        const f0 = table.fieldAt[row]!;
        const nf = Math.min(table.fieldAt[row + 1]! - f0, columns.length);
        for (let f = 0; f < nf; f++) {
          if (!columns[f]!.sampled) continue;
          const s = table.starts[f0 + f]!;
          const e = table.ends[f0 + f]!;
          if (e > s) skip.add(s, e);
        }
      }
    }
    const cands = table.rows > first ? scanCandidates(buf, ctx.set, { context: false, piiSkip: skip }) : [];
    let k = 0;
    let out = '';
    let written = 0;
    const byteAt = (pos: number) => carryByte + (ascii ? pos : utf8Length(buf, 0, pos));
    const inSample = !classified;
    const masks: Array<[number, number, string]> = []; // ranges to redact in the current row

    for (let row = first; row < table.rows && columns; row++) {
      const rowStart = table.rowStart[row]!;
      const rowEnd = table.rowEnd[row]!;
      const rowLine = table.rowLine[row]!;
      const f0 = table.fieldAt[row]!;
      const n = table.fieldAt[row + 1]! - f0;
      const confirming = anySampled && confirmingRow(dataRows + row - first, stride);
      stats.records++;
      masks.length = 0;
      for (let f = 0; f < n; f++) {
        const s = table.starts[f0 + f]!;
        const e = table.ends[f0 + f]!;
        if (e === s) continue;
        const col = columnOf(columns, f);
        col.cells++;
        const full = !col.sampled || confirming;
        if (col.sampled) {
          col.strideCells++;
          if (confirming) col.strideChecked++;
        }
        if (col.credential) {
          const v = fieldValue(buf, s, e);
          for (const c of scanKeyedValue(col.name, v, ctx.set)) {
            if (c.detector.id !== 'generic-secret' || c.score < ctx.minScore) continue;
            agg.hit(col.name, c.detector, v.slice(c.start, c.end), c.score, {
              path: ctx.path,
              line: rowLine,
              offset: byteAt(s),
            });
            stats.detections++;
            if (sink) masks.push([s, e, c.detector.id]);
          }
        }
        if (col.shape && full) {
          const v = fieldValue(buf, s, e).trim();
          if (col.shape.test.test(v)) {
            const where = { path: ctx.path, line: rowLine, offset: byteAt(s) };
            agg.hit(col.name, col.shape.detector, v, 0.8, where, undefined, col.sampled);
            stats.detections++;
            if (inSample) col.whole.set(col.shape.detector, (col.whole.get(col.shape.detector) ?? 0) + 1);
            if (sink) masks.push([s, e, col.shape.detector.id]);
          }
        }
      }
      while (k < cands.length && cands[k]!.start < rowStart) k++;
      for (; k < cands.length && cands[k]!.start < rowEnd; k++) {
        const c = cands[k]!;
        let f = 0;
        while (f < n && table.ends[f0 + f]! < c.end) f++;
        const cs = table.starts[f0 + f]!;
        if (f >= n || cs > c.start) continue; // spans a cell boundary
        const col = columnOf(columns, f);
        if (col.shape?.detector === c.detector) continue;
        // The header is the context of a cell; text earlier in the same cell adds to it when present.
        let score = col.boost.get(c.detector);
        if (score === undefined) {
          score = contextScore(c.detector, 0.5, col.lower) - 0.5;
          col.boost.set(c.detector, score);
        }
        score =
          c.start > cs
            ? contextScore(
                c.detector,
                c.base,
                `${col.lower} ${buf.slice(Math.max(cs, c.start - 48), c.start).toLowerCase()}`,
              )
            : Math.max(0, Math.min(1, c.base + score));
        if (score < ctx.minScore) continue;
        stats.detections++;
        const value = buf.slice(c.start, c.end);
        const where = { path: ctx.path, line: rowLine, offset: byteAt(c.start) };
        agg.hit(col.name, c.detector, value, score, where, undefined, col.sampled && c.detector.kind === 'pii');
        if (inSample && c.detector.kind === 'pii' && coversCell(buf, c.start, c.end, cs, table.ends[f0 + f]!)) {
          col.whole.set(c.detector, (col.whole.get(c.detector) ?? 0) + 1);
        }
        if (sink) masks.push([c.start, c.end, c.detector.id]);
      }
      if (masks.length > 0) {
        masks.sort((a, b) => a[0] - b[0]);
        for (const [ms, me, id] of masks) {
          if (ms < written) continue;
          out += buf.slice(written, ms) + maskFor(id);
          written = me;
        }
      }
    }
    dataRows += table.rows - first;
    if (sink) {
      out += buf.slice(written, r.consumed);
      if (out) await sink.write(out);
    }
    carry = buf.slice(r.consumed);
    carryByte += ascii ? r.consumed : utf8Length(buf, 0, r.consumed);
    if (carry.length > ctx.limits.maxRecordBytes) {
      return {
        findings: finish(agg, columns).findings(),
        stats,
        redacted: false,
        error: {
          code: 'limit_exceeded',
          message: `a row longer than ${ctx.limits.maxRecordBytes} bytes`,
          offset: carryByte,
        },
      };
    }
  }
  finish(agg, columns);
  return {
    findings: agg.findings(),
    stats,
    redacted: sink !== undefined,
    fields: agg.state(),
    lines: line - 1 - (ctx.part?.header !== undefined ? 1 : 0),
  };
}

function finish(agg: FieldAggregator, columns: Column[] | undefined): FieldAggregator {
  for (const col of columns ?? []) {
    agg.cell(col.name, col.cells, { cells: col.strideCells, checked: col.strideChecked });
  }
  return agg;
}

function columnOf(columns: Column[], f: number): Column {
  let col = columns[f];
  if (!col) {
    col = extraColumn(f);
    columns[f] = col;
  }
  return col;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
