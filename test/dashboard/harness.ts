/**
 * A seeded store and the real API app (createApi mounts the dashboard) for the dashboard tests.
 * Everything goes through the store's own functions; only the alert row is inserted as SQL, the way
 * the alert engine writes it.
 */

import type { MonitorEvent } from '../../src/monitor/event.js';
import { createApi } from '../../src/server/api.js';
import type { WardenApp } from '../../src/server/app.js';
import { jsonLogger } from '../../src/server/logger.js';
import { createToken, createUser, type UserRole } from '../../src/store/auth-repo.js';
import type { Db } from '../../src/store/db.js';
import { insertEvents } from '../../src/store/events-repo.js';
import { recordRun } from '../../src/store/findings-repo.js';
import { addBom, addModelVersion, addSignature, upsertModel } from '../../src/store/models-repo.js';
import { type DriftRow, saveDrift } from '../../src/store/results-repo.js';

export const PASSWORDS: Record<UserRole, string> = {
  viewer: 'viewer-correct-horse-1',
  triager: 'triager-battery-staple-2',
  admin: 'admin-purple-monkey-dishwasher-3',
};

export interface Seeded {
  readonly findingIds: number[];
  readonly tokens: Record<'ingest' | UserRole, string>;
  readonly model: string;
  /** Window index at which the `age` feature's shift was injected. */
  readonly shiftAt: number;
}

const HOUR = 3600_000;

export function driftRows(model: string, now: Date, shiftAt: number): DriftRow[] {
  const rows: DriftRow[] = [];
  for (let w = 0; w < 24; w++) {
    const end = new Date(now.getTime() - (24 - w - 1) * HOUR);
    const start = new Date(end.getTime() - HOUR);
    const shifted = w >= shiftAt;
    // PSI per window: small noise before the shift, well over the 0.2 threshold after it.
    const psi = shifted ? 0.35 + 0.01 * (w - shiftAt) : 0.02 + 0.005 * (w % 4);
    rows.push({
      model,
      feature: 'age',
      method: 'psi',
      statistic: psi,
      threshold: 0.2,
      drifted: psi > 0.2,
      windowStart: start.toISOString(),
      windowEnd: end.toISOString(),
      nReference: 5000,
      nCurrent: 800,
    });
    rows.push({
      model,
      feature: 'country',
      method: 'chi2',
      statistic: 3 + (w % 3),
      pValue: 0.2 + 0.15 * (w % 4),
      threshold: 0.05,
      drifted: false,
      windowStart: start.toISOString(),
      windowEnd: end.toISOString(),
      nReference: 5000,
      nCurrent: 800,
    });
  }
  return rows;
}

export async function seed(db: Db, now = new Date()): Promise<Seeded> {
  for (const role of ['viewer', 'triager', 'admin'] as const) await createUser(db, role, role, PASSWORDS[role]);
  const tokens = {} as Record<'ingest' | UserRole, string>;
  for (const role of ['ingest', 'viewer', 'triager', 'admin'] as const) {
    tokens[role] = (await createToken(db, { name: `${role}-token`, role })).token;
  }
  const model = 'credit-scorer';
  const modelId = await upsertModel(db, model, { description: 'loan approval model', owner: 'risk-ml' });
  const versionId = await addModelVersion(db, modelId, {
    version: '1.4.0',
    digest: `sha256:${'ab'.repeat(32)}`,
    format: 'pytorch',
    source: 'hf://acme/credit-scorer',
  });
  await addSignature(db, versionId, { kind: 'sigstore', identity: 'release@acme.example', verified: true });
  await addBom(db, versionId, { format: 'cyclonedx', serial: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' });
  await recordRun(db, {
    kind: 'scan',
    target: 'models/credit-scorer.pt',
    modelVersionId: versionId,
    findings: [
      {
        ruleId: 'pickle/unsafe-global',
        severity: 'critical',
        message: 'pickle imports os.system',
        path: 'credit-scorer.pt',
        member: 'archive/data.pkl',
        evidence: 'GLOBAL os system',
      },
      {
        ruleId: 'supply/unpinned-download',
        severity: 'medium',
        message: 'download without a digest',
        path: 'train.py',
      },
      {
        ruleId: 'data/pii-column',
        severity: 'high',
        // Hostile text from a scanned file: must render as text, never as markup.
        message: '<img src=x onerror=alert(1)> email column',
        path: 'data/customers.csv',
      },
    ],
  });
  const f = await db.query<{ id: string }>('SELECT id FROM findings ORDER BY id');
  const findingIds = f.rows.map((r) => Number(r.id));
  const shiftAt = 16;
  await saveDrift(db, driftRows(model, now, shiftAt));
  const events: MonitorEvent[] = [];
  for (let i = 0; i < 120; i++) {
    events.push({
      id: `gw-${i}`,
      ts: new Date(now.getTime() - (i % 23) * HOUR - 60_000).toISOString(),
      kind: 'gateway',
      model,
      client: `key-${i % 4}`,
      action: i % 9 === 0 ? 'block' : 'allow',
      status: i % 17 === 0 ? 502 : 200,
      flagged: i % 9 === 0,
      categories: i % 9 === 0 ? ['prompt-injection'] : [],
    });
  }
  await insertEvents(db, events);
  await db.query(
    `INSERT INTO alerts (rule_id, dedup_key, state, severity, message, value, threshold)
     VALUES ('blocked-rate', 'blocked-rate', 'firing', 'high', 'blocked requests = 14 (> 10 over 3600s)', 14, 10)`,
  );
  return { findingIds, tokens, model, shiftAt };
}

export interface Harness {
  readonly api: WardenApp;
  readonly logs: string[];
}

/** The API app with the dashboard mounted, logging into an array the tests can search. */
export function makeApi(db: Db): Harness {
  const logs: string[] = [];
  const api = createApi({ db, logger: jsonLogger((line) => logs.push(line)) });
  return { api, logs };
}

/** Cookies from Set-Cookie headers, as a name → value map (attributes dropped). */
export function cookiesOf(res: Response): Map<string, { value: string; attrs: string }> {
  const out = new Map<string, { value: string; attrs: string }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), attrs: attrs.join(';').trim() });
  }
  return out;
}

export const hiddenCsrf = (html: string): string => /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';

export interface Client {
  readonly cookie: string;
  readonly csrf: string;
  readonly sessionId: string;
}

/** Signs in through the real form (GET for the login CSRF pair, POST credentials) and returns the session. */
export async function login(
  api: WardenApp,
  user: string,
  password: string,
  extraCookie = '',
): Promise<{ res: Response; client?: Client }> {
  const form = await api.app.request('http://127.0.0.1/ui/login');
  const loginCookie = cookiesOf(form).get('warden_login')?.value ?? '';
  const token = hiddenCsrf(await form.text());
  const res = await api.app.request('http://127.0.0.1/ui/login', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [`warden_login=${loginCookie}`, extraCookie].filter(Boolean).join('; '),
    },
    body: new URLSearchParams({ _csrf: token, username: user, password, next: '/ui/' }).toString(),
  });
  const sessionId = cookiesOf(res).get('warden_session')?.value;
  if (res.status !== 303 || !sessionId) return { res };
  const cookie = `warden_session=${sessionId}`;
  const page = await api.app.request('http://127.0.0.1/ui/', { headers: { cookie } });
  return { res, client: { cookie, csrf: hiddenCsrf(await page.text()), sessionId } };
}
