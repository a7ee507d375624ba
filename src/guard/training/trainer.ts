import { classifierLogit, combinerInputs, Featurizer, obfuscationLevel, type WindowSignal } from '../detector.js';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, STRUCTURAL_FEATURES } from '../features.js';
import {
  COMBINER_FEATURES,
  type GuardModelFile,
  type LoadedModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  quantize,
} from '../model/format.js';
import { scoreParts } from '../scorer.js';
import type { Datasets } from './datasets.js';
import type { PlantedSample } from './documents.js';
import { fnv1a, Rng } from './rng.js';

export interface TrainConfig {
  readonly seed: number;
  readonly epochs: number;
  readonly l2: number;
  readonly lr: number;
  readonly features: FeatureConfig;
  readonly window: { size: number; stride: number };
  /** Weight of a real (non-synthetic) row relative to a synthetic one. */
  readonly realWeight: number;
  /**
   * The shipped threshold is the lowest score keeping calibration FPR at or below these, per benign group.
   * The real group is the calibration split's real rows plus out-of-fold scores of the real training rows.
   */
  readonly targetFpr: Readonly<Record<CalibrationGroup, number>>;
  /** Folds for out-of-fold scoring of the real training rows (calibration data). */
  readonly folds: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 1337,
  epochs: 6,
  l2: 2e-6,
  lr: 0.2,
  features: DEFAULT_FEATURE_CONFIG,
  window: { size: 1024, stride: 768 },
  realWeight: 3,
  // Work traffic is split by template, so its calibration rows come in clumps of one unseen phrasing each:
  // 3 % lets one phrasing in ~35 sit above the threshold instead of one phrasing setting it.
  targetFpr: { real: 0.03, synthetic: 0.02, documents: 0.02, work: 0.03 },
  folds: 4,
};

/** Benign groups the threshold is set on; each must meet its own FPR target. */
export type CalibrationGroup = 'real' | 'synthetic' | 'documents' | 'work';

interface Example {
  readonly window: WindowSignal;
  readonly label: 0 | 1;
  weight: number;
}

/** Raw encodings make the raw window unreadable; only the decoded segment carries the attack. */
const OPAQUE_ENCODINGS = new Set(['encoded-base64', 'encoded-hex', 'encoded-url', 'encoded-rot13']);

function isSynthetic(s: PlantedSample): boolean {
  return s.source.startsWith('synth') || s.source.startsWith('bipia');
}

/** Window label: with a known attack range only windows overlapping it are attacks. */
function windowLabel(s: PlantedSample, norm: { map: Int32Array }, w: WindowSignal): 0 | 1 {
  if (s.label === 0) return 0;
  if (!s.attack) return 1;
  const a = norm.map[w.normStart]!;
  const b = norm.map[w.normEnd]!;
  return a < s.attack[1] && b > s.attack[0] ? 1 : 0;
}

export function examplesOf(featurizer: Featurizer, samples: readonly PlantedSample[], realWeight: number): Example[] {
  const out: Example[] = [];
  for (const s of samples) {
    const weight = isSynthetic(s) ? 1 : realWeight;
    const analysis = featurizer.analyze(s.text);
    if (!OPAQUE_ENCODINGS.has(s.family)) {
      for (const w of analysis.windows) out.push({ window: w, label: windowLabel(s, analysis.norm, w), weight });
    }
    for (const seg of featurizer.decode(s.text)) {
      for (const w of featurizer.analyze(seg.text).windows) out.push({ window: w, label: s.label, weight });
    }
  }
  return out;
}

export function balance(examples: Example[]): void {
  const tot = [0, 0];
  for (const e of examples) tot[e.label]! += e.weight;
  const n = examples.length;
  for (const e of examples) e.weight *= n / 2 / Math.max(1e-9, tot[e.label]!);
}

