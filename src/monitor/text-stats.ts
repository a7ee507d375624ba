/**
 * Embedding-free statistics of a text input: cheap enough to compute in the request path of a
 * model server, and numeric or categorical, so the ordinary drift tests apply to them. The raw text
 * never leaves the process; only these numbers are recorded.
 */
import { SCRIPT_RANGES, STOPWORDS } from './text-data.js';

export interface TextStats {
  readonly chars: number;
  readonly words: number;
  readonly lines: number;
  /** Dominant Unicode script (`latin`, `cyrillic`, `han`…), or `none` when there are no letters. */
  readonly script: string;
  /** ISO 639-1 guess for Latin and Cyrillic scripts by stop-word hits, else the script name; `und` when unsure. */
  readonly lang: string;
  readonly avgWordLength: number;
  /** Distinct words / words. */
  readonly typeTokenRatio: number;
  readonly upperRatio: number;
  readonly digitRatio: number;
  readonly punctRatio: number;
  readonly whitespaceRatio: number;
  /** Letters outside the dominant script / letters (mixed scripts are a homoglyph and evasion tell). */
  readonly mixedScriptRatio: number;
  readonly nonAsciiRatio: number;
  /** Shannon entropy of the characters, bits per character. */
  readonly charEntropy: number;
  /** Longest run of one repeated character. */
  readonly maxRepeat: number;
  readonly urls: number;
}

/** Texts longer than this are measured on their first part: the statistics settle long before. */
const MAX_CHARS = 64 * 1024;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const URL = /\bhttps?:\/\/[^\s<>"']{1,2048}/g;

function scriptOf(cp: number): string | undefined {
  // Binary search over sorted [start, end, name] rows.
  let lo = 0;
  let hi = SCRIPT_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = SCRIPT_RANGES[mid]!;
    if (cp < row[0]) hi = mid - 1;
    else if (cp > row[1]) lo = mid + 1;
    else return row[2];
  }
  return undefined;
}

export function textStats(input: string): TextStats {
  const text = input.length > MAX_CHARS ? input.slice(0, MAX_CHARS) : input;
  const counts = new Map<number, number>();
  const scripts = new Map<string, number>();
  let letters = 0;
  let upper = 0;
  let digits = 0;
  let punct = 0;
  let space = 0;
  let nonAscii = 0;
  let lines = text.length > 0 ? 1 : 0;
  let maxRepeat = 0;
  let run = 0;
  let prev = -1;
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n++;
    counts.set(cp, (counts.get(cp) ?? 0) + 1);
    run = cp === prev ? run + 1 : 1;
    if (run > maxRepeat) maxRepeat = run;
    prev = cp;
    if (cp > 0x7f) nonAscii++;
    if (cp === 10) lines++;
    if (/\s/u.test(ch)) space++;
    else if (/\p{L}/u.test(ch)) {
      letters++;
      if (ch !== ch.toLowerCase()) upper++;
      const s = scriptOf(cp) ?? 'other';
      scripts.set(s, (scripts.get(s) ?? 0) + 1);
    } else if (/\p{N}/u.test(ch)) digits++;
    else if (/\p{P}|\p{S}/u.test(ch)) punct++;
  }
  let entropy = 0;
  for (const c of counts.values()) {
    const p = c / n;
    entropy -= p * Math.log2(p);
  }
  let script = 'none';
  let top = 0;
  for (const [s, c] of scripts) if (c > top) [script, top] = [s, c];
  const words = text.toLowerCase().match(WORD) ?? [];
  const distinct = new Set(words);
  const wordChars = words.reduce((a, w) => a + w.length, 0);
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);
  return {
    chars: n,
    words: words.length,
    lines,
    script,
    lang: guessLanguage(script, words),
    avgWordLength: ratio(wordChars, words.length),
    typeTokenRatio: ratio(distinct.size, words.length),
    upperRatio: ratio(upper, letters),
    digitRatio: ratio(digits, n),
    punctRatio: ratio(punct, n),
    whitespaceRatio: ratio(space, n),
    mixedScriptRatio: ratio(letters - top, letters),
    nonAsciiRatio: ratio(nonAscii, n),
    charEntropy: round(entropy),
    maxRepeat,
    urls: (text.match(URL) ?? []).length,
  };
}

/**
 * Stop-word voting: the language whose most frequent function words cover the largest share of the
 * text's words, if that share is meaningful (≥ 8 %, at least two hits); otherwise `und`. Scripts used by
 * essentially one language (Hangul, Hiragana, Thai…) answer for themselves.
 */
export function guessLanguage(script: string, words: readonly string[]): string {
  const byScript: Record<string, string> = {
    hangul: 'ko',
    hiragana: 'ja',
    katakana: 'ja',
    thai: 'th',
    greek: 'el',
    hebrew: 'he',
    armenian: 'hy',
    georgian: 'ka',
    han: 'zh',
  };
  const direct = byScript[script];
  if (direct) return direct;
  if (script !== 'latin' && script !== 'cyrillic' && script !== 'arabic' && script !== 'devanagari') return 'und';
  let best = 'und';
  let bestHits = 0;
  for (const [lang, list] of STOPWORDS) {
    let hits = 0;
    for (const w of words) if (list.has(w)) hits++;
    if (hits > bestHits) [best, bestHits] = [lang, hits];
  }
  return bestHits >= 2 && bestHits / Math.max(1, words.length) >= 0.08 ? best : 'und';
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
