import { CONFUSABLES, isInvisible, LEET, tagToAscii } from './confusables.js';

/** Text after evasion-undoing normalisation, with a map back to the original positions. */
export interface Normalized {
  /** Lower-cased, NFKC-folded, diacritics-stripped, homoglyph/leet-folded, single-spaced text. */
  readonly text: string;
  /** `map[i]` is the original index of normalised char `i`; `map[text.length]` is the original length. */
  readonly map: Int32Array;
  /** Evidence of deliberate obfuscation (counts), used as structural features. */
  readonly stats: NormalizeStats;
}

export interface NormalizeStats {
  invisible: number;
  tags: number;
  confusables: number;
  leet: number;
  spaced: number;
}

const SPACE = 0x20;

// Code-unit lookup tables built once from the plain data tables (read-only after module load).
const LEET_CODE = new Uint8Array(128);
for (const [k, v] of Object.entries(LEET)) LEET_CODE[k.charCodeAt(0)] = v.charCodeAt(0);
const CONFUSABLE_CODE = new Map<number, number>(
  Object.entries(CONFUSABLES).map(([k, v]) => [k.charCodeAt(0), v.charCodeAt(0)]),
);
const leetOf = (c: number): number => (c < 128 ? LEET_CODE[c]! : 0);
const MAX_CACHE = 4096;