/** Sparse logistic regression, AdaGrad with lazy L2 (regularise only touched weights). Seeded shuffling. */
export function trainLinear(examples: Example[], dim: number, cfg: TrainConfig, log: (line: string) => void) {
  const w = new Float64Array(dim);
  const g2 = new Float64Array(dim);
  const nS = STRUCTURAL_FEATURES.length;
  const ws = new Float64Array(nS);
  const gs = new Float64Array(nS);
  let bias = 0;
  let gb = 0;
  const rng = new Rng(cfg.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    rng.shuffle(order);
    let loss = 0;
    for (const i of order) {
      const e = examples[i]!;
      const { index, value } = e.window.sparse;
      let z = bias;
      for (let k = 0; k < index.length; k++) z += w[index[k]!]! * value[k]!;
      for (let k = 0; k < nS; k++) z += ws[k]! * e.window.structural[k]!;
      const p = 1 / (1 + Math.exp(-z));
      loss += e.weight * -(e.label ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      const g = (p - e.label) * e.weight;
      for (let k = 0; k < index.length; k++) {
        const j = index[k]!;
        const grad = g * value[k]! + cfg.l2 * w[j]!;
        g2[j]! += grad * grad;
        w[j]! -= (cfg.lr * grad) / (Math.sqrt(g2[j]!) + 1e-8);
      }
      for (let k = 0; k < nS; k++) {
        const grad = g * e.window.structural[k]! + cfg.l2 * ws[k]!;
        gs[k]! += grad * grad;
        ws[k]! -= (cfg.lr * grad) / (Math.sqrt(gs[k]!) + 1e-8);
      }
      gb += g * g;
      bias -= (cfg.lr * g) / (Math.sqrt(gb) + 1e-8);
    }
    log(`  epoch ${epoch + 1}/${cfg.epochs} loss ${(loss / examples.length).toFixed(4)}`);
  }
  return { w, ws, bias };
}

/** Dense logistic regression by batch gradient descent (few features, a few thousand rows). */
function fitCombiner(rows: Array<{ x: Float32Array; y: 0 | 1; weight: number }>, l2 = 1e-3) {
  const d = COMBINER_FEATURES.length;
  const c = new Float64Array(d);
  let b = 0;
  const tot = [0, 0];
  for (const r of rows) tot[r.y]! += r.weight;
  const cw = [rows.length / 2 / Math.max(1e-9, tot[0]!), rows.length / 2 / Math.max(1e-9, tot[1]!)];
  for (let it = 0; it < 3000; it++) {
    const grad = new Float64Array(d);
    let gb = 0;
    for (const r of rows) {
      let z = b;
      for (let k = 0; k < d; k++) z += c[k]! * r.x[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - r.y) * r.weight * cw[r.y]!;
      for (let k = 0; k < d; k++) grad[k]! += g * r.x[k]!;
      gb += g;
    }
    for (let k = 0; k < d; k++) c[k]! -= 0.5 * (grad[k]! / rows.length + l2 * c[k]!);
    b -= (0.5 * gb) / rows.length;
  }
  return { c, b };
}

/**
 * Lowest threshold keeping FPR ≤ target in EVERY benign group (real rows, synthetic hard negatives,
 * documents): the synthetic groups are large and easy, so a pooled FPR would hide the real one.
 */
function pickThreshold(
  scored: Array<{ score: number; label: 0 | 1; group: CalibrationGroup }>,
  targetFpr: TrainConfig['targetFpr'],
): number {
  let t = 0.05;
  const groups = new Set(scored.filter((s) => s.label === 0).map((s) => s.group));
  for (const g of groups) {
    const benign = scored
      .filter((s) => s.label === 0 && s.group === g)
      .map((s) => s.score)
      .sort((a, b) => b - a);
    const allowed = Math.floor(benign.length * targetFpr[g]);
    t = Math.max(t, (benign[allowed] ?? 0) + 1e-4);
  }
  return Math.min(0.95, Math.round(t * 1e4) / 1e4);
}

/** Probability that a random attack outscores a random benign row (ties half); sorted, O(n log n). */
export function rocAuc(rows: ReadonlyArray<{ score: number; label: 0 | 1 }>): number {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const midRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]!.label === 1) {
        pos++;
        rankSum += midRank;
      } else neg++;
    }
    i = j;
  }
  return pos === 0 || neg === 0 ? Number.NaN : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function groupOf(s: PlantedSample): CalibrationGroup {
  if (!isSynthetic(s)) return 'real';
  if (s.source === 'synth-benign-work') return 'work';
  return s.source.startsWith('bipia') || s.source.endsWith('-long') ? 'documents' : 'synthetic';
}

export interface TrainOutput {
  readonly file: GuardModelFile;
  readonly calibration: {
    tpr: number;
    fpr: number;
    threshold: number;
    attacks: number;
    benign: number;
    /** ROC AUC on the real rows (calibration split + out-of-fold training rows): for choosing settings without dev. */
    realAuc: number;
  };
}

