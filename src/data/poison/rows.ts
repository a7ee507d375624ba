import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { ByteSource } from '../../core/byte-source.js';
import { fieldValue, tokenizeRows } from '../formats/csv-tokenize.js';
import { asyncBufferOf } from '../formats/parquet.js';
import { sniffDataFormat } from '../formats/sniff.js';
import { textBlocks } from '../stream/blocks.js';

export interface LabelledRow {
  /** 1-based record number (JSONL line, CSV data row, Parquet row). */
  readonly row: number;
  readonly text: string;
  readonly label: string;
}

export interface RowsResult {
  readonly rows: LabelledRow[];
  /** Records skipped because the text or label column was missing or not parseable. */
  readonly skipped: number;
  readonly truncated: boolean;
}

export interface RowsOptions {
  readonly textColumn: string;
  readonly labelColumn: string;
  readonly maxRows?: number;
}

function asLabel(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * Reads (text, label) pairs from JSONL, CSV/TSV or Parquet. The analyses need every row at once,
 * so this keeps them in memory, capped at `maxRows` (default 2 million).
 */
export async function readLabelledRows(src: ByteSource, name: string, opts: RowsOptions): Promise<RowsResult> {
  const max = opts.maxRows ?? 2_000_000;
  const rows: LabelledRow[] = [];
  let skipped = 0;
  let n = 0;
  const add = (text: unknown, label: unknown): boolean => {
    n++;
    const l = asLabel(label);
    if (typeof text !== 'string' || l === undefined) skipped++;
    else rows.push({ row: n, text, label: l });
    return rows.length < max;
  };
  const format = sniffDataFormat(name, await src.read(0, 8192));
  if (format === 'parquet') {
    const file = asyncBufferOf(src);
    const metadata = await parquetMetadataAsync(file);
    let start = 0;
    for (const rg of metadata.row_groups) {
      const end = start + Number(rg.num_rows);
      const objs = await parquetReadObjects({
        file,
        metadata,
        rowStart: start,
        rowEnd: end,
        columns: [opts.textColumn, opts.labelColumn],
      });
      for (const o of objs)
        if (!add(o[opts.textColumn], o[opts.labelColumn])) return { rows, skipped, truncated: true };
      start = end;
    }
    return { rows, skipped, truncated: false };
  }
  if (format === 'csv' || format === 'tsv') {
    let carry = '';
    let header: string[] | undefined;
    let full = false;
    for await (const block of textBlocks(src)) {
      const buf = carry + block.text;
      const r = tokenizeRows(buf, format === 'csv' ? 44 : 9, format === 'csv', block.last, 1, 4096, (row) => {
        if (full) return;
        const cells: string[] = [];
        for (let i = 0; i < row.n; i++) cells.push(fieldValue(buf, row.starts[i]!, row.ends[i]!));
        if (!header) {
          header = cells.map((c) => c.trim());
          return;
        }
        const ti = header.indexOf(opts.textColumn);
        const li = header.indexOf(opts.labelColumn);
        if (!add(ti < 0 ? undefined : cells[ti], li < 0 ? undefined : cells[li])) full = true;
      });
      carry = buf.slice(r.consumed);
      if (full) return { rows, skipped, truncated: true };
    }
    return { rows, skipped, truncated: false };
  }
  // JSON Lines (and anything else line-shaped).
  let carry = '';
  for await (const block of textBlocks(src)) {
    const buf = carry + block.text;
    const cut = block.last ? buf.length : buf.lastIndexOf('\n') + 1;
    for (const line of buf.slice(0, cut).split('\n')) {
      if (!line.trim()) continue;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        o = undefined;
      }
      const rec = o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
      if (!add(rec[opts.textColumn], rec[opts.labelColumn])) return { rows, skipped, truncated: true };
    }
    carry = buf.slice(cut);
  }
  return { rows, skipped, truncated: false };
}
