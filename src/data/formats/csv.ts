import type { ByteSource } from '../../core/byte-source.js';
import { contextScore, scanCandidates } from '../detect/engine.js';
import { maskFor } from '../detect/index.js';
import { isCredentialKey, scanKeyedValue } from '../detect/keyed.js';
import { personName, streetAddress } from '../detect/pii-text.js';
import type { Detector } from '../detect/types.js';
import { textBlocks, utf8Length } from '../stream/blocks.js';
import type { FormatContext, FormatResult } from './context.js';
import { fieldValue, type RowFields, tokenizeRows } from './csv-tokenize.js';
import { FieldAggregator } from './fields.js';

const NAME_HEADER =
  /^(?:(?:full|first|last|given|family|middle|customer|patient|contact|user|employee|person|sur)[ _-]?name|name|surname|forename)$/i;
const ADDRESS_HEADER =
  /^(?:(?:home|street|postal|mailing|billing|shipping)[ _-]?address|address(?:[ _-]?line[ _-]?\d)?|street)$/i;
const NAME_VALUE = /^\p{Lu}[\p{Ll}'’-]{1,25}(?: \p{Lu}\.?| \p{Lu}[\p{Ll}'’-]{1,25}){0,3}$/u;
const ADDRESS_VALUE = /^\d{1,6}[A-Za-z]?,? \p{L}[\p{L} .'-]{2,60}$/u;

export const CSV_REGEXES: readonly RegExp[] = [NAME_HEADER, ADDRESS_HEADER, NAME_VALUE, ADDRESS_VALUE];

interface Column {
  name: string;
  lower: string;
  cells: number;
  /** Header-context boost per detector, computed once. */
  boost: Map<Detector, number>;
  /** A column whose header says "name" or "address" is classified by value shape. */
  shape?: { detector: Detector; test: RegExp };
  /** A credential-named column (`password`, `api_key`): each cell is scanned as `name=value`. */
  credential?: boolean;
}

/**
 * Column-aware CSV/TSV scan. The whole block goes through the detector engine once (the fast
 * path); each candidate is then placed in its cell, re-scored with the column header as context,
 * and counted per column. Findings: one per column and detector, with the share of rows.
 */
export async function scanDelimited(src: ByteSource, ctx: FormatContext, delimiter: ',' | '\t'): Promise<FormatResult> {
  const delim = delimiter.charCodeAt(0);
  const quotes = delimiter === ',';
  const agg = new FieldAggregator('column', ctx.limits.maxFields);
  const stats = { bytes: 0, records: 0, detections: 0 };
  const maxCols = Math.min(ctx.limits.maxFields, 4096);
  let columns: Column[] | undefined;
  let carry = '';
  let carryByte = ctx.part?.byteBase ?? 0; // absolute byte offset of buf[0]
  let line = 1;
  const sink = ctx.sink;

  // A later part of a split file: the header comes from the file's first line.
  let carryHeader = ctx.part?.header !== undefined ? `${ctx.part.header}\n` : '';
  let headerShift = carryHeader ? -1 : 0;
  for await (const block of textBlocks(src, ctx.limits.blockBytes, ctx.signal)) {
    stats.bytes += block.byteLength;
    const buf = carryHeader + carry + block.text;
    const ascii = block.ascii && isAscii(carry) && isAscii(carryHeader);
    carryByte -= carryHeader.length;
    carryHeader = '';
    const cands = scanCandidates(buf, ctx.set, { context: false });
    let k = 0;
    let out = '';
    let written = 0;
    const byteAt = (pos: number) => carryByte + (ascii ? pos : utf8Length(buf, 0, pos));

    const onRow = (row: RowFields, rowStart: number, rowEnd: number, rowLine: number) => {
      if (!columns) {
        columns = [];
        for (let f = 0; f < row.n; f++) {
          const name = fieldValue(buf, row.starts[f]!, row.ends[f]!).trim() || `#${f + 1}`;
          const col: Column = { name, lower: name.toLowerCase().replace(/[_-]/g, ' '), cells: 0, boost: new Map() };
          if (NAME_HEADER.test(name)) col.shape = { detector: personName, test: NAME_VALUE };
          else if (ADDRESS_HEADER.test(name)) col.shape = { detector: streetAddress, test: ADDRESS_VALUE };
          if (isCredentialKey(name)) col.credential = true;
          columns.push(col);
        }
        while (k < cands.length && cands[k]!.start < rowEnd) k++;
        return;
      }
      stats.records++;
      const masks: Array<[number, number, string]> = [];
      for (let f = 0; f < row.n; f++) {
        const s = row.starts[f]!;
        const e = row.ends[f]!;
        if (e === s) continue;
        const col = columnOf(columns, f);
        col.cells++;
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
        if (col.shape) {
          const v = fieldValue(buf, s, e).trim();
          if (col.shape.test.test(v)) {
            agg.hit(col.name, col.shape.detector, v, 0.8, { path: ctx.path, line: rowLine, offset: byteAt(s) });
            stats.detections++;
            if (sink) masks.push([s, e, col.shape.detector.id]);
          }
        }
      }
      while (k < cands.length && cands[k]!.start < rowStart) k++;
      for (; k < cands.length && cands[k]!.start < rowEnd; k++) {
        const c = cands[k]!;
        let f = 0;
        while (f < row.n && row.ends[f]! < c.end) f++;
        if (f >= row.n || row.starts[f]! > c.start) continue; // spans a cell boundary
        const col = columnOf(columns, f);
        if (col.shape?.detector === c.detector) continue;
        // The header is the context of a cell; text earlier in the same cell adds to it when present.
        let score = col.boost.get(c.detector);
        if (score === undefined) {
          score = contextScore(c.detector, 0.5, col.lower) - 0.5;
          col.boost.set(c.detector, score);
        }
        score =
          c.start > row.starts[f]!
            ? contextScore(
                c.detector,
                c.base,
                `${col.lower} ${buf.slice(Math.max(row.starts[f]!, c.start - 48), c.start).toLowerCase()}`,
              )
            : Math.max(0, Math.min(1, c.base + score));
        if (score < ctx.minScore) continue;
        stats.detections++;
        const value = buf.slice(c.start, c.end);
        agg.hit(col.name, c.detector, value, score, { path: ctx.path, line: rowLine, offset: byteAt(c.start) });
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
    };

    const r = tokenizeRows(buf, delim, quotes, block.last, line + headerShift, maxCols, onRow);
    headerShift = 0;
    line += r.lines;
    if (sink) {
      out += buf.slice(written, r.consumed);
      if (out) await sink.write(out);
    }
    carry = buf.slice(r.consumed);
    carryByte += ascii ? r.consumed : utf8Length(buf, 0, r.consumed);
    if (carry.length > ctx.limits.maxRecordBytes) {
      for (const col of columns ?? []) agg.cell(col.name, col.cells);
      return {
        findings: agg.findings(),
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
  for (const col of columns ?? []) agg.cell(col.name, col.cells);
  return {
    findings: agg.findings(),
    stats,
    redacted: sink !== undefined,
    fields: agg.state(),
    lines: line - 1 - (ctx.part?.header !== undefined ? 1 : 0),
  };
}

function columnOf(columns: Column[], f: number): Column {
  let col = columns[f];
  if (!col) {
    col = { name: `#${f + 1}`, lower: '', cells: 0, boost: new Map() };
    columns[f] = col;
  }
  return col;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
