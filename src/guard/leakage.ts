import { type Normalized, Normalizer, toOriginalRange } from './normalize/normalize.js';

/**
 * Fuzzy system-prompt leakage: word 5-gram shingles of the registered prompt, and how many of them the
 * output contains. Works on normalised text, so re-casing, extra spaces, homoglyphs or markdown emphasis
 * do not hide a verbatim leak; paraphrases and translations are out of reach of this check.
 */
const SHINGLE = 5;
const MAX_PROMPTS_CACHED = 64;

export interface LeakMatch {
  /** Fraction of the prompt's shingles found in the output. */
  readonly containment: number;
  readonly shared: number;
  readonly start: number;
  readonly end: number;
}

interface Words {
  readonly hashes: Uint32Array;
  /** Normalised start/end of each word. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

function words(text: string): Words {
  const hashes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && !isWord(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    const s = i;
    let h = 0x811c9dc5;
    while (i < text.length && isWord(text.charCodeAt(i))) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      i++;
    }
    hashes.push(h >>> 0);
    starts.push(s);
    ends.push(i);
  }
  return { hashes: Uint32Array.from(hashes), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

function isWord(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c >= 0xc0;
}

function shingle(h: Uint32Array, at: number): number {
  let x = 0x9e3779b1;
  for (let k = 0; k < SHINGLE; k++) x = Math.imul(x ^ h[at + k]!, 0x01000193);
  return x >>> 0;
}

export class LeakDetector {
  private readonly normalizer = new Normalizer();
  private readonly prompts = new Map<string, Set<number>>();

  private shinglesOf(prompt: string): Set<number> {
    let set = this.prompts.get(prompt);
    if (!set) {
      const w = words(this.normalizer.normalize(prompt).text);
      set = new Set<number>();
      for (let i = 0; i + SHINGLE <= w.hashes.length; i++) set.add(shingle(w.hashes, i));
      if (this.prompts.size >= MAX_PROMPTS_CACHED) this.prompts.delete(this.prompts.keys().next().value!);
      this.prompts.set(prompt, set);
    }
    return set;
  }

  /** Compares one output against one prompt; `norm` is the output's normalised form (computed once). */
  match(norm: Normalized, outputWords: Words, prompt: string): LeakMatch | undefined {
    const set = this.shinglesOf(prompt);
    if (set.size === 0) return undefined;
    const found = new Set<number>();
    let first = -1;
    let last = -1;
    for (let i = 0; i + SHINGLE <= outputWords.hashes.length; i++) {
      const s = shingle(outputWords.hashes, i);
      if (!set.has(s)) continue;
      found.add(s);
      if (first < 0) first = i;
      last = i + SHINGLE - 1;
    }
    if (found.size === 0) return undefined;
    const r = toOriginalRange(norm, outputWords.starts[first]!, outputWords.ends[last]!);
    return { containment: found.size / set.size, shared: found.size, ...r };
  }

  prepare(output: string): { norm: Normalized; words: Words } {
    const norm = this.normalizer.normalize(output);
    return { norm, words: words(norm.text) };
  }
}

/** Leak score: a third of the prompt verbatim, or ~16 consecutive words of it, reaches 0.5. */
export function leakScore(m: LeakMatch): number {
  return Math.min(1, Math.max(m.containment / 0.6, m.shared / 24));
}
