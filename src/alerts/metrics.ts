import type { Queryable } from '../store/db.js';
import type { AlertRule, Metric } from './config.js';

/** Per metric: SQL over [$1, $2) with an optional model filter $3, returning one number `v`. */
const SQL: Readonly<Record<Metric, string>> = {
  'guard.total':
    'SELECT count(*) AS v FROM guard_events WHERE ts >= $1 AND ts < $2 AND ($3::text IS NULL OR model = $3)',
  'guard.flagged':
    'SELECT count(*) AS v FROM guard_events WHERE ts >= $1 AND ts < $2 AND flagged AND ($3::text IS NULL OR model = $3)',
  'guard.blocked':
    "SELECT count(*) AS v FROM guard_events WHERE ts >= $1 AND ts < $2 AND action = 'block' AND ($3::text IS NULL OR model = $3)",
  'guard.errors':
    'SELECT count(*) AS v FROM guard_events WHERE ts >= $1 AND ts < $2 AND (status >= 500 OR error IS NOT NULL) AND ($3::text IS NULL OR model = $3)',
  'guard.refusals':
    'SELECT count(*) AS v FROM guard_events WHERE ts >= $1 AND ts < $2 AND refusal AND ($3::text IS NULL OR model = $3)',
  'inference.total':
    'SELECT count(*) AS v FROM inference_events WHERE ts >= $1 AND ts < $2 AND ($3::text IS NULL OR model = $3)',
  'inference.errors':
    'SELECT count(*) AS v FROM inference_events WHERE ts >= $1 AND ts < $2 AND error IS NOT NULL AND ($3::text IS NULL OR model = $3)',
  'inference.latency_p99':
    'SELECT COALESCE(percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms), 0) AS v FROM inference_events WHERE ts >= $1 AND ts < $2 AND ($3::text IS NULL OR model = $3)',
  'drift.features':
    "SELECT count(DISTINCT model || '/' || feature) AS v FROM drift_results WHERE drifted AND window_end > $1 AND window_end <= $2 AND ($3::text IS NULL OR model = $3)",
  'extraction.clients':
    "SELECT count(DISTINCT subject) AS v FROM detections WHERE kind = 'extraction' AND flagged AND window_end > $1 AND window_end <= $2 AND ($3::text IS NULL OR subject LIKE $3 || ':%')",
  'rate.anomalies':
    "SELECT count(*) AS v FROM detections WHERE kind LIKE 'rate:%' AND flagged AND window_end > $1 AND window_end <= $2 AND ($3::text IS NULL OR $3 IS NOT NULL)",
};

export async function metricValue(q: Queryable, rule: AlertRule, now: Date): Promise<number> {
  const from = new Date(now.getTime() - rule.windowMs);
  const r = await q.query<{ v: string | number | null }>(SQL[rule.metric], [
    from.toISOString(),
    now.toISOString(),
    rule.model ?? null,
  ]);
  return Number(r.rows[0]?.v ?? 0);
}
