/**
 * The shared numeric candidate pass, hand-written. It finds exactly the matches of
 * NUMERIC_CANDIDATE (`/\+?\(?\d[\d .()/-]{4,60}\d/g`, the documented definition, kept and
 * compared against this in the tests) but counts digits as it goes, allocates nothing per match
 * and can jump over ranges the caller rules out (cells of a column already classified from a
 * sample). On a table with a number in every cell it is the second hottest loop after the
 * anchor automaton, hence the hand-written form.
 */

/** Sorted, disjoint [start, end) ranges of a text. */
export interface RangeList {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly n: number;
}

/** Candidates as flat arrays: start, end (exclusive) and digit count of each. */
export interface NumericRuns {
  starts: Int32Array;
  ends: Int32Array;
  digits: Int32Array;
  n: number;
}

const MAX_TAIL = 61; // `[\d .()/-]{4,60}\d`: at most 61 characters after the first digit
/** The most digits a run can have. */
export const MAX_RUN_DIGITS = MAX_TAIL + 1;

// Character classes as one table lookup per character (faster than comparisons in the skip loop):
// 1 = digit, 2 = other character of `[\d .()/-]`, 4 = may start a candidate (`+`, `(`, digit).
const DIGIT = 1;
const CLASS = 3;
const START = 4;
const CLS = new Uint8Array(65536);
const START_CHAR = /[\d+(]/g;
for (let c = 48; c <= 57; c++) CLS[c] = DIGIT | START;
for (const c of [32, 46, 40, 41, 47, 45]) CLS[c]! |= 2;
CLS[43]! |= START;
CLS[40]! |= START;

function push(out: NumericRuns, s: number, e: number, d: number): void {
  if (out.n === out.starts.length) {
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    out.starts = grow(out.starts);
    out.ends = grow(out.ends);
    out.digits = grow(out.digits);
  }
  out.starts[out.n] = s;
  out.ends[out.n] = e;
  out.digits[out.n] = d;
  out.n++;
}

export function newNumericRuns(capacity = 1024): NumericRuns {
  return { starts: new Int32Array(capacity), ends: new Int32Array(capacity), digits: new Int32Array(capacity), n: 0 };
}

/**
 * Fills `out` with every candidate that has at least `minDigits` digits (or `minDotted` digits
 * and a dot), skipping candidates that would start inside a `skip` range.
 */
export function numericRuns(
  text: string,
  out: NumericRuns,
  minDigits: number,
  minDotted: number,
  skip?: RangeList,
): void {
  out.n = 0;
  const n = text.length;
  let sk = 0;
  let limit = skip && skip.n > 0 ? skip.starts[0]! : n;
  let p = 0;
  while (p < n) {
    if (p < limit) {
      // Native search for the next possible start: most text has few digits.
      START_CHAR.lastIndex = p;
      p = START_CHAR.test(text) ? START_CHAR.lastIndex - 1 : n;
    }
    if (p >= limit) {
      if (p >= n && limit >= n) break;
      // Jump over the ruled-out range, then aim at the next one.
      p = Math.max(p, skip!.ends[sk]!);
      sk++;
      while (sk < skip!.n && skip!.ends[sk]! <= p) sk++;
      limit = sk < skip!.n ? Math.max(skip!.starts[sk]!, p) : n;
      continue;
    }
    // `\+?\(?\d`: the optional parts never need backtracking (a `+` or `(` is not a digit).
    let q = p;
    if (text.charCodeAt(q) === 43) q++;
    if (text.charCodeAt(q) === 40) q++;
    if (q >= n || (CLS[text.charCodeAt(q)]! & DIGIT) === 0) {
      p++;
      continue;
    }
    // Greedy run of class characters, backed off to its last digit at least 5 past the first.
    const stop = Math.min(n, q + 1 + MAX_TAIL);
    let j = q + 1;
    let last = -1;
    let digits = 1;
    let dot = false;
    let digitsAtLast = 0;
    let dotAtLast = false;
    while (j < stop) {
      const c = text.charCodeAt(j);
      const f = CLS[c]!;
      if ((f & CLASS) === 0) break;
      if ((f & DIGIT) !== 0) {
        digits++;
        if (j >= q + 5) {
          last = j;
          digitsAtLast = digits;
          dotAtLast = dot;
        }
      } else if (c === 46) dot = true;
      j++;
    }
    if (last < 0) {
      // No start inside this run can do better: its window is a subset of this one's, unless the
      // run was cut at the 61-character cap.
      p = j < stop || stop === n ? Math.max(p + 1, j) : p + 1;
      continue;
    }
    if (digitsAtLast >= minDigits || (dotAtLast && digitsAtLast >= minDotted)) push(out, p, last + 1, digitsAtLast);
    p = last + 1;
  }
}
