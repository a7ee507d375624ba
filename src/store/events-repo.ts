import type { GuardEvent, InferenceEvent, MonitorEvent } from '../monitor/event.js';
import type { Queryable } from './db.js';

/**
 * One statement per table per batch: the batch travels as a single JSON parameter and PostgreSQL
 * unpacks it with jsonb_to_recordset. That is the same SQL on PGlite and on a server, needs no
 * parameter-count juggling, and ON CONFLICT (id) DO NOTHING makes a retried batch a no-op.
 */
const GUARD_INSERT = `
INSERT INTO guard_events (id, ts, kind, source, model, client, route, action, status, latency_ms,
                          flagged, score, categories, error, refusal, data)
SELECT id, ts, kind, source, model, client, route, action, status, latency_ms,
       flagged, score, categories, error, refusal, data
FROM jsonb_to_recordset($1::jsonb) AS x(id text, ts timestamptz, kind text, source text, model text,
     client text, route text, action text, status integer, latency_ms double precision, flagged boolean,
     score real, categories text[], error text, refusal boolean, data jsonb)
ON CONFLICT (id) DO NOTHING`;

const INFERENCE_INSERT = `
INSERT INTO inference_events (id, ts, model, model_version, client, latency_ms, error, features, text_stats, output, data)
SELECT id, ts, model, model_version, client, latency_ms, error, features, text_stats, output, data
FROM jsonb_to_recordset($1::jsonb) AS x(id text, ts timestamptz, model text, model_version text, client text,
     latency_ms double precision, error text, features jsonb, text_stats jsonb, output jsonb, data jsonb)
ON CONFLICT (id) DO NOTHING`;

const guardRow = (e: GuardEvent) => ({
  id: e.id,
  ts: e.ts,
  kind: e.kind,
  source: e.source,
  model: e.model,
  client: e.client,
  route: e.route,
  action: e.action,
  status: e.status,
  latency_ms: e.latencyMs,
  flagged: e.flagged,
  score: e.score,
  categories: e.categories,
  error: e.error,
  refusal: e.refusal,
  data: e.data,
});

const inferenceRow = (e: InferenceEvent) => ({
  id: e.id,
  ts: e.ts,
  model: e.model,
  model_version: e.modelVersion,
  client: e.client,
  latency_ms: e.latencyMs,
  error: e.error,
  features: e.features,
  text_stats: e.text,
  output: e.output,
  data: e.data,
});

export interface InsertResult {
  /** Rows that were new. */
  readonly inserted: number;
  /** Events already stored (same id), skipped. */
  readonly duplicates: number;
}

/** Inserts a batch; call inside a transaction when the batch must land with something else (tailer offsets). */
export async function insertEvents(q: Queryable, events: readonly MonitorEvent[]): Promise<InsertResult> {
  const guard: ReturnType<typeof guardRow>[] = [];
  const inference: ReturnType<typeof inferenceRow>[] = [];
  for (const e of events) {
    if (e.kind === 'inference') inference.push(inferenceRow(e));
    else guard.push(guardRow(e));
  }
  let inserted = 0;
  if (guard.length) inserted += (await q.query(GUARD_INSERT, [JSON.stringify(guard)])).rowCount;
  if (inference.length) inserted += (await q.query(INFERENCE_INSERT, [JSON.stringify(inference)])).rowCount;
  return { inserted, duplicates: events.length - inserted };
}

export async function countEvents(q: Queryable): Promise<{ guard: number; inference: number }> {
  const r = await q.query<{ g: string; i: string }>(
    'SELECT (SELECT count(*) FROM guard_events) AS g, (SELECT count(*) FROM inference_events) AS i',
  );
  return { guard: Number(r.rows[0]?.g ?? 0), inference: Number(r.rows[0]?.i ?? 0) };
}

export interface InferenceRow {
  readonly id: string;
  readonly ts: Date;
  readonly client: string | null;
  readonly features: Record<string, number | string | boolean | null> | null;
  readonly text_stats: Record<string, number | string> | null;
  readonly output: Record<string, number | string | boolean | null> | null;
  readonly latency_ms: number | null;
}

/** Inference events of one model in [from, to), oldest first. */
export async function inferenceWindow(
  q: Queryable,
  model: string,
  from: Date,
  to: Date,
  limit = 50_000,
): Promise<InferenceRow[]> {
  const r = await q.query<InferenceRow>(
    `SELECT id, ts, client, features, text_stats, output, latency_ms FROM inference_events
     WHERE model = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, id LIMIT $4`,
    [model, from.toISOString(), to.toISOString(), limit],
  );
  return r.rows;
}

export async function modelsWithEvents(q: Queryable, since: Date): Promise<string[]> {
  const r = await q.query<{ model: string }>(
    'SELECT DISTINCT model FROM inference_events WHERE ts >= $1 ORDER BY model',
    [since.toISOString()],
  );
  return r.rows.map((x) => x.model);
}

export interface GuardBucket {
  readonly bucket: number;
  readonly total: number;
  readonly flagged: number;
  readonly blocked: number;
  readonly errors: number;
  readonly refusals: number;
}

/** Guard/gateway event counts per bucket of `bucketSeconds` in [from, to). `bucket` = epoch seconds / size. */
export async function guardBuckets(q: Queryable, bucketSeconds: number, from: Date, to: Date): Promise<GuardBucket[]> {
  const r = await q.query<Record<string, string>>(
    `SELECT floor(extract(epoch FROM ts) / $1)::bigint AS bucket,
            count(*) AS total,
            count(*) FILTER (WHERE flagged) AS flagged,
            count(*) FILTER (WHERE action = 'block') AS blocked,
            count(*) FILTER (WHERE status >= 500 OR error IS NOT NULL) AS errors,
            count(*) FILTER (WHERE refusal) AS refusals
     FROM guard_events WHERE ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1`,
    [bucketSeconds, from.toISOString(), to.toISOString()],
  );
  return r.rows.map((x) => ({
    bucket: Number(x.bucket),
    total: Number(x.total),
    flagged: Number(x.flagged),
    blocked: Number(x.blocked),
    errors: Number(x.errors),
    refusals: Number(x.refusals),
  }));
}

export interface RecentEvent {
  readonly id: string;
  readonly ts: Date;
  readonly kind: string;
  readonly model: string | null;
  readonly client: string | null;
  readonly action: string | null;
  readonly status: number | null;
  readonly flagged: boolean | null;
  readonly categories: string[] | null;
}

export async function recentGuardEvents(q: Queryable, limit = 100): Promise<RecentEvent[]> {
  const r = await q.query<RecentEvent>(
    `SELECT id, ts, kind, model, client, action, status, flagged, categories FROM guard_events
     ORDER BY ts DESC, id LIMIT $1`,
    [Math.min(1000, Math.max(1, limit))],
  );
  return r.rows;
}
