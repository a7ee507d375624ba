/**
 * A CSV/TSV row tokenizer over a block of text that reports field ranges without copying them.
 * RFC 4180 quoting (doubled quotes inside quoted fields, newlines inside quotes); lenient about
 * text after a closing quote, which is kept in the field. TSV is tokenized without quoting, as the
 * IANA text/tab-separated-values format has none. Hand-written because it is the hot loop of the
 * 1 GB benchmark and must report offsets, which CSV libraries do not.
 */

export interface RowFields {
  /** Field ranges as [start, end) pairs into the block text, `n` fields. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  n: number;
}

export interface TokenizeResult {
  /** Index after the last complete row (the caller keeps the rest for the next block). */
  readonly consumed: number;
  /** Newlines consumed, including those inside quoted fields. */
  readonly lines: number;
}

export type RowCallback = (row: RowFields, rowStart: number, rowEnd: number, line: number) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export function tokenizeRows(
  text: string,
  delim: number,
  quotes: boolean,
  final: boolean,
  startLine: number,
  maxFields: number,
  onRow: RowCallback,
): TokenizeResult {
  const n = text.length;
  const row: RowFields = { starts: new Int32Array(maxFields), ends: new Int32Array(maxFields), n: 0 };
  let i = 0;
  let rowStart = 0;
  let line = startLine;
  let rowLine = startLine;
  const push = (s: number, e: number) => {
    if (row.n < maxFields) {
      row.starts[row.n] = s;
      row.ends[row.n] = e;
      row.n++;
    } else row.ends[maxFields - 1] = e; // the last slot absorbs overflow columns
  };
  while (i <= n) {
    if (i === n) {
      // End of text at a field start: a trailing empty field only if the row has begun.
      if (final && (row.n > 0 || rowStart < n)) {
        if (row.n > 0 || i > rowStart) push(i, i);
        onRow(row, rowStart, n, rowLine);
        rowStart = n;
      }
      break;
    }
    let c = text.charCodeAt(i);
    let fieldEnd: number;
    if (quotes && c === QUOTE) {
      let j = i + 1;
      let closed = -1;
      while (j < n) {
        const q = text.indexOf('"', j);
        if (q === -1) break;
        if (text.charCodeAt(q + 1) === QUOTE) {
          j = q + 2;
          continue;
        }
        closed = q;
        break;
      }
      if (closed === -1 && !final) return { consumed: rowStart, lines: rowLine - startLine };
      const contentEnd = closed === -1 ? n : closed;
      for (let k = text.indexOf('\n', i); k !== -1 && k < contentEnd; k = text.indexOf('\n', k + 1)) line++;
      let k = closed === -1 ? n : closed + 1;
      while (k < n) {
        c = text.charCodeAt(k);
        if (c === delim || c === LF) break;
        k++;
      }
      push(i + 1, k === closed + 1 ? contentEnd : k);
      fieldEnd = k;
    } else {
      let j = i;
      while (j < n) {
        c = text.charCodeAt(j);
        if (c === delim || c === LF) break;
        j++;
      }
      push(i, j > i && text.charCodeAt(j - 1) === CR && j < n ? j - 1 : j);
      fieldEnd = j;
    }
    if (fieldEnd >= n) {
      if (!final) return { consumed: rowStart, lines: rowLine - startLine };
      onRow(row, rowStart, n, rowLine);
      rowStart = n;
      break;
    }
    if (text.charCodeAt(fieldEnd) === delim) {
      i = fieldEnd + 1;
      continue;
    }
    // Newline: the row is complete.
    onRow(row, rowStart, fieldEnd, rowLine);
    line++;
    i = fieldEnd + 1;
    rowStart = i;
    rowLine = line;
    row.n = 0;
  }
  return { consumed: final ? n : rowStart, lines: line - startLine };
}

/** The value of a field: quotes were stripped by the range; doubled quotes are undone here. */
export function fieldValue(text: string, start: number, end: number): string {
  const v = text.slice(start, end);
  return v.includes('""') ? v.replace(/""/g, '"') : v;
}

/**
 * The rows of one block as flat arrays (row r has fields fieldAt[r] .. fieldAt[r + 1] - 1), so a
 * scanner can look at the whole block before deciding what to run on which cell.
 */
export class RowTable {
  rows = 0;
  rowStart = new Int32Array(1024);
  rowEnd = new Int32Array(1024);
  rowLine = new Int32Array(1024);
  fieldAt = new Int32Array(1025);
  fields = 0;
  starts = new Int32Array(8192);
  ends = new Int32Array(8192);

  reset(): void {
    this.rows = 0;
    this.fields = 0;
  }

  /** A RowCallback that appends each row. */
  readonly add: RowCallback = (row, rowStart, rowEnd, line) => {
    if (this.rows + 1 >= this.rowStart.length) {
      this.rowStart = grow(this.rowStart);
      this.rowEnd = grow(this.rowEnd);
      this.rowLine = grow(this.rowLine);
      this.fieldAt = grow(this.fieldAt);
    }
    while (this.fields + row.n > this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    const r = this.rows++;
    this.rowStart[r] = rowStart;
    this.rowEnd[r] = rowEnd;
    this.rowLine[r] = line;
    this.fieldAt[r] = this.fields;
    // A plain loop: rows are a few fields wide, and subarray views would be two objects per row.
    const { starts, ends } = this;
    let f = this.fields;
    for (let k = 0; k < row.n; k++, f++) {
      starts[f] = row.starts[k]!;
      ends[f] = row.ends[k]!;
    }
    this.fields = f;
    this.fieldAt[r + 1] = this.fields;
  };
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
