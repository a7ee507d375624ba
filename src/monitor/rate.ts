/**
 * Rate anomalies against a seasonal baseline: each bucket (say an hour of injection attempts, blocks,
 * errors or refusals) is compared with the same phase of earlier seasons (the same hour on previous
 * days), robustly — median and MAD, with a Poisson floor so a quiet series does not alarm on +2.
 */

export interface RateOptions {
  /** Buckets per season: 24 for hourly buckets with a daily cycle, 168 for a weekly one. */
  readonly season: number;
  /** How many past seasons form the baseline. */
  readonly seasons?: number;
  /** Robust z-score at or above which a bucket is anomalous. */
  readonly z?: number;
  /** Smallest excess over the baseline worth an alarm, in events. */
  readonly minExcess?: number;
}

export interface RatePoint {
  readonly index: number;
  readonly value: number;
  readonly expected: number;
  readonly scale: number;
  readonly z: number;
  readonly anomalous: boolean;
  /** Past values the baseline was built from. */
  readonly baseline: readonly number[];
}

export const RATE_DEFAULTS = { seasons: 4, z: 4, minExcess: 5 } as const;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Scores bucket `index` of `series` against the same phase in up to `seasons` earlier seasons. */
export function scoreBucket(series: readonly number[], index: number, opts: RateOptions): RatePoint | undefined {
  const k = opts.seasons ?? RATE_DEFAULTS.seasons;
  const baseline: number[] = [];
  for (let s = 1; s <= k; s++) {
    const j = index - s * opts.season;
    if (j < 0) break;
    baseline.push(series[j]!);
  }
  // Not a full season of history yet: fall back to the preceding buckets, which still catches bursts.
  if (baseline.length < 2) {
    for (let j = index - 1; j >= 0 && baseline.length < Math.max(4, opts.season); j--) baseline.push(series[j]!);
  }
  if (baseline.length < 2) return undefined;
  const value = series[index]!;
  const expected = median(baseline);
  const mad = median(baseline.map((x) => Math.abs(x - expected)));
  const scale = Math.max(1.4826 * mad, Math.sqrt(Math.max(expected, 1)));
  const z = (value - expected) / scale;
  const anomalous = z >= (opts.z ?? RATE_DEFAULTS.z) && value - expected >= (opts.minExcess ?? RATE_DEFAULTS.minExcess);
  return { index, value, expected, scale, z, anomalous, baseline };
}

/** Scores every bucket that has a baseline. */
export function scoreSeries(series: readonly number[], opts: RateOptions): RatePoint[] {
  const out: RatePoint[] = [];
  for (let i = 0; i < series.length; i++) {
    const p = scoreBucket(series, i, opts);
    if (p) out.push(p);
  }
  return out;
}
