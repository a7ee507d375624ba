/**
 * Shapiro–Wilk W test of normality with Royston's approximations for the coefficients (1992) and the
 * p-value (AS R94, 1995), written from the published formulas. Used on the distribution of each
 * client's nearest-neighbour query distances (PRADA).
 */
import { normalCdf, normalQuantile } from './special.js';

export interface ShapiroWilk {
  readonly w: number;
  readonly pValue: number;
  readonly n: number;
}

const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];

/** c[0] + c[1]·x + c[2]·x² … */
function poly(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

/** The largest sample the approximation is valid for; longer inputs are thinned evenly. */
export const SW_MAX_N = 5000;

export function shapiroWilk(sample: readonly number[]): ShapiroWilk | undefined {
  let xs = [...sample].filter(Number.isFinite);
  if (xs.length > SW_MAX_N) {
    const step = xs.length / SW_MAX_N;
    xs = Array.from({ length: SW_MAX_N }, (_, i) => xs[Math.floor(i * step)]!);
  }
  const n = xs.length;
  if (n < 3) return undefined;
  xs.sort((a, b) => a - b);
  const range = xs[n - 1]! - xs[0]!;
  // All values equal: no spread to test. Report W = 0 so a constant pattern counts as maximally non-normal.
  if (range < 1e-12 * Math.max(1, Math.abs(xs[0]!))) return { w: 0, pValue: 0, n };

  const a = coefficients(n);
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += a[i]! * xs[i]!;
    den += (xs[i]! - mean) ** 2;
  }
  const w = Math.min(1, (num * num) / den);
  return { w, pValue: pValue(w, n), n };
}

function coefficients(n: number): number[] {
  if (n === 3) return [-Math.SQRT1_2, 0, Math.SQRT1_2];
  const m = Array.from({ length: n }, (_, i) => normalQuantile((i + 1 - 0.375) / (n + 0.25)));
  const mm = m.reduce((s, x) => s + x * x, 0);
  const u = 1 / Math.sqrt(n);
  const an = poly(C1, u) + m[n - 1]! / Math.sqrt(mm);
  const a = new Array<number>(n).fill(0);
  if (n <= 5) {
    const phi = (mm - 2 * m[n - 1]! ** 2) / (1 - 2 * an * an);
    for (let i = 1; i < n - 1; i++) a[i] = m[i]! / Math.sqrt(phi);
    a[n - 1] = an;
    a[0] = -an;
    return a;
  }
  const an1 = poly(C2, u) + m[n - 2]! / Math.sqrt(mm);
  const phi = (mm - 2 * m[n - 1]! ** 2 - 2 * m[n - 2]! ** 2) / (1 - 2 * an * an - 2 * an1 * an1);
  for (let i = 2; i < n - 2; i++) a[i] = m[i]! / Math.sqrt(phi);
  a[n - 1] = an;
  a[n - 2] = an1;
  a[0] = -an;
  a[1] = -an1;
  return a;
}

function pValue(w: number, n: number): number {
  if (n === 3) {
    // Exact for n = 3.
    const p = (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.asin(Math.sqrt(0.75)));
    return Math.max(0, Math.min(1, p));
  }
  const w1 = Math.log(1 - w);
  if (!Number.isFinite(w1)) return 1;
  if (n <= 11) {
    const gamma = poly([-2.273, 0.459], n);
    const mu = poly(C3, n);
    const sigma = Math.exp(poly(C4, n));
    const y = -Math.log(gamma - w1);
    if (!Number.isFinite(y)) return 0;
    return 1 - normalCdf((y - mu) / sigma);
  }
  const ln = Math.log(n);
  const mu = poly(C5, ln);
  const sigma = Math.exp(poly(C6, ln));
  return 1 - normalCdf((w1 - mu) / sigma);
}
