/**
 * The few reads the dashboard needs that the store's repositories do not offer (yet). Plain SQL on
 * the same tables, parameterised, bounded by LIMIT; nothing here writes — every change goes through
 * the store's own functions (triageFinding, createUser, createToken, revokeToken).
 */
import type { UserRole } from '../store/auth-repo.js';
import type { Queryable } from '../store/db.js';

export interface FindingRow {
  readonly id: string;
  readonly run_id: string;
  readonly rule_id: string;
  readonly severity: string;
  readonly message: string;
  readonly path: string;
  readonly member: string | null;
  readonly evidence: string | null;
  readonly triage_state: string;
  readonly triage_reason: string | null;
  readonly triage_expires_at: Date | null;
  readonly assignee: string | null;
  readonly updated_at: Date;
  readonly target: string;
  readonly kind: string;
  readonly model: string | null;
}

export async function getFinding(q: Queryable, id: number): Promise<FindingRow | undefined> {
  const r = await q.query<FindingRow>(
    `SELECT f.id, f.run_id, f.rule_id, f.severity, f.message, f.path, f.member, f.evidence, f.triage_state,
            f.triage_reason, f.triage_expires_at, f.assignee, f.updated_at, r.target, r.kind, m.name AS model
     FROM findings f JOIN runs r ON r.id = f.run_id
     LEFT JOIN model_versions v ON v.id = r.model_version_id LEFT JOIN models m ON m.id = v.model_id
     WHERE f.id = $1`,
    [id],
  );
  return r.rows[0];
}

/** Open findings' rule and severity, for the posture score. */
export async function openFindingSeverities(q: Queryable): Promise<{ ruleId: string; severity: string }[]> {
  const r = await q.query<{ rule_id: string; severity: string }>(
    "SELECT rule_id, severity FROM findings WHERE triage_state = 'open' LIMIT 100000",
  );
  return r.rows.map((x) => ({ ruleId: x.rule_id, severity: x.severity }));
}

export async function recentAlerts(q: Queryable, limit = 20): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT id, rule_id, state, severity, message, value, threshold, started_at, last_seen, resolved_at
     FROM alerts ORDER BY (state = 'firing') DESC, last_seen DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}

export async function overviewCounts(q: Queryable, since: Date): Promise<Record<string, number>> {
  const r = await q.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM models) AS models,
            (SELECT count(*) FROM runs) AS runs,
            (SELECT count(*) FROM guard_events WHERE ts >= $1) AS guard_events,
            (SELECT count(*) FROM guard_events WHERE ts >= $1 AND action = 'block') AS blocked,
            (SELECT count(*) FROM alerts WHERE state = 'firing') AS firing,
            (SELECT count(DISTINCT (model, feature)) FROM drift_results WHERE drifted AND window_end >= $1) AS drifted`,
    [since.toISOString()],
  );
  const row = r.rows[0] ?? {};
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

/** Models and features that have drift results, for the drift index. */
export async function driftSubjects(
  q: Queryable,
): Promise<{ model: string; feature: string; windows: number; drifted: number; last: Date }[]> {
  const r = await q.query<{ model: string; feature: string; windows: string; drifted: string; last: Date }>(
    `SELECT model, feature, count(*) AS windows, count(*) FILTER (WHERE drifted) AS drifted, max(window_end) AS last
     FROM drift_results GROUP BY model, feature ORDER BY model, feature LIMIT 2000`,
  );
  return r.rows.map((x) => ({ ...x, windows: Number(x.windows), drifted: Number(x.drifted) }));
}

export interface SessionUser {
  readonly name: string;
  readonly role: UserRole;
  readonly disabled: boolean;
}

/** The account behind a session as it is now, so a disabled user or a changed role takes effect at once. */
export async function userById(q: Queryable, id: number): Promise<SessionUser | undefined> {
  const r = await q.query<SessionUser>('SELECT name, role, disabled FROM users WHERE id = $1', [id]);
  return r.rows[0];
}
