import type { NormalizeStats } from './normalize/normalize.js';

/**
 * Feature extraction for the linear classifier: hashed word uni/bi-grams and character 3–5-grams of the
 * normalised text (each group sublinear-tf weighted and L2-normalised), plus a few dense structural
 * features. Hashing keeps the model a fixed size with no vocabulary to ship.
 */
export interface FeatureConfig {
  /** log2 of the hashed dimension. */
  readonly bits: number;
  readonly charMin: number;
  readonly charMax: number;
  /**
   * Floors under each group's squared L2 norm (word uni/bigrams, character n-grams). Plain L2 scaling gives
   * a two-word input as much evidence as a page, so one n-gram with a large weight decides a short input
   * ("Continue.", "What does the document say?"). With a floor, a group with little text is scaled down
   * in proportion and its score stays near the prior; past the floor it is ordinary L2. Absent = 0 (plain
   * L2, the behaviour of models trained before the floor existed).
   */
  readonly wordNormFloor?: number;
  readonly charNormFloor?: number;
  /**
   * Smallest denominator (characters; words = this / 6) of the structural ratios (case, punctuation, digits,
   * quotes, second person). "OK" is 100 % upper case and "You are now my tutor" 40 % second person: ratios
   * of a few characters are noise, and with the n-gram floor they would decide short inputs instead.
   * Absent = 1 (plain ratios).
   */
  readonly ratioMinChars?: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  bits: 16,
  charMin: 3,
  charMax: 5,
  // Chosen on the calibration split and hand-written probes (not dev): roughly 35 words / 170 characters.
  wordNormFloor: 64,
  charNormFloor: 500,
  ratioMinChars: 120,
};

const WORD_SEED = 0x811c9dc5;
const BIGRAM_SALT = 0x9e3779b1;
const CHAR_SEED = 0x01000193 ^ 0x5bd1e995;
const PRIME = 0x01000193;

export const STRUCTURAL_FEATURES = [
  'length',
  'upper-ratio',
  'non-ascii-ratio',
  'punct-ratio',
  'digit-ratio',
  'invisible',
  'tags',
  'confusables',
  'leet',
  'spaced',
  'quotes',
  'second-person',
  'code-fence',
  'url',
] as const;

/** A sparse vector: parallel index/value arrays (an index may repeat; entries add up). */
export interface SparseVector {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

/** Features plus word counts the structural features need (counted in the same pass). */
export interface Extracted extends SparseVector {
  readonly words: number;
  readonly secondPerson: number;
}

function wordHash(w: string): number {
  let h = WORD_SEED;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), PRIME);
  return h;
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x27 ||
    (c >= 0xc0 && !(c >= 0x2000 && c <= 0x206f) && !(c >= 0x3000 && c <= 0x303f))
  );
}

/** 1 + ln(count) for small counts: the drain loop runs once per distinct feature, a table beats Math.log. */
const SUBLINEAR = Float64Array.from({ length: 256 }, (_, c) => (c === 0 ? 0 : 1 + Math.log(c)));

/** Reusable scratch space; one per Guard instance (not thread-shared, calls are synchronous). */
export class FeatureExtractor {
  readonly dim: number;
  private readonly mask: number;
  private readonly acc: Float32Array;
  private readonly touched: Int32Array;
  private nTouched = 0;

  constructor(readonly config: FeatureConfig = DEFAULT_FEATURE_CONFIG) {
    this.dim = 1 << config.bits;
    this.mask = this.dim - 1;
    this.acc = new Float32Array(this.dim);
    this.touched = new Int32Array(this.dim);
  }

  private add(h: number): void {
    const i = h & this.mask;
    if (this.acc[i] === 0) this.touched[this.nTouched++] = i;
    this.acc[i]! += 1;
  }

  /** Drains the accumulator into (index, sublinear-tf) pairs scaled to unit L2 norm (or less, under the floor). */
  private drain(out: Scratch, floor: number): void {
    let norm = 0;
    const start = out.n;
    out.reserve(this.nTouched);
    for (let k = 0; k < this.nTouched; k++) {
      const i = this.touched[k]!;
      const count = this.acc[i]!;
      const v = count < SUBLINEAR.length ? SUBLINEAR[count]! : 1 + Math.log(count);
      this.acc[i] = 0;
      out.index[out.n] = i;
      out.value[out.n] = v;
      out.n++;
      norm += v * v;
    }
    this.nTouched = 0;
    const inv = norm > 0 ? 1 / Math.sqrt(Math.max(norm, floor)) : 0;
    for (let k = start; k < out.n; k++) out.value[k]! *= inv;
  }

