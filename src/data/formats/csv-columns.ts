import { isCredentialKey } from '../detect/keyed.js';
import { personName, streetAddress } from '../detect/pii-text.js';
import type { Detector } from '../detect/types.js';

const NAME_HEADER =
  /^(?:(?:full|first|last|given|family|middle|customer|patient|contact|user|employee|person|sur)[ _-]?name|name|surname|forename)$/i;
const ADDRESS_HEADER =
  /^(?:(?:home|street|postal|mailing|billing|shipping)[ _-]?address|address(?:[ _-]?line[ _-]?\d)?|street)$/i;
const NAME_VALUE = /^\p{Lu}[\p{Ll}'’-]{1,25}(?: \p{Lu}\.?| \p{Lu}[\p{Ll}'’-]{1,25}){0,3}$/u;
const ADDRESS_VALUE = /^\d{1,6}[A-Za-z]?,? \p{L}[\p{L} .'-]{2,60}$/u;

export const CSV_COLUMN_REGEXES: readonly RegExp[] = [NAME_HEADER, ADDRESS_HEADER, NAME_VALUE, ADDRESS_VALUE];

/**
 * A column is sampled once this share of its non-empty cells in the sample is one personal-data
 * value of one detector, the whole cell (an e-mail column, not a notes column that often holds
 * an address): free text keeps the full detector set on every cell.
 */
export const CLASSIFY_SHARE = 0.9;
/** Fewer non-empty cells than this in the sample: the column is too sparse to classify. */
export const CLASSIFY_MIN_CELLS = 200;

export interface Column {
  readonly name: string;
  readonly lower: string;
  /** Non-empty cells. */
  cells: number;
  /** Non-empty cells after the column was classified, and how many of them were checked. */
  strideCells: number;
  strideChecked: number;
  /** Header-context boost per detector, computed once. */
  readonly boost: Map<Detector, number>;
  /** A column whose header says "name" or "address" is classified by value shape. */
  readonly shape?: { readonly detector: Detector; readonly test: RegExp };
  /** A credential-named column (`password`, `api_key`): each cell is scanned as `name=value`. */
  readonly credential?: boolean;
  /** Cells in the sample that were one personal-data value, whole, per detector. */
  readonly whole: Map<Detector, number>;
  /**
   * Classified from the sample: personal-data detectors now run on one row in `stride` only
   * (secret detectors still see every cell), and its personal-data counts are estimates.
   */
  sampled: boolean;
}

export function headerColumn(name: string): Column {
  const base = {
    name,
    lower: name.toLowerCase().replace(/[_-]/g, ' '),
    cells: 0,
    strideCells: 0,
    strideChecked: 0,
    boost: new Map<Detector, number>(),
    whole: new Map<Detector, number>(),
    sampled: false,
  };
  const shape = NAME_HEADER.test(name)
    ? { detector: personName, test: NAME_VALUE }
    : ADDRESS_HEADER.test(name)
      ? { detector: streetAddress, test: ADDRESS_VALUE }
      : undefined;
  return { ...base, ...(shape ? { shape } : {}), ...(isCredentialKey(name) ? { credential: true } : {}) };
}

/** A column past the header's width. */
export function extraColumn(f: number): Column {
  return {
    name: `#${f + 1}`,
    lower: '',
    cells: 0,
    strideCells: 0,
    strideChecked: 0,
    boost: new Map(),
    whole: new Map(),
    sampled: false,
  };
}

/** Marks the columns the sample shows to be one kind of personal data; returns how many. */
export function classifyColumns(columns: readonly Column[]): number {
  let n = 0;
  for (const col of columns) {
    if (col.sampled || col.credential || col.cells < CLASSIFY_MIN_CELLS) continue;
    let best = 0;
    for (const v of col.whole.values()) best = Math.max(best, v);
    if (best >= CLASSIFY_SHARE * col.cells) {
      col.sampled = true;
      n++;
    }
  }
  return n;
}

/**
 * Whether data row `row` (0-based within the scanned part) is one of the rows that check sampled
 * columns: one in `stride` on average, picked by a hash of the row number rather than every
 * `stride`-th row, so that a periodic pattern in the data (every 20th row empty) cannot line up
 * with the checked rows and bias the estimate.
 */
export function confirmingRow(row: number, stride: number): boolean {
  if (stride <= 1) return true;
  let h = row | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % stride === 0;
}

/** True when [s, e) of `text` is the cell [cs, ce) up to surrounding white space. */
export function coversCell(text: string, s: number, e: number, cs: number, ce: number): boolean {
  while (cs < s && isSpace(text.charCodeAt(cs))) cs++;
  while (ce > e && isSpace(text.charCodeAt(ce - 1))) ce--;
  return s <= cs && e >= ce;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}
