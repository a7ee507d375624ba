import type { FeatureConfig } from '../features.js';
import { STRUCTURAL_FEATURES } from '../features.js';
import { HEURISTIC_CATEGORIES } from '../heuristics.js';

export const MODEL_FORMAT = 'warden-guard-model';
export const MODEL_FORMAT_VERSION = 1;

/** Inputs of the second-stage (calibrating) logistic combination, in order. */
export const COMBINER_FEATURES = [
  'classifier',
  ...HEURISTIC_CATEGORIES.map((c) => `heuristic:${c}`),
  'heuristic-categories',
  'obfuscation',
  'decoded',
] as const;

/** The shipped weights file. Everything needed to reproduce a score is in here; nothing else is global. */
export interface GuardModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  readonly modelVersion: string;
  /** ISO date of training. */
  readonly created: string;
  /** sha256 over the training rows (text + label, in order) — identifies the data the weights came from. */
  readonly trainingDataHash: string;
  readonly trainer: Readonly<Record<string, number | string>>;
  readonly features: FeatureConfig;
  readonly window: { readonly size: number; readonly stride: number };
  readonly classifier: {
    readonly bias: number;
    /** Dequantisation step: weight = int16 * scale. */
    readonly scale: number;
    /** Little-endian int16 weights, base64. Length = 2^features.bits. */
    readonly weights: string;
    readonly structural: readonly number[];
  };
  readonly combiner: { readonly bias: number; readonly weights: readonly number[] };
  /** The shipped decision threshold on the calibrated score. */
  readonly threshold: number;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

/** A decoded, ready-to-score model. Treated as immutable; may be shared between Guard instances. */
export interface LoadedModel {
  readonly file: GuardModelFile;
  readonly weights: Float32Array;
  readonly structural: Float32Array;
  readonly combiner: Float32Array;
}

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

export function loadModel(file: GuardModelFile): LoadedModel {
  if (file.format !== MODEL_FORMAT) throw new ModelFormatError(`not a guard model: format ${String(file.format)}`);
  if (file.formatVersion !== MODEL_FORMAT_VERSION)
    throw new ModelFormatError(`unsupported guard model format version ${file.formatVersion}`);
  const dim = 1 << file.features.bits;
  const bytes = Buffer.from(file.classifier.weights, 'base64');
  if (bytes.length !== dim * 2) throw new ModelFormatError(`weights length ${bytes.length} != ${dim * 2}`);
  const weights = new Float32Array(dim);
  for (let i = 0; i < dim; i++) weights[i] = bytes.readInt16LE(i * 2) * file.classifier.scale;
  if (file.classifier.structural.length !== STRUCTURAL_FEATURES.length)
    throw new ModelFormatError('structural feature count mismatch');
  if (file.combiner.weights.length !== COMBINER_FEATURES.length)
    throw new ModelFormatError('combiner feature count mismatch');
  return {
    file,
    weights,
    structural: Float32Array.from(file.classifier.structural),
    combiner: Float32Array.from(file.combiner.weights),
  };
}

/** Quantises float weights to int16 with one shared scale (max |w| maps to 32767). */
export function quantize(weights: Float64Array | Float32Array): { scale: number; base64: string } {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 32767 : 1;
  const buf = Buffer.alloc(weights.length * 2);
  for (let i = 0; i < weights.length; i++) buf.writeInt16LE(Math.round(weights[i]! / scale), i * 2);
  return { scale, base64: buf.toString('base64') };
}
