import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapiroWilk } from '../../src/monitor/stats/shapiro-wilk.js';
import { chiSquaredSf, normalCdf, normalQuantile } from '../../src/monitor/stats/special.js';
import { chiSquared, jensenShannon, ks2, psi, wasserstein1 } from '../../src/monitor/stats/tests.js';

// Reference values computed once with SciPy 1.17.1 (scipy.stats.shapiro, chi2_contingency(correction=False),
// wasserstein_distance, spatial.distance.jensenshannon, norm.ppf, chi2.sf, ks_2samp(method='asymp')).
const A = [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 3.9, 4.0, 2.2, 3.1, 5.0, 4.7];
const B = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 31, 32];
const C = [0.5, 1.2, 1.1, 3.3, 0.7];

describe('statistics against SciPy', () => {
  it('Shapiro–Wilk W and p (Royston AS R94)', () => {
    const cases: [number[], number, number][] = [
      [A, 0.965887817, 0.817408378],
      [B, 0.743682727, 0.001574424],
      [C, 0.780408531, 0.055567267],
      [Array.from({ length: 200 }, (_, i) => Math.exp(i / 50)), 0.813826189, 1.0183e-14],
    ];
    for (const [x, w, p] of cases) {
      const r = shapiroWilk(x)!;
      expect(r.w).toBeCloseTo(w, 6);
      expect(Math.abs(r.pValue - p)).toBeLessThan(Math.max(1e-6, p * 0.01));
    }
  });

  it('normal quantile, chi-squared tail', () => {
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.524400513, 6);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(chiSquaredSf(7.3, 3)).toBeCloseTo(0.062926236, 8);
    expect(chiSquaredSf(150, 100)).toBeCloseTo(0.000903932, 8);
  });

  it('two-sample tests and distances', () => {
    expect(ks2(A, B).statistic).toBeCloseTo(0.543956044, 8);
    // Stephens-corrected asymptotic p is slightly more conservative than SciPy's plain asymptotic 0.0181.
    expect(ks2(A, B).pValue).toBeGreaterThan(0.018);
    expect(ks2(A, B).pValue).toBeLessThan(0.03);
    const chi = chiSquared([10, 20, 30], [15, 15, 40]);
    expect(chi.statistic).toBeCloseTo(2.387755102, 8);
    expect(chi.pValue).toBeCloseTo(0.303043915, 8);
    expect(wasserstein1(A, B)).toBeCloseTo(7.792857143, 8);
    expect(jensenShannon([0.2, 0.3, 0.5], [0.3, 0.3, 0.4]).statistic).toBeCloseTo(0.088416063, 8);
    expect(psi([0.5, 0.5], [0.5, 0.5]).statistic).toBe(0);
  });

  it('never throws and stays in range on arbitrary samples (property)', () => {
    const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 60 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const k = ks2(a, b);
        expect(k.statistic).toBeGreaterThanOrEqual(0);
        expect(k.statistic).toBeLessThanOrEqual(1);
        expect(k.pValue).toBeGreaterThanOrEqual(0);
        expect(k.pValue).toBeLessThanOrEqual(1);
        expect(wasserstein1(a, b)).toBeGreaterThanOrEqual(0);
        const sw = shapiroWilk(a);
        if (sw) {
          expect(sw.w).toBeGreaterThanOrEqual(0);
          expect(sw.w).toBeLessThanOrEqual(1);
          expect(sw.pValue).toBeGreaterThanOrEqual(0);
          expect(sw.pValue).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
