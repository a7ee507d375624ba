import type { Db } from '../store/db.js';
import { type AlertRule, type AlertsConfig, breached } from './config.js';
import { type AlertNotice, type DeliverOptions, deliver } from './deliver.js';
import { metricValue } from './metrics.js';

export interface Transition {
  readonly ruleId: string;
  readonly kind: 'fired' | 'repeated' | 'resolved' | 'still-firing';
  readonly alertId: number;
  readonly value: number;
}

interface FiringRow {
  id: string;
  started_at: Date;
  notified_at: Date | null;
}

const dedupKey = (rule: AlertRule) => (rule.model ? `${rule.id}:${rule.model}` : rule.id);

/**
 * Evaluates every rule once. An alert opens when its rule is breached and none is open for the same
 * key (a partial unique index makes that hold even with two evaluators), is re-announced only after
 * `repeat`, and closes with a recovery notice the first evaluation its rule is no longer breached.
 */
export async function evaluateAlerts(
  db: Db,
  config: AlertsConfig,
  now = new Date(),
  opts: DeliverOptions = {},
): Promise<Transition[]> {
  const out: Transition[] = [];
  for (const rule of config.rules) {
    const value = await metricValue(db, rule, now);
    const key = dedupKey(rule);
    const open = await db.query<FiringRow>(
      "SELECT id, started_at, notified_at FROM alerts WHERE dedup_key = $1 AND state = 'firing'",
      [key],
    );
    const current = open.rows[0];
    const message = `${rule.description ?? rule.metric} = ${round(value)} (${rule.op} ${rule.threshold} over ${rule.windowMs / 1000}s)`;
    if (breached(rule.op, value, rule.threshold)) {
      if (!current) {
        const ins = await db.query<{ id: string; started_at: Date }>(
          `INSERT INTO alerts (rule_id, dedup_key, state, severity, route, message, value, threshold, started_at, last_seen)
           VALUES ($1, $2, 'firing', $3, $4, $5, $6, $7, $8, $8)
           ON CONFLICT (dedup_key) WHERE state = 'firing' DO NOTHING RETURNING id, started_at`,
          [rule.id, key, rule.severity, rule.routes.join(','), message, value, rule.threshold, now.toISOString()],
        );
        const row = ins.rows[0];
        if (!row) continue; // another evaluator opened it first
        const id = Number(row.id);
        await notify(
          db,
          config,
          rule,
          {
            status: 'firing',
            alertId: id,
            ruleId: rule.id,
            severity: rule.severity,
            message,
            value,
            threshold: rule.threshold,
            startedAt: new Date(row.started_at).toISOString(),
          },
          now,
          opts,
        );
        out.push({ ruleId: rule.id, kind: 'fired', alertId: id, value });
        continue;
      }
      const id = Number(current.id);
      await db.query('UPDATE alerts SET last_seen = $2, value = $3, message = $4 WHERE id = $1', [
        id,
        now.toISOString(),
        value,
        message,
      ]);
      const last = current.notified_at ? new Date(current.notified_at).getTime() : 0;
      if (rule.repeatMs !== undefined && now.getTime() - last >= rule.repeatMs) {
        await notify(
          db,
          config,
          rule,
          {
            status: 'firing',
            repeat: true,
            alertId: id,
            ruleId: rule.id,
            severity: rule.severity,
            message,
            value,
            threshold: rule.threshold,
            startedAt: new Date(current.started_at).toISOString(),
          },
          now,
          opts,
        );
        out.push({ ruleId: rule.id, kind: 'repeated', alertId: id, value });
      } else out.push({ ruleId: rule.id, kind: 'still-firing', alertId: id, value });
    } else if (current) {
      const id = Number(current.id);
      const upd = await db.query(
        "UPDATE alerts SET state = 'resolved', resolved_at = $2, value = $3 WHERE id = $1 AND state = 'firing'",
        [id, now.toISOString(), value],
      );
      if (upd.rowCount === 0) continue;
      await notify(
        db,
        config,
        rule,
        {
          status: 'resolved',
          alertId: id,
          ruleId: rule.id,
          severity: rule.severity,
          message,
          value,
          threshold: rule.threshold,
          startedAt: new Date(current.started_at).toISOString(),
          resolvedAt: now.toISOString(),
        },
        now,
        opts,
      );
      out.push({ ruleId: rule.id, kind: 'resolved', alertId: id, value });
    }
  }
  return out;
}

async function notify(
  db: Db,
  config: AlertsConfig,
  rule: AlertRule,
  notice: AlertNotice,
  now: Date,
  opts: DeliverOptions,
): Promise<void> {
  for (const name of rule.routes) {
    const route = config.routes.get(name);
    if (!route) continue;
    const r = await deliver(route, notice, opts);
    await db.query(
      'INSERT INTO alert_deliveries (alert_id, route, kind, ok, status, error) VALUES ($1, $2, $3, $4, $5, $6)',
      [notice.alertId, name, notice.status, r.ok, r.status ?? null, r.error ?? null],
    );
  }
  if (notice.status === 'firing')
    await db.query('UPDATE alerts SET notified_at = $2 WHERE id = $1', [notice.alertId, now.toISOString()]);
}

export async function listAlerts(
  db: Db,
  f: { state?: 'firing' | 'resolved'; limit?: number } = {},
): Promise<Record<string, unknown>[]> {
  const r = await db.query(
    `SELECT id, rule_id, dedup_key, state, severity, route, message, value, threshold, started_at, last_seen,
            notified_at, resolved_at FROM alerts WHERE ($1::text IS NULL OR state = $1) ORDER BY id DESC LIMIT $2`,
    [f.state ?? null, Math.min(1000, Math.max(1, f.limit ?? 100))],
  );
  return r.rows;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
