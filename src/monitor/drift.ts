/**
 * Univariate drift of one feature (or prediction) between a reference window and a current window,
 * with Evidently's default method choice and thresholds (docs/monitoring.md cites them):
 *
 *   reference ≤ 1000 values: numeric (more than 5 distinct) → KS, p < 0.05;
 *                            categorical → chi-squared, p < 0.05 (two categories: the same test is the
 *                            two-proportion z-test);
 *   reference > 1000 values: numeric → Wasserstein distance / reference σ ≥ 0.1;
 *                            categorical → Jensen–Shannon distance ≥ 0.1.
 *   PSI on request, ≥ 0.1.
 * A dataset drifts when at least half its features drift (Evidently's drift_share 0.5).
 */
import type { FeatureValue } from './event.js';
import {
  binNumeric,
  chiSquared,
  countCategories,
  jensenShannon,
  ks2,
  psi,
  shares,
  type TestValue,
  wassersteinNormed,
} from './stats/tests.js';

export const DRIFT_METHODS = ['ks', 'chi2', 'psi', 'jensen_shannon', 'wasserstein'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** p-value methods flag below the threshold, distance methods at or above it. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chi2: 0.05,
  psi: 0.1,
  jensen_shannon: 0.1,
  wasserstein: 0.1,
};
const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'chi2']);

export const SMALL_REFERENCE = 1000;
export const NUMERIC_MIN_UNIQUE = 5;
export const DEFAULT_DRIFT_SHARE = 0.5;
/** Fewer values than this in either window and no verdict is given (too little to tell). */
export const MIN_WINDOW = 30;

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureDrift {
  readonly feature: string;
  readonly kind: FeatureKind;
  readonly method: DriftMethod;
  readonly statistic: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly nReference: number;
  readonly nCurrent: number;
}

export interface DriftOptions {
  /** Force one method for every feature, or per feature. */
  readonly method?: DriftMethod | Readonly<Record<string, DriftMethod>>;
  readonly thresholds?: Partial<Record<DriftMethod, number>>;
  readonly driftShare?: number;
  readonly minWindow?: number;
  /**
   * Per-feature floors for distance methods from `calibrateThresholds`: the effective threshold is
   * the larger of the method default and the floor, so noise of this reference at this window size
   * cannot trip it.
   */
  readonly featureThresholds?: Readonly<Record<string, number>>;
}

export function featureKind(ref: readonly FeatureValue[]): FeatureKind {
  const distinct = new Set<number>();
  for (const v of ref) {
    if (v === null) continue;
    if (typeof v !== 'number') return 'categorical';
    if (distinct.size <= NUMERIC_MIN_UNIQUE) distinct.add(v);
  }
  return distinct.size > NUMERIC_MIN_UNIQUE ? 'numeric' : 'categorical';
}

export function defaultMethod(kind: FeatureKind, nReference: number): DriftMethod {
  if (nReference <= SMALL_REFERENCE) return kind === 'numeric' ? 'ks' : 'chi2';
  return kind === 'numeric' ? 'wasserstein' : 'jensen_shannon';
}

function methodFor(feature: string, kind: FeatureKind, n: number, opts: DriftOptions): DriftMethod {
  const m = opts.method;
  const chosen = typeof m === 'string' ? m : m?.[feature];
  if (chosen && kind === 'categorical' && (chosen === 'ks' || chosen === 'wasserstein')) return 'chi2';
  return chosen ?? defaultMethod(kind, n);
}

/** Drift of one feature; `undefined` when either window has fewer than `minWindow` non-null values. */
export function featureDrift(
  feature: string,
  reference: readonly FeatureValue[],
  current: readonly FeatureValue[],
  opts: DriftOptions = {},
): FeatureDrift | undefined {
  const ref = reference.filter((v) => v !== null && v !== undefined);
  const cur = current.filter((v) => v !== null && v !== undefined);
  const min = opts.minWindow ?? MIN_WINDOW;
  if (ref.length < min || cur.length < min) return undefined;
  const kind = featureKind(ref);
  const method = methodFor(feature, kind, ref.length, opts);
  const value = compute(method, kind, ref, cur);
  const base = opts.thresholds?.[method] ?? DEFAULT_THRESHOLDS[method];
  const floor = P_VALUE_METHODS.has(method) ? undefined : opts.featureThresholds?.[feature];
  const threshold = floor !== undefined ? Math.max(base, floor) : base;
  const drifted = P_VALUE_METHODS.has(method) ? (value.pValue ?? 1) < threshold : value.statistic >= threshold;
  return {
    feature,
    kind,
    method,
    statistic: value.statistic,
    ...(value.pValue !== undefined ? { pValue: value.pValue } : {}),
    threshold,
    drifted,
    nReference: ref.length,
    nCurrent: cur.length,
  };
}

