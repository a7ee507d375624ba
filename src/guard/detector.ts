import type { FeatureConfig } from './features.js';
import { FeatureExtractor, type SparseVector, structuralFeatures } from './features.js';
import {
  compileRules,
  HEURISTIC_CATEGORIES,
  type HeuristicHit,
  type HeuristicRule,
  matchHeuristics,
} from './heuristics.js';
import { COMBINER_FEATURES, type LoadedModel } from './model/format.js';
import { type DecodedSegment, decodeEmbedded } from './normalize/decode.js';
import { type Normalized, Normalizer } from './normalize/normalize.js';

/** One scanned window (or decoded segment) with everything the combiner needs. */
export interface WindowSignal {
  /** Range in the normalised text of the source it came from. */
  readonly normStart: number;
  readonly normEnd: number;
  readonly hits: readonly HeuristicHit[];
  readonly sparse: SparseVector;
  readonly structural: Float32Array;
}

export interface TextAnalysis {
  readonly norm: Normalized;
  readonly hits: readonly HeuristicHit[];
  readonly windows: readonly WindowSignal[];
}

export interface WindowConfig {
  readonly size: number;
  readonly stride: number;
}

/** Window starts covering `[0, length)`; the last window is aligned to the end so nothing is scanned twice needlessly. */
export function windowRanges(length: number, { size, stride }: WindowConfig): Array<[number, number]> {
  if (length <= size) return [[0, length]];
  const out: Array<[number, number]> = [];
  for (let s = 0; ; s += stride) {
    if (s + size >= length) {
      out.push([Math.max(0, length - size), length]);
      break;
    }
    out.push([s, s + size]);
  }
  return out;
}

/**
 * Turns text into window signals. Shared by training and inference so both see identical features.
 * Holds per-instance scratch (normaliser cache, feature accumulator, compiled regexes); never global.
 */
export class Featurizer {
  private readonly normalizer = new Normalizer();
  private readonly extractor: FeatureExtractor;
  private readonly rules: HeuristicRule[];
  private readonly ratioMinChars: number;

  constructor(
    features: FeatureConfig,
    readonly window: WindowConfig,
  ) {
    this.extractor = new FeatureExtractor(features);
    this.rules = compileRules();
    this.ratioMinChars = features.ratioMinChars ?? 1;
  }

  analyze(text: string): TextAnalysis {
    const norm = this.normalizer.normalize(text);
    const hits = matchHeuristics(norm.text, this.rules);
    const windows: WindowSignal[] = [];
    for (const [s, e] of windowRanges(norm.text.length, this.window)) {
      const origStart = norm.map[s]!;
      const origEnd = norm.map[e]!;
      const sparse = this.extractor.extract(norm.text, s, e);
      windows.push({
        normStart: s,
        normEnd: e,
        hits: hits.filter((h) => h.start < e && h.end > s),
        sparse,
        structural: structuralFeatures(text.slice(origStart, origEnd), sparse, norm.stats, this.ratioMinChars),
      });
    }
    return { norm, hits, windows };
  }

  decode(text: string): DecodedSegment[] {
    return decodeEmbedded(text);
  }
}

export function obfuscationLevel(norm: Normalized): number {
  const s = norm.stats;
  return Math.min(3, Math.log1p(s.invisible + s.tags + s.confusables + (s.leet > 1 ? s.leet : 0) + s.spaced));
}

/** Inputs of the combiner for one window, ordered as COMBINER_FEATURES. */
export function combinerInputs(
  z: number,
  hits: readonly HeuristicHit[],
  obfuscation: number,
  decoded: boolean,
): Float32Array {
  const f = new Float32Array(COMBINER_FEATURES.length);
  f[0] = Math.max(-12, Math.min(12, z)) / 4;
  let distinct = 0;
  HEURISTIC_CATEGORIES.forEach((category, i) => {
    let best = 0;
    for (const h of hits) if (h.category === category && h.weight > best) best = h.weight;
    f[1 + i] = best;
    if (best > 0) distinct++;
  });
  f[1 + HEURISTIC_CATEGORIES.length] = Math.min(3, distinct) / 3;
  f[2 + HEURISTIC_CATEGORIES.length] = obfuscation / 3;
  f[3 + HEURISTIC_CATEGORIES.length] = decoded ? 1 : 0;
  return f;
}

export function classifierLogit(
  model: Pick<LoadedModel, 'weights' | 'structural'>,
  bias: number,
  w: WindowSignal,
): number {
  let z = bias;
  const { index, value } = w.sparse;
  for (let k = 0; k < index.length; k++) z += model.weights[index[k]!]! * value[k]!;
  for (let k = 0; k < w.structural.length; k++) z += model.structural[k]! * w.structural[k]!;
  return z;
}

export function combine(model: LoadedModel, inputs: Float32Array): number {
  let z = model.file.combiner.bias;
  for (let k = 0; k < inputs.length; k++) z += model.combiner[k]! * inputs[k]!;
  return 1 / (1 + Math.exp(-z));
}
