import { findingHash } from '../report/fingerprint.js';
import type { Db, Queryable } from './db.js';

export const TRIAGE_STATES = ['open', 'accepted', 'fixed', 'false_positive'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

/** The part of a Warden JSON report (docs/report-format.md) a run needs; unknown fields are ignored. */
export interface ReportFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly path: string;
  readonly member?: string;
  readonly evidence?: string;
  readonly [k: string]: unknown;
}

export interface RunInput {
  readonly kind: 'scan' | 'audit';
  readonly target: string;
  readonly startedAt?: string;
  readonly toolVersion?: string;
  readonly status?: string;
  readonly modelVersionId?: number;
  readonly summary?: unknown;
  readonly findings: readonly ReportFinding[];
}

/** Stores a run and its findings in one transaction; returns the run id. */
export async function recordRun(db: Db, run: RunInput): Promise<number> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{ id: string }>(
      `INSERT INTO runs (kind, model_version_id, target, tool_version, started_at, finished_at, status, summary)
       VALUES ($1, $2, $3, $4, $5, now(), $6, $7) RETURNING id`,
      [
        run.kind,
        run.modelVersionId ?? null,
        run.target,
        run.toolVersion ?? null,
        run.startedAt ?? new Date().toISOString(),
        run.status ?? 'ok',
        run.summary === undefined ? null : JSON.stringify(run.summary),
      ],
    );
    const runId = Number(r.rows[0]!.id);
    const seen = new Map<string, number>();
    const rows = run.findings.map((f) => {
      const h = findingHash(f, f.path);
      const n = (seen.get(h) ?? 0) + 1;
      seen.set(h, n);
      const { ruleId, severity, message, path, member, evidence, ...rest } = f;
      return { fingerprint: `${h}:${n}`, rule_id: ruleId, severity, message, path, member, evidence, detail: rest };
    });
    if (rows.length) {
      await tx.query(
        `INSERT INTO findings (run_id, fingerprint, rule_id, severity, message, path, member, evidence, detail)
         SELECT $1, fingerprint, rule_id, severity, message, path, member, evidence, detail
         FROM jsonb_to_recordset($2::jsonb) AS x(fingerprint text, rule_id text, severity text, message text,
              path text, member text, evidence text, detail jsonb)`,
        [runId, JSON.stringify(rows)],
      );
    }
    return runId;
  });
}

export interface TriageChange {
  readonly state: TriageState;
  readonly reason?: string;
  readonly expiresAt?: string;
  readonly assignee?: string | null;
}

export class TriageError extends Error {
  override readonly name = 'TriageError';
}

/**
 * Changes a finding's triage state. The history row is written by the database trigger from the
 * transaction-local actor, so every path that changes triage is recorded the same way.
 */
export async function triageFinding(db: Db, findingId: number, change: TriageChange, actor: string, now = new Date()) {
  if (!(TRIAGE_STATES as readonly string[]).includes(change.state)) throw new TriageError('unknown state');
  if ((change.state === 'accepted' || change.state === 'false_positive') && !change.reason?.trim()) {
    throw new TriageError(`${change.state} needs a reason`);
  }
  let expires: string | null = null;
  if (change.state === 'accepted') {
    const t = change.expiresAt ? Date.parse(change.expiresAt) : Number.NaN;
    if (!Number.isFinite(t) || t <= now.getTime()) throw new TriageError('accepted needs an expiry in the future');
    expires = new Date(t).toISOString();
  }
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('warden.actor', $1, true)", [actor]);
    const r = await tx.query<{ id: string }>(
      `UPDATE findings SET triage_state = $2, triage_reason = $3, triage_expires_at = $4,
              assignee = CASE WHEN $5::boolean THEN $6 ELSE assignee END
       WHERE id = $1 RETURNING id`,
      [findingId, change.state, change.reason ?? null, expires, change.assignee !== undefined, change.assignee ?? null],
    );
    return r.rowCount > 0;
  });
}

/** Re-opens accepted findings whose acceptance has expired (recorded as `system:expiry`). */
export async function reopenExpired(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('warden.actor', 'system:expiry', true)");
    const r = await tx.query(
      `UPDATE findings SET triage_state = 'open', triage_reason = 'acceptance expired', triage_expires_at = NULL
       WHERE triage_state = 'accepted' AND triage_expires_at <= now()`,
    );
    return r.rowCount;
  });
}

export interface FindingFilter {
  readonly state?: TriageState;
  readonly severity?: string;
  readonly runId?: number;
  readonly limit?: number;
}

export async function listFindings(q: Queryable, f: FindingFilter = {}): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT f.id, f.run_id, f.fingerprint, f.rule_id, f.severity, f.message, f.path, f.member, f.evidence,
            f.triage_state, f.triage_reason, f.triage_expires_at, f.assignee, f.updated_at, r.target
     FROM findings f JOIN runs r ON r.id = f.run_id
     WHERE ($1::text IS NULL OR f.triage_state = $1) AND ($2::text IS NULL OR f.severity = $2)
       AND ($3::bigint IS NULL OR f.run_id = $3)
     ORDER BY f.id DESC LIMIT $4`,
    [f.state ?? null, f.severity ?? null, f.runId ?? null, Math.min(1000, Math.max(1, f.limit ?? 100))],
  );
  return r.rows;
}

export async function findingHistory(q: Queryable, findingId: number): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT actor, changed_at, from_state, to_state, reason, expires_at, assignee
     FROM finding_history WHERE finding_id = $1 ORDER BY id`,
    [findingId],
  );
  return r.rows;
}

export async function findingCounts(q: Queryable): Promise<Record<string, Record<string, number>>> {
  const r = await q.query<{ triage_state: string; severity: string; n: string }>(
    'SELECT triage_state, severity, count(*) AS n FROM findings GROUP BY 1, 2',
  );
  const out: Record<string, Record<string, number>> = {};
  for (const row of r.rows) {
    const bySeverity = out[row.triage_state] ?? {};
    bySeverity[row.severity] = Number(row.n);
    out[row.triage_state] = bySeverity;
  }
  return out;
}
