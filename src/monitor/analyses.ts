/**
 * Analyses over the store, scheduled by `warden serve` and run on demand through the API. Each one
 * reads a window of events, runs the pure detectors next to this file and writes its results back
 * (idempotently: re-running a window replaces its rows).
 */
import type { Db } from '../store/db.js';
import { guardBuckets, type InferenceRow, inferenceWindow, modelsWithEvents } from '../store/events-repo.js';
import { type DetectionRow, type DriftRow, saveDetections, saveDrift } from '../store/results-repo.js';
import { calibrateThresholds, type DatasetDrift, type DriftOptions, datasetDrift } from './drift.js';
import type { FeatureValue } from './event.js';
import { buildReference, type ClientEvidence, detectExtraction, type ExtractionOptions } from './extraction.js';
import { RATE_DEFAULTS, scoreBucket } from './rate.js';

const MINUTE = 60_000;

/** Flattens one inference event into drift columns: features as named, `text.*` and `output.*` prefixed. */
export function driftColumns(
  row: Pick<InferenceRow, 'features' | 'text_stats' | 'output'>,
): Record<string, FeatureValue> {
  const out: Record<string, FeatureValue> = {};
  for (const [k, v] of Object.entries(row.features ?? {})) out[k] = v;
  for (const [k, v] of Object.entries(row.text_stats ?? {})) out[`text.${k}`] = v;
  for (const [k, v] of Object.entries(row.output ?? {})) out[`output.${k}`] = v;
  return out;
}

export interface Window {
  readonly from: Date;
  readonly to: Date;
}

export interface DriftJob {
  readonly model: string;
  readonly reference: Window;
  readonly current: Window;
  readonly options?: DriftOptions;
}

export async function runDrift(db: Db, job: DriftJob): Promise<DatasetDrift> {
  const ref = await inferenceWindow(db, job.model, job.reference.from, job.reference.to);
  const cur = await inferenceWindow(db, job.model, job.current.from, job.current.to);
  const refRows = ref.map(driftColumns);
  const curRows = cur.map(driftColumns);
  // Distance thresholds never below what this reference's own noise reaches at this window size.
  const floors = job.options?.featureThresholds ?? calibrateThresholds(refRows, curRows.length, job.options);
  const result = datasetDrift(refRows, curRows, { ...job.options, featureThresholds: floors });
  const rows: DriftRow[] = result.features.map((f) => ({
    model: job.model,
    feature: f.feature,
    method: f.method,
    statistic: f.statistic,
    ...(f.pValue !== undefined ? { pValue: f.pValue } : {}),
    threshold: f.threshold,
    drifted: f.drifted,
    windowStart: job.current.from.toISOString(),
    windowEnd: job.current.to.toISOString(),
    referenceStart: job.reference.from.toISOString(),
    referenceEnd: job.reference.to.toISOString(),
    nReference: f.nReference,
    nCurrent: f.nCurrent,
    detail: { kind: f.kind, datasetDriftedShare: result.driftedShare },
  }));
  await saveDrift(db, rows);
  return result;
}

export interface ScheduleConfig {
  /** Length of the current window. */
  readonly windowMinutes: number;
  /** Length of the reference window, which ends where the current one starts. */
  readonly referenceMinutes: number;
  readonly drift?: DriftOptions;
  readonly rateBucketSeconds?: number;
  /** Buckets per season for rate baselines (24 hourly buckets = one day). */
  readonly rateSeason?: number;
  readonly extraction?: ExtractionOptions;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  windowMinutes: 60,
  referenceMinutes: 7 * 24 * 60,
  rateBucketSeconds: 3600,
  rateSeason: 24,
};

/** Drift for every model that had traffic in the current window. */
export async function runScheduledDrift(db: Db, now: Date, cfg: ScheduleConfig = DEFAULT_SCHEDULE) {
  const current = { from: new Date(now.getTime() - cfg.windowMinutes * MINUTE), to: now };
  const reference = { from: new Date(current.from.getTime() - cfg.referenceMinutes * MINUTE), to: current.from };
  const out: { model: string; drifted: boolean; driftedShare: number; features: number }[] = [];
  for (const model of await modelsWithEvents(db, current.from)) {
    const r = await runDrift(db, { model, reference, current, ...(cfg.drift ? { options: cfg.drift } : {}) });
    out.push({ model, drifted: r.drifted, driftedShare: r.driftedShare, features: r.features.length });
  }
  return out;
}

