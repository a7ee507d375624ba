/**
 * Two-sample drift statistics. Each returns the statistic and, for hypothesis tests, a p-value.
 * Binning follows Evidently's `get_binned_data` (equal-width bins over both samples for numbers, one
 * bin per category, empty bins floored at 1e-4) so PSI and Jensen–Shannon values match its defaults.
 */
import { chiSquaredSf, kolmogorovQ } from './special.js';

export interface TestValue {
  readonly statistic: number;
  readonly pValue?: number;
}

const asc = (a: number, b: number) => a - b;

/** Two-sample Kolmogorov–Smirnov; asymptotic p-value with Stephens' small-sample correction. */
export function ks2(ref: readonly number[], cur: readonly number[]): TestValue {
  const a = [...ref].sort(asc);
  const b = [...cur].sort(asc);
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d) };
}

/** Chi-squared test of homogeneity on a 2 × k table of category counts (categories absent from both dropped). */
export function chiSquared(refCounts: readonly number[], curCounts: readonly number[]): TestValue {
  const n = refCounts.reduce((s, x) => s + x, 0);
  const m = curCounts.reduce((s, x) => s + x, 0);
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let stat = 0;
  let k = 0;
  for (let c = 0; c < refCounts.length; c++) {
    const col = refCounts[c]! + (curCounts[c] ?? 0);
    if (col === 0) continue;
    k++;
    const eRef = (col * n) / (n + m);
    const eCur = (col * m) / (n + m);
    stat += (refCounts[c]! - eRef) ** 2 / eRef + ((curCounts[c] ?? 0) - eCur) ** 2 / eCur;
  }
  if (k < 2) return { statistic: 0, pValue: 1 };
  return { statistic: stat, pValue: chiSquaredSf(stat, k - 1) };
}

/** Population Stability Index Σ (cur − ref) · ln(cur / ref) over shares. */
export function psi(refShares: readonly number[], curShares: readonly number[]): TestValue {
  let s = 0;
  for (let i = 0; i < refShares.length; i++) {
    const r = refShares[i]!;
    const c = curShares[i]!;
    s += (r - c) * Math.log(r / c);
  }
  return { statistic: s };
}

/** Jensen–Shannon distance (square root of the divergence, natural log, as SciPy's default). */
export function jensenShannon(p: readonly number[], q: readonly number[]): TestValue {
  const norm = (v: readonly number[]) => {
    const t = v.reduce((a, x) => a + x, 0);
    return v.map((x) => x / t);
  };
  const P = norm(p);
  const Q = norm(q);
  let js = 0;
  for (let i = 0; i < P.length; i++) {
    const m = (P[i]! + Q[i]!) / 2;
    if (P[i]! > 0) js += 0.5 * P[i]! * Math.log(P[i]! / m);
    if (Q[i]! > 0) js += 0.5 * Q[i]! * Math.log(Q[i]! / m);
  }
  return { statistic: Math.sqrt(Math.max(0, js)) };
}

/** First Wasserstein distance between two empirical distributions: ∫ |F(x) − G(x)| dx. */
export function wasserstein1(ref: readonly number[], cur: readonly number[]): number {
  const a = [...ref].sort(asc);
  const b = [...cur].sort(asc);
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0]!, b[0]!);
  let area = 0;
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    area += Math.abs(i / n - j / m) * (x - prev);
    prev = x;
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
  }
  return area;
}

/** Wasserstein distance divided by the reference standard deviation (Evidently's "normed" variant). */
export function wassersteinNormed(ref: readonly number[], cur: readonly number[]): TestValue {
  const sd = stdDev(ref);
  const w = wasserstein1(ref, cur);
  return { statistic: sd > 0 ? w / sd : w > 0 ? Number.POSITIVE_INFINITY : 0 };
}

export function stdDev(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
}

const EMPTY_SHARE = 1e-4;

/** Equal-width histogram shares of both samples over their joint range (numbers). */
export function binNumeric(ref: readonly number[], cur: readonly number[], bins = 30): [number[], number[]] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of ref) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  for (const x of cur) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  if (!(hi > lo)) return [[1], [1]];
  const width = (hi - lo) / bins;
  const count = (xs: readonly number[]) => {
    const c = new Array<number>(bins).fill(0);
    for (const x of xs) c[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
    return c.map((v) => (v === 0 ? EMPTY_SHARE : v / xs.length));
  };
  return [count(ref), count(cur)];
}

/** Category counts of both samples over the union of their categories. */
export function countCategories(ref: readonly string[], cur: readonly string[]): [string[], number[], number[]] {
  const keys = [...new Set([...ref, ...cur])].sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const r = new Array<number>(keys.length).fill(0);
  const c = new Array<number>(keys.length).fill(0);
  for (const x of ref) r[index.get(x)!]!++;
  for (const x of cur) c[index.get(x)!]!++;
  return [keys, r, c];
}

/** Counts to shares with empty categories floored, as for PSI and Jensen–Shannon. */
export function shares(counts: readonly number[]): number[] {
  const t = counts.reduce((a, x) => a + x, 0);
  return counts.map((x) => (x === 0 || t === 0 ? EMPTY_SHARE : x / t));
}