  /**
   * Hashed features of `text[start, end)`. Word and char groups are normalised separately; an index may
   * appear once per group, which a dot product (and SGD) handles as the sum it is.
   */
  extract(text: string, start = 0, end = text.length): Extracted {
    const out = this.scratch;
    out.n = 0;
    let words = 0;
    let secondPerson = 0;
    // Words and bigrams.
    let prev = 0;
    let havePrev = false;
    let i = start;
    while (i < end) {
      while (i < end && !isWordChar(text.charCodeAt(i))) i++;
      if (i >= end) break;
      let h = WORD_SEED;
      while (i < end && isWordChar(text.charCodeAt(i))) {
        h = Math.imul(h ^ text.charCodeAt(i), PRIME);
        i++;
      }
      this.add(h);
      words++;
      if (SECOND_PERSON_HASHES.has(h)) secondPerson++;
      if (havePrev) this.add(Math.imul(prev ^ BIGRAM_SALT, PRIME) ^ h);
      prev = h;
      havePrev = true;
    }
    this.drain(out, this.config.wordNormFloor ?? 0);
    // Character n-grams (spaces and punctuation included: "### ", "<|im" are informative).
    const { charMin, charMax } = this.config;
    for (let p = start; p + charMin <= end; p++) {
      let h = CHAR_SEED;
      for (let k = 0; k < charMax && p + k < end; k++) {
        h = Math.imul(h ^ text.charCodeAt(p + k), PRIME);
        if (k + 1 >= charMin) this.add(h ^ (k * 0x27d4eb2d));
      }
    }
    this.drain(out, this.config.charNormFloor ?? 0);
    return { index: out.index.slice(0, out.n), value: out.value.slice(0, out.n), words, secondPerson };
  }

  private readonly scratch = new Scratch();
}

/** Growable output buffers, reused between calls. */
class Scratch {
  index = new Int32Array(4096);
  value = new Float32Array(4096);
  n = 0;

  reserve(extra: number): void {
    if (this.n + extra <= this.index.length) return;
    const size = Math.max(this.index.length * 2, this.n + extra);
    const index = new Int32Array(size);
    index.set(this.index.subarray(0, this.n));
    const value = new Float32Array(size);
    value.set(this.value.subarray(0, this.n));
    this.index = index;
    this.value = value;
  }
}

/** Second-person pronouns (EN/DE/ES/FR): injections address the model. Matched by word hash, no regex. */
const SECOND_PERSON_HASHES = new Set(
  ['you', 'your', 'yours', 'yourself', 'du', 'dein', 'deine', 'sie', 'ihr', 'tu', 'tus', 'vous', 'votre'].map(wordHash),
);

/** Dense structural features of one window: the original slice, and counts from the extraction pass. */
export function structuralFeatures(
  original: string,
  counts: Pick<Extracted, 'words' | 'secondPerson'>,
  stats: NormalizeStats,
  ratioMinChars = 1,
): Float32Array {
  const f = new Float32Array(STRUCTURAL_FEATURES.length);
  const n = Math.max(1, ratioMinChars, original.length);
  let upper = 0;
  let letters = 0;
  let nonAscii = 0;
  let punct = 0;
  let digits = 0;
  let quotes = 0;
  for (let i = 0; i < original.length; i++) {
    const c = original.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      upper++;
      letters++;
    } else if (c >= 0x61 && c <= 0x7a) letters++;
    else if (c >= 0x30 && c <= 0x39) digits++;
    else if (c >= 0x80) nonAscii++;
    else if (c === 0x22 || c === 0x27 || c === 0x60) quotes++;
    else if (c > 0x20) punct++;
  }
  const words = Math.max(1, ratioMinChars / 6, counts.words);
  f[0] = Math.log1p(original.length) / 8;
  f[1] = letters > 0 ? upper / Math.max(letters, ratioMinChars * 0.7) : 0;
  f[2] = nonAscii / n;
  f[3] = punct / n;
  f[4] = digits / n;
  f[5] = Math.log1p(stats.invisible);
  f[6] = Math.log1p(stats.tags);
  f[7] = Math.log1p(stats.confusables);
  f[8] = Math.log1p(stats.leet);
  f[9] = Math.log1p(stats.spaced);
  f[10] = Math.min(1, (quotes / n) * 20);
  f[11] = Math.min(1, (counts.secondPerson / words) * 5);
  f[12] = original.includes('```') ? 1 : 0;
  f[13] = original.includes('://') || original.includes('www.') ? 1 : 0;
  return f;
}