export const RATE_METRICS = ['flagged', 'blocked', 'errors', 'refusals'] as const;

/** Scores the last complete bucket of each guard metric against its seasonal baseline. */
export async function runRates(db: Db, now: Date, cfg: ScheduleConfig = DEFAULT_SCHEDULE): Promise<DetectionRow[]> {
  const size = cfg.rateBucketSeconds ?? 3600;
  const season = cfg.rateSeason ?? 24;
  const last = Math.floor(now.getTime() / 1000 / size) - 1;
  const first = last - season * RATE_DEFAULTS.seasons;
  const buckets = await guardBuckets(db, size, new Date(first * size * 1000), new Date((last + 1) * size * 1000));
  const byIndex = new Map(buckets.map((b) => [b.bucket, b]));
  const rows: DetectionRow[] = [];
  for (const metric of RATE_METRICS) {
    const series: number[] = [];
    for (let b = first; b <= last; b++) series.push(byIndex.get(b)?.[metric] ?? 0);
    const p = scoreBucket(series, series.length - 1, { season });
    if (!p) continue;
    rows.push({
      kind: `rate:${metric}`,
      subject: 'all',
      windowStart: new Date(last * size * 1000).toISOString(),
      windowEnd: new Date((last + 1) * size * 1000).toISOString(),
      score: p.z,
      flagged: p.anomalous,
      evidence: { value: p.value, expected: p.expected, scale: p.scale, baseline: p.baseline, seasonBuckets: season },
    });
  }
  await saveDetections(db, rows);
  return rows;
}

/** Numeric feature vectors in a fixed column order (the reference's numeric features). */
function vectors(rows: readonly InferenceRow[], names: readonly string[]): { client: string; v: number[] }[] {
  const out: { client: string; v: number[] }[] = [];
  for (const r of rows) {
    const f = r.features ?? {};
    const v = names.map((n) => f[n]);
    if (v.every((x): x is number => typeof x === 'number')) out.push({ client: r.client ?? 'anonymous', v });
  }
  return out;
}

/** Extraction suspects per client of every model with traffic in the window. */
export async function runExtraction(db: Db, now: Date, cfg: ScheduleConfig = DEFAULT_SCHEDULE) {
  const current = { from: new Date(now.getTime() - cfg.windowMinutes * MINUTE), to: now };
  const reference = { from: new Date(current.from.getTime() - cfg.referenceMinutes * MINUTE), to: current.from };
  const results: { model: string; clients: ClientEvidence[] }[] = [];
  for (const model of await modelsWithEvents(db, current.from)) {
    const refRows = await inferenceWindow(db, model, reference.from, reference.to);
    const names = numericFeatureNames(refRows);
    const refVectors = vectors(refRows, names).map((x) => x.v);
    if (names.length === 0 || refVectors.length < 200) continue;
    const byClient = new Map<string, number[][]>();
    for (const { client, v } of vectors(await inferenceWindow(db, model, current.from, current.to), names)) {
      const list = byClient.get(client) ?? [];
      list.push(v);
      byClient.set(client, list);
    }
    const clients = detectExtraction(byClient, buildReference(refVectors, cfg.extraction), cfg.extraction);
    await saveDetections(
      db,
      clients.map((c) => ({
        kind: 'extraction',
        subject: `${model}:${c.client}`,
        windowStart: current.from.toISOString(),
        windowEnd: current.to.toISOString(),
        score: c.prada?.w ?? 1,
        flagged: c.flagged,
        evidence: { ...c, features: names },
      })),
    );
    results.push({ model, clients });
  }
  return results;
}

function numericFeatureNames(rows: readonly InferenceRow[]): string[] {
  const seen = new Map<string, number>();
  for (const r of rows)
    for (const [k, v] of Object.entries(r.features ?? {}))
      if (typeof v === 'number') seen.set(k, (seen.get(k) ?? 0) + 1);
  return [...seen]
    .filter(([, n]) => n >= rows.length * 0.95)
    .map(([k]) => k)
    .sort();
}
