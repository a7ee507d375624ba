import type { Queryable } from './db.js';

export interface DriftRow {
  readonly model: string;
  readonly feature: string;
  readonly method: string;
  readonly statistic: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly referenceStart?: string;
  readonly referenceEnd?: string;
  readonly nReference: number;
  readonly nCurrent: number;
  readonly detail?: unknown;
}

/** Saves drift results; re-running the same window replaces its rows (analyses are idempotent). */
export async function saveDrift(q: Queryable, rows: readonly DriftRow[]): Promise<void> {
  if (!rows.length) return;
  const json = rows.map((r) => ({
    model: r.model,
    feature: r.feature,
    method: r.method,
    statistic: Number.isFinite(r.statistic) ? r.statistic : null,
    p_value: r.pValue ?? null,
    threshold: r.threshold,
    drifted: r.drifted,
    window_start: r.windowStart,
    window_end: r.windowEnd,
    reference_start: r.referenceStart ?? null,
    reference_end: r.referenceEnd ?? null,
    n_reference: r.nReference,
    n_current: r.nCurrent,
    detail: r.detail ?? null,
  }));
  await q.query(
    `INSERT INTO drift_results (model, feature, method, statistic, p_value, threshold, drifted, window_start, window_end,
                                reference_start, reference_end, n_reference, n_current, detail)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(model text, feature text, method text, statistic double precision,
       p_value double precision, threshold double precision, drifted boolean, window_start timestamptz, window_end timestamptz,
       reference_start timestamptz, reference_end timestamptz, n_reference integer, n_current integer, detail jsonb)
     ON CONFLICT (model, feature, method, window_start, window_end) DO UPDATE SET
       statistic = EXCLUDED.statistic, p_value = EXCLUDED.p_value, threshold = EXCLUDED.threshold,
       drifted = EXCLUDED.drifted, n_reference = EXCLUDED.n_reference, n_current = EXCLUDED.n_current,
       detail = EXCLUDED.detail, computed_at = now()`,
    [JSON.stringify(json)],
  );
}

export async function listDrift(
  q: Queryable,
  f: { model?: string; feature?: string; limit?: number } = {},
): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT model, feature, method, statistic, p_value, threshold, drifted, window_start, window_end,
            n_reference, n_current, computed_at
     FROM drift_results WHERE ($1::text IS NULL OR model = $1) AND ($2::text IS NULL OR feature = $2)
     ORDER BY window_end DESC, model, feature LIMIT $3`,
    [f.model ?? null, f.feature ?? null, Math.min(5000, Math.max(1, f.limit ?? 500))],
  );
  return r.rows;
}

export interface DetectionRow {
  readonly kind: string;
  readonly subject: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly score: number;
  readonly flagged: boolean;
  readonly evidence: unknown;
}

export async function saveDetections(q: Queryable, rows: readonly DetectionRow[]): Promise<void> {
  if (!rows.length) return;
  const json = rows.map((r) => ({
    kind: r.kind,
    subject: r.subject,
    window_start: r.windowStart,
    window_end: r.windowEnd,
    score: Number.isFinite(r.score) ? r.score : null,
    flagged: r.flagged,
    evidence: r.evidence,
  }));
  await q.query(
    `INSERT INTO detections (kind, subject, window_start, window_end, score, flagged, evidence)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(kind text, subject text, window_start timestamptz,
       window_end timestamptz, score double precision, flagged boolean, evidence jsonb)
     ON CONFLICT (kind, subject, window_start, window_end) DO UPDATE SET score = EXCLUDED.score,
       flagged = EXCLUDED.flagged, evidence = EXCLUDED.evidence, computed_at = now()`,
    [JSON.stringify(json)],
  );
}

export async function listDetections(
  q: Queryable,
  f: { kind?: string; flagged?: boolean; since?: Date; limit?: number } = {},
): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT kind, subject, window_start, window_end, score, flagged, evidence, computed_at FROM detections
     WHERE ($1::text IS NULL OR kind = $1) AND ($2::boolean IS NULL OR flagged = $2)
       AND ($3::timestamptz IS NULL OR window_end >= $3)
     ORDER BY window_end DESC, kind, subject LIMIT $4`,
    [f.kind ?? null, f.flagged ?? null, f.since?.toISOString() ?? null, Math.min(5000, Math.max(1, f.limit ?? 500))],
  );
  return r.rows;
}

export interface Offset {
  readonly fileId: string;
  readonly headHash: string;
  readonly offset: number;
}

export async function getOffset(q: Queryable, source: string): Promise<Offset | undefined> {
  const r = await q.query<{ file_id: string; head_hash: string; offset: string }>(
    'SELECT file_id, head_hash, "offset" FROM ingest_offsets WHERE source = $1',
    [source],
  );
  const row = r.rows[0];
  return row ? { fileId: row.file_id, headHash: row.head_hash, offset: Number(row.offset) } : undefined;
}

export async function setOffset(q: Queryable, source: string, o: Offset): Promise<void> {
  await q.query(
    `INSERT INTO ingest_offsets (source, file_id, head_hash, "offset") VALUES ($1, $2, $3, $4)
     ON CONFLICT (source) DO UPDATE SET file_id = EXCLUDED.file_id, head_hash = EXCLUDED.head_hash,
       "offset" = EXCLUDED."offset", updated_at = now()`,
    [source, o.fileId, o.headHash, o.offset],
  );
}