function compute(method: DriftMethod, kind: FeatureKind, ref: FeatureValue[], cur: FeatureValue[]): TestValue {
  if (kind === 'numeric') {
    // A numeric feature may still carry a stray string; such values are left out of numeric tests.
    const r = ref.filter((v): v is number => typeof v === 'number');
    const c = cur.filter((v): v is number => typeof v === 'number');
    if (method === 'ks') return ks2(r, c);
    if (method === 'wasserstein') return wassersteinNormed(r, c);
    const [rs, cs] = binNumeric(r, c);
    if (method === 'psi') return psi(rs, cs);
    if (method === 'jensen_shannon') return jensenShannon(rs, cs);
    // chi2 on numbers: on the same equal-width bins, as counts.
    return chiSquared(
      rs.map((s) => Math.round(s * r.length)),
      cs.map((s) => Math.round(s * c.length)),
    );
  }
  const [, rc, cc] = countCategories(ref.map(String), cur.map(String));
  if (method === 'psi') return psi(shares(rc), shares(cc));
  if (method === 'jensen_shannon') return jensenShannon(shares(rc), shares(cc));
  return chiSquared(rc, cc);
}

export interface DatasetDrift {
  readonly features: readonly FeatureDrift[];
  readonly driftedShare: number;
  readonly drifted: boolean;
}

/** Drift of every feature present in the reference rows. */
export function datasetDrift(
  reference: readonly Readonly<Record<string, FeatureValue>>[],
  current: readonly Readonly<Record<string, FeatureValue>>[],
  opts: DriftOptions = {},
): DatasetDrift {
  const names = new Set<string>();
  for (const row of reference) for (const k of Object.keys(row)) names.add(k);
  const features: FeatureDrift[] = [];
  for (const name of [...names].sort()) {
    const d = featureDrift(
      name,
      reference.map((r) => r[name] ?? null),
      current.map((r) => r[name] ?? null),
      opts,
    );
    if (d) features.push(d);
  }
  const share = features.length ? features.filter((f) => f.drifted).length / features.length : 0;
  return {
    features,
    driftedShare: share,
    drifted: features.length > 0 && share >= (opts.driftShare ?? DEFAULT_DRIFT_SHARE),
  };
}

export interface CalibrationOptions extends DriftOptions {
  /** Null windows drawn from the reference. */
  readonly samples?: number;
  /**
   * Floor = multiplier × the mean null statistic. These distances all scale as √(1/n + 1/m) under
   * no drift, with a spread proportional to their mean, so a multiple of the (well estimated) mean
   * is a steadier floor than mean + kσ from a noisy σ; 3 keeps false alarms out of thousands of
   * windows (measured in test/monitor/drift-bar.test.ts).
   */
  readonly multiplier?: number;
  readonly seed?: number;
}

/**
 * Learns, per feature, how large the distance statistic gets on windows that did NOT drift: random
 * windows of `windowSize` rows drawn from the reference are compared with the rest of the reference,
 * and the floor is three times their mean (in the spirit of NannyML's thresholds from reference chunks). Heavy-
 * tailed features and small windows get a higher floor; well-behaved ones keep the default.
 */
export function calibrateThresholds(
  reference: readonly Readonly<Record<string, FeatureValue>>[],
  windowSize: number,
  opts: CalibrationOptions = {},
): Record<string, number> {
  const samples = opts.samples ?? 20;
  const k = opts.multiplier ?? 3;
  const size = Math.min(windowSize, Math.floor(reference.length / 2));
  const out: Record<string, number> = {};
  if (size < (opts.minWindow ?? MIN_WINDOW)) return out;
  let state = (opts.seed ?? 0x5eed) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  // Judge null windows with the methods the full reference will use (the halves are smaller and
  // would otherwise fall under the small-data rule).
  const names = new Set<string>();
  for (const row of reference) for (const key of Object.keys(row)) names.add(key);
  const methods: Record<string, DriftMethod> = {};
  for (const name of names) {
    const col = reference.map((r) => r[name] ?? null).filter((v) => v !== null);
    methods[name] = methodFor(name, featureKind(col), col.length, opts);
  }
  const values = new Map<string, number[]>();
  const order = reference.map((_, i) => i);
  for (let s = 0; s < samples; s++) {
    // Partial Fisher–Yates: the first `size` indices are the null window, the rest its reference.
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(next() * (order.length - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const win = order.slice(0, size).map((i) => reference[i]!);
    const rest = order.slice(size).map((i) => reference[i]!);
    for (const f of datasetDrift(rest, win, { ...opts, method: methods, featureThresholds: {} }).features) {
      if (P_VALUE_METHODS.has(f.method) || !Number.isFinite(f.statistic)) continue;
      const list = values.get(f.feature) ?? [];
      list.push(f.statistic);
      values.set(f.feature, list);
    }
  }
  for (const [feature, v] of values) {
    out[feature] = (k * v.reduce((a, x) => a + x, 0)) / v.length;
  }
  return out;
}