/** True for chars that separate tokens after folding (ASCII punctuation and whitespace). */
function isBreak(c: number): boolean {
  if (c >= 0x80) return (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || c === 0xa0;
  return !((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x40 || c === 0x24);
}

function isAsciiLetter(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

/**
 * A normaliser owns a small cache of folded non-ASCII code points; one per Guard, never shared globally.
 * Written by hand (not a library) because it must keep an exact position map for spans and stay linear.
 */
export class Normalizer {
  private readonly cache = new Map<number, string>();
  // Scratch buffers reused between calls (grown on demand); the result never aliases them.
  private codes = new Uint16Array(1024);
  private map = new Int32Array(1024);

  private grow(min: number): void {
    const size = Math.max(min, this.codes.length * 2);
    const codes = new Uint16Array(size);
    codes.set(this.codes);
    const map = new Int32Array(size);
    map.set(this.map);
    this.codes = codes;
    this.map = map;
  }

  normalize(input: string): Normalized {
    const stats: NormalizeStats = { invisible: 0, tags: 0, confusables: 0, leet: 0, spaced: 0 };
    const n = input.length;
    if (this.codes.length < n + 16) this.grow(n + 16);
    let codes = this.codes;
    let map = this.map;
    let len = 0;
    // Pass 1: per code point folding; whitespace runs collapse to one space.
    let lastSpace = true;
    for (let i = 0; i < n; ) {
      const unit = input.charCodeAt(i);
      const at = i;
      if (unit < 0x80) {
        i++;
        if (unit <= 0x20 || unit === 0x7f) {
          if (!lastSpace) {
            if (len >= codes.length) {
              this.grow(len + 16);
              codes = this.codes;
              map = this.map;
            }
            codes[len] = SPACE;
            map[len++] = at;
          }
          lastSpace = true;
          continue;
        }
        if (len >= codes.length) {
          this.grow(len + 16);
          codes = this.codes;
          map = this.map;
        }
        codes[len] = unit >= 0x41 && unit <= 0x5a ? unit + 32 : unit;
        map[len++] = at;
        lastSpace = false;
        continue;
      }
      const cp = unit >= 0xd800 && unit <= 0xdbff ? input.codePointAt(i)! : unit;
      i += cp > 0xffff ? 2 : 1;
      let folded: string;
      const tag = tagToAscii(cp);
      if (tag >= 0) {
        stats.tags++;
        folded = String.fromCharCode(tag >= 0x41 && tag <= 0x5a ? tag + 32 : tag);
      } else if (isInvisible(cp)) {
        stats.invisible++;
        continue;
      } else {
        folded = this.fold(cp);
      }
      if (len + folded.length >= codes.length) {
        this.grow(len + folded.length + 16);
        codes = this.codes;
        map = this.map;
      }
      for (let k = 0; k < folded.length; k++) {
        const c = folded.charCodeAt(k);
        if (c === SPACE) {
          if (!lastSpace) {
            codes[len] = SPACE;
            map[len++] = at;
          }
          lastSpace = true;
        } else {
          codes[len] = c;
          map[len++] = at;
          lastSpace = false;
        }
      }
    }
    // Join "i g n o r e" first so homoglyphs in single-letter tokens are folded with their neighbours.
    const joined = joinSpacedLetters(codes, map, len, stats);
    foldTokens(joined.codes, joined.len, stats);
    // fromCharCode (not TextDecoder) so ASCII text stays a one-byte string: regexes and `includes`
    // later run measurably faster on it.
    let text = '';
    for (let s = 0; s < joined.len; s += 4096) {
      text += String.fromCharCode.apply(
        null,
        joined.codes.subarray(s, Math.min(joined.len, s + 4096)) as unknown as number[],
      );
    }
    const outMap = new Int32Array(joined.len + 1);
    outMap.set(joined.map.subarray(0, joined.len));
    outMap[joined.len] = n;
    return { text, map: outMap, stats };
  }

  private fold(cp: number): string {
    const hit = this.cache.get(cp);
    if (hit !== undefined) return hit;
    const ch = String.fromCodePoint(cp);
    let folded = ch
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    // Whitespace-like code points (NBSP, ideographic space …) become a plain space.
    if (/^\s+$/u.test(folded)) folded = ' ';
    if (this.cache.size < MAX_CACHE) this.cache.set(cp, folded);
    return folded;
  }
}

/**
 * Homoglyph and leetspeak folding per token. Applied only where a token mixes scripts or mixes letters
 * with leet digits, so genuine Russian/Greek text and ordinary numbers ("gpt4", "2024") stay intact.
 */
function foldTokens(codes: Uint16Array, len: number, stats: NormalizeStats): void {
  let start = 0;
  while (start < len) {
    while (start < len && isBreak(codes[start]!)) start++;
    let end = start;
    let latin = 0;
    let confusable = 0;
    let other = 0;
    while (end < len && !isBreak(codes[end]!)) {
      const c = codes[end]!;
      if (isAsciiLetter(c)) latin++;
      else if (c >= 0x80) {
        if (CONFUSABLE_CODE.has(c)) confusable++;
        else other++;
      }
      end++;
    }
    if (confusable > 0 && latin > 0 && other === 0) {
      for (let k = start; k < end; k++) {
        const m = CONFUSABLE_CODE.get(codes[k]!);
        if (m !== undefined) {
          codes[k] = m;
          stats.confusables++;
        }
      }
      latin += confusable;
    }
    if (latin >= 2 && end - start >= 3 && looksLeet(codes, start, end)) {
      for (let k = start; k < end; k++) {
        const m = leetOf(codes[k]!);
        if (m !== 0) {
          codes[k] = m;
          stats.leet++;
        }
      }
    }
    start = end;
  }
}

/** A leet char sits between two letters ("h3llo") or leads a word ("1gnore"); trailing digits ("gpt4") do not count. */
function looksLeet(codes: Uint16Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    if (leetOf(codes[k]!) === 0) continue;
    const prev = k > start ? codes[k - 1]! : -1;
    const next = k + 1 < end ? codes[k + 1]! : -1;
    const next2 = k + 2 < end ? codes[k + 2]! : -1;
    if (isAsciiLetter(prev) && isAsciiLetter(next)) return true;
    if (k === start && isAsciiLetter(next) && isAsciiLetter(next2)) return true;
  }
  return false;
}

function isSpacingSeparator(c: number): boolean {
  return c === SPACE || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x2a || c === 0x2f;
}

/**
 * "i g n o r e" / "i.g.n.o.r.e" → "ignore": runs of at least four single letters joined by one separator
 * are glued together. Linear: each position is visited a bounded number of times.
 */
function joinSpacedLetters(
  codes: Uint16Array,
  map: Int32Array,
  len: number,
  stats: NormalizeStats,
): { codes: Uint16Array; map: Int32Array; len: number } {
  // A single-letter token: a non-break char with breaks (or the ends) on both sides.
  const single = (k: number): boolean =>
    k < len && !isBreak(codes[k]!) && (k === 0 || isBreak(codes[k - 1]!)) && (k + 1 >= len || isBreak(codes[k + 1]!));
  const runEnd = (i: number): number => {
    let k = i;
    while (k + 2 < len && isSpacingSeparator(codes[k + 1]!) && single(k + 2)) k += 2;
    return k;
  };
  // Fast path: most texts have no run at all, and then nothing is copied.
  let first = -1;
  for (let i = 0; i < len; i++) {
    if (single(i)) {
      const k = runEnd(i);
      if ((k - i) / 2 + 1 >= 4) {
        first = i;
        break;
      }
      i = k;
    }
  }
  if (first < 0) return { codes, map, len };
  const outCodes = new Uint16Array(len);
  const outMap = new Int32Array(len);
  outCodes.set(codes.subarray(0, first));
  outMap.set(map.subarray(0, first));
  let o = first;
  let i = first;
  while (i < len) {
    if (single(i)) {
      const k = runEnd(i);
      const count = (k - i) / 2 + 1;
      if (count >= 4) {
        for (let j = i; j <= k; j += 2) {
          outCodes[o] = codes[j]!;
          outMap[o] = map[j]!;
          o++;
        }
        stats.spaced += count;
        i = k + 1;
        continue;
      }
      // Copy the short run as is.
      for (let j = i; j <= k; j++) {
        outCodes[o] = codes[j]!;
        outMap[o] = map[j]!;
        o++;
      }
      i = k + 1;
      continue;
    }
    outCodes[o] = codes[i]!;
    outMap[o] = map[i]!;
    o++;
    i++;
  }
  return { codes: outCodes, map: outMap, len: o };
}

/** Maps a `[start, end)` range of normalised text back to the original text. */
export function toOriginalRange(norm: Normalized, start: number, end: number): { start: number; end: number } {
  const s = norm.map[Math.max(0, Math.min(start, norm.text.length))]!;
  const last = Math.max(start, Math.min(end, norm.text.length) - 1);
  // The end is the original position after the last normalised char's source code point.
  const lastOrig = norm.map[last]!;
  let e = norm.map[norm.text.length]!;
  for (let k = last + 1; k <= norm.text.length; k++) {
    if (norm.map[k]! > lastOrig) {
      e = norm.map[k]!;
      break;
    }
  }
  return { start: s, end: Math.max(s, e) };
}
