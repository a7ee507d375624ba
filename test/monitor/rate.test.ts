import { describe, expect, it } from 'vitest';
import { scoreBucket, scoreSeries } from '../../src/monitor/rate.js';
import { gaussian, rng } from '../builders/synthetic-traffic.js';

/** Hourly injection attempts with a daily cycle (busy afternoons, quiet nights) and Poisson-ish noise. */
function hourly(seed: number, days: number): number[] {
  const n = gaussian(rng(seed));
  return Array.from({ length: days * 24 }, (_, h) => {
    const mean = 20 + 15 * Math.sin(((h % 24) - 6) * (Math.PI / 12));
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * n()));
  });
}

describe('seasonal rate anomalies', () => {
  it('flags a burst of injection attempts at night that would be normal in the afternoon', () => {
    const series = hourly(1, 6);
    const night = 5 * 24 + 3;
    const afternoon = 5 * 24 + 15;
    series[night] = series[afternoon]!; // afternoon volume at 3 am
    const p = scoreBucket(series, night, { season: 24 })!;
    expect(p.anomalous).toBe(true);
    expect(p.baseline).toHaveLength(4);
    expect(scoreBucket(series, afternoon, { season: 24 })!.anomalous).toBe(false);
  });

  it('stays quiet on ordinary seasonal traffic (false alarms over many seeds)', () => {
    let scored = 0;
    let alarms = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const pts = scoreSeries(hourly(seed, 8), { season: 24 }).filter((p) => p.index >= 4 * 24);
      scored += pts.length;
      alarms += pts.filter((p) => p.anomalous).length;
    }
    console.log(`[rates] ${alarms}/${scored} hourly buckets flagged on unshifted seasonal traffic`);
    expect(alarms / scored).toBeLessThan(0.002);
  });

  it('needs a minimum excess: +3 over a baseline of zero is not an incident', () => {
    const series = [0, 0, 0, 0, 0, 0, 0, 3];
    expect(scoreBucket(series, 7, { season: 24 })!.anomalous).toBe(false);
    series[7] = 12;
    expect(scoreBucket(series, 7, { season: 24 })!.anomalous).toBe(true);
  });
});
