/**
 * The drift Bar: synthetic traffic with a known shift injected at a known time. The shift must be
 * detected within one window, and unshifted traffic must not be flagged. The false-alarm rate is
 * measured over many seeds and printed (docs/monitoring.md records the figure).
 */
import { describe, expect, it } from 'vitest';
import { calibrateThresholds, datasetDrift, featureDrift } from '../../src/monitor/drift.js';
import type { FeatureValue } from '../../src/monitor/event.js';
import { gaussian, rng } from '../builders/synthetic-traffic.js';

type Row = Record<string, FeatureValue>;
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'IN'];

/** Six inputs and a prediction; `shifted` moves x1 by +0.5σ, widens x2 by 1.5× and tilts the country mix. */
function row(r: () => number, n: () => number, shifted: boolean): Row {
  const x0 = 10 + 2 * n();
  const x1 = 50 + 5 * n() + (shifted ? 2.5 : 0);
  const x2 = 3 * n() * (shifted ? 1.5 : 1);
  const x3 = Math.exp(0.5 * n());
  const u = r();
  const weights = shifted ? [0.2, 0.2, 0.2, 0.2, 0.2] : [0.35, 0.25, 0.2, 0.15, 0.05];
  let acc = 0;
  let country = COUNTRIES[4]!;
  for (let i = 0; i < 5; i++) {
    acc += weights[i]!;
    if (u < acc) {
      country = COUNTRIES[i]!;
      break;
    }
  }
  const device = r() < 0.7 ? 'mobile' : 'desktop';
  const score = 1 / (1 + Math.exp(-(0.1 * (x1 - 50) + 0.2 * x2)));
  return { x0, x1, x2, x3, country, device, 'output.score': score };
}

const REF = 2000;
const WINDOW = 1000;
const WINDOWS = 10;
/** The shift starts half-way through window 5. */
const SHIFT_AT = 5 * WINDOW + WINDOW / 2;

function stream(seed: number, shift: boolean) {
  const r = rng(seed);
  const n = gaussian(r);
  const reference = Array.from({ length: REF }, () => row(r, n, false));
  const events = Array.from({ length: WINDOWS * WINDOW }, (_, i) => row(r, n, shift && i >= SHIFT_AT));
  const floors = calibrateThresholds(reference, WINDOW);
  return {
    reference,
    floors,
    windows: Array.from({ length: WINDOWS }, (_, w) => events.slice(w * WINDOW, (w + 1) * WINDOW)),
  };
}

const SEEDS = 40;

describe('drift Bar', () => {
  it('detects a shift injected mid-window within one window, on every seed', () => {
    const delays: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { reference, windows, floors } = stream(seed, true);
      const opts = { featureThresholds: floors };
      const firstDrift = windows.findIndex((w) => datasetDrift(reference, w, opts).features.some((f) => f.drifted));
      // The shift starts inside window 5: flagging window 5 or 6 is "within one window".
      expect(firstDrift, `seed ${seed}`).toBeGreaterThanOrEqual(5);
      expect(firstDrift, `seed ${seed}`).toBeLessThanOrEqual(6);
      delays.push(firstDrift - 5);
      // Once fully shifted, the shifted features are the ones flagged, with the default methods.
      const full = datasetDrift(reference, windows[7]!, opts);
      const flagged = full.features.filter((f) => f.drifted).map((f) => f.feature);
      expect(flagged).toEqual(expect.arrayContaining(['x1', 'x2', 'country']));
      expect(flagged).not.toContain('x0');
      expect(full.features.find((f) => f.feature === 'x1')!.method).toBe('wasserstein');
      expect(full.features.find((f) => f.feature === 'country')!.method).toBe('jensen_shannon');
    }
    console.log(
      `[drift bar] ${SEEDS} seeds: detected in the shift window ${delays.filter((d) => d === 0).length}×, in the next ${delays.filter((d) => d === 1).length}×`,
    );
  });

  it('flags nothing on unshifted traffic (false-alarm rate over many seeds)', () => {
    let tests = 0;
    let alarms = 0;
    let windowAlarms = 0;
    let rawAlarms = 0;
    for (let seed = 1001; seed <= 1000 + SEEDS; seed++) {
      const { reference, windows, floors } = stream(seed, false);
      for (const w of windows) {
        const d = datasetDrift(reference, w, { featureThresholds: floors });
        tests += d.features.length;
        const n = d.features.filter((f) => f.drifted).length;
        alarms += n;
        if (n) windowAlarms++;
        rawAlarms += datasetDrift(reference, w).features.filter((f) => f.drifted).length;
      }
    }
    console.log(
      `[drift bar] unshifted, calibrated floors: ${alarms}/${tests} feature-window alarms, ${windowAlarms}/${SEEDS * WINDOWS} windows with any alarm; ` +
        `Evidently defaults alone: ${rawAlarms}/${tests} (${((rawAlarms / tests) * 100).toFixed(2)}%)`,
    );
    expect(tests).toBe(SEEDS * WINDOWS * 7);
    expect(alarms).toBe(0);
  });

  it('p-value methods alarm at their nominal rate on unshifted data (why distances are the default at scale)', () => {
    let tests = 0;
    let alarms = 0;
    for (let seed = 2001; seed <= 2020; seed++) {
      const { reference, windows } = stream(seed, false);
      for (const w of windows.slice(0, 3)) {
        for (const name of ['x0', 'x1', 'x2', 'x3']) {
          const d = featureDrift(
            name,
            reference.map((r) => r[name]!),
            w.map((r) => r[name]!),
            { method: 'ks' },
          )!;
          tests++;
          if (d.drifted) alarms++;
        }
      }
    }
    const rate = alarms / tests;
    console.log(`[drift bar] KS at p<0.05 on unshifted data: ${alarms}/${tests} = ${(rate * 100).toFixed(1)}%`);
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.1);
  });

  it('uses KS and chi-squared for small references, as Evidently does', () => {
    const { reference, windows } = stream(7, true);
    const small = datasetDrift(reference.slice(0, 800), windows[8]!);
    expect(small.features.find((f) => f.feature === 'x1')!.method).toBe('ks');
    expect(small.features.find((f) => f.feature === 'country')!.method).toBe('chi2');
    expect(small.features.find((f) => f.feature === 'x1')!.drifted).toBe(true);
    expect(small.drifted).toBe(true);
  });
});