export function trainModel(
  sets: Datasets,
  cfg: TrainConfig,
  meta: { created: string; dataHash: string },
  log: (line: string) => void = () => {},
): TrainOutput {
  const featurizer = new Featurizer(cfg.features, cfg.window);
  const dim = 1 << cfg.features.bits;
  log('featurising training split…');
  const examples = examplesOf(featurizer, sets.train, cfg.realWeight);
  balance(examples);
  log(`training classifier on ${examples.length} windows…`);
  const lin = trainLinear(examples, dim, cfg, log);
  const q = quantize(lin.w);
  const weights = new Float32Array(dim);
  const qb = Buffer.from(q.base64, 'base64');
  for (let i = 0; i < dim; i++) weights[i] = qb.readInt16LE(i * 2) * q.scale;
  const structural = Float32Array.from(lin.ws);

  log('fitting the calibrated combiner on the calibration split…');
  const draft: GuardModelFile = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    modelVersion: '1.1.0',
    created: meta.created,
    trainingDataHash: meta.dataHash,
    trainer: {
      seed: cfg.seed,
      epochs: cfg.epochs,
      l2: cfg.l2,
      lr: cfg.lr,
      realWeight: cfg.realWeight,
      targetFpr: JSON.stringify(cfg.targetFpr),
    },
    features: cfg.features,
    window: cfg.window,
    classifier: { bias: lin.bias, scale: q.scale, weights: q.base64, structural: [...structural] },
    combiner: { bias: 0, weights: COMBINER_FEATURES.map(() => 0) },
    threshold: 0.5,
  };
  const draftModel: LoadedModel = {
    file: draft,
    weights,
    structural,
    combiner: new Float32Array(COMBINER_FEATURES.length),
  };
  // Out-of-fold scores for the real training rows: each fold's rows are scored by a classifier trained
  // without them. The real calibration split alone is ~100 rows — too few to set a threshold or fit the
  // combiner without chasing noise; OOF rows multiply that by seven at the cost of K extra trainings.
  const oof: Array<{ sample: PlantedSample; model: LoadedModel }> = [];
  const realTrain = sets.train.filter((s) => !isSynthetic(s));
  for (let k = 0; k < cfg.folds; k++) {
    const inFold = (s: PlantedSample) => !isSynthetic(s) && fnv1a(`fold:${s.text}`) % cfg.folds === k;
    const ex = examplesOf(
      featurizer,
      sets.train.filter((s) => !inFold(s)),
      cfg.realWeight,
    );
    balance(ex);
    log(`fold ${k + 1}/${cfg.folds}: ${ex.length} windows`);
    const f = trainLinear(ex, dim, cfg, () => {});
    const foldModel: LoadedModel = {
      ...draftModel,
      weights: Float32Array.from(f.w),
      structural: Float32Array.from(f.ws),
      file: { ...draft, classifier: { ...draft.classifier, bias: f.bias } },
    };
    for (const s of realTrain.filter(inFold)) oof.push({ sample: s, model: foldModel });
  }
  const calibrationRows = [...sets.calib.map((sample) => ({ sample, model: draftModel })), ...oof];
  const rows: Array<{ x: Float32Array; y: 0 | 1; weight: number }> = [];
  for (const { sample: s, model: m } of calibrationRows) {
    const weight = isSynthetic(s) ? 1 : cfg.realWeight;
    for (const part of scoreParts(m, featurizer, s.text)) {
      if (!part.decoded && OPAQUE_ENCODINGS.has(s.family)) continue;
      const y = part.decoded ? s.label : windowLabel(s, part.analysis.norm, part.window);
      rows.push({ x: part.inputs, y, weight });
    }
  }
  const comb = fitCombiner(rows);
  const file: GuardModelFile = {
    ...draft,
    combiner: { bias: comb.b, weights: [...comb.c].map((v) => Math.round(v * 1e6) / 1e6) },
  };
  const withCombiner = (m: LoadedModel): LoadedModel => ({
    ...m,
    file: { ...m.file, combiner: file.combiner },
    combiner: Float32Array.from(file.combiner.weights),
  });
  const model = withCombiner(draftModel);
  const scored = calibrationRows.map(({ sample: s, model: m }) => ({
    label: s.label,
    group: groupOf(s),
    score: Math.max(
      0,
      ...scoreParts(m === draftModel ? model : withCombiner(m), featurizer, s.text).map((p) => p.score),
    ),
  }));
  const threshold = pickThreshold(scored, cfg.targetFpr);
  const att = scored.filter((s) => s.label === 1);
  const ben = scored.filter((s) => s.label === 0);
  const calibration = {
    tpr: att.filter((s) => s.score >= threshold).length / Math.max(1, att.length),
    fpr: ben.filter((s) => s.score >= threshold).length / Math.max(1, ben.length),
    threshold,
    attacks: att.length,
    benign: ben.length,
    realAuc: Math.round(rocAuc(scored.filter((s) => s.group === 'real')) * 1e4) / 1e4,
  };
  return { file: { ...file, threshold, metrics: { calibration } }, calibration };
}

// Re-exported for tests of the training pipeline.
export { classifierLogit, combinerInputs, obfuscationLevel };
