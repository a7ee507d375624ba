import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/server/api.js';
import type { WardenApp } from '../../src/server/app.js';
import type { Need } from '../../src/server/auth.js';
import { listen } from '../../src/server/listen.js';
import { jsonLogger } from '../../src/server/logger.js';
import { createToken, type TokenRole } from '../../src/store/auth-repo.js';
import type { Db } from '../../src/store/db.js';
import { countEvents } from '../../src/store/events-repo.js';
import { BACKENDS } from '../store/backends.js';

/** A role that must NOT pass `need`. */
const WRONG: Record<Exclude<Need, 'public'>, TokenRole> = {
  ingest: 'viewer',
  viewer: 'ingest',
  triager: 'viewer',
  admin: 'triager',
};

const concrete = (path: string) => path.replace(':id', '1').replace(':name', 'fraud');

for (const make of BACKENDS) {
  const backend = make();
  describe(`HTTP API on ${backend.name}`, () => {
    let db: Db;
    let api: WardenApp;
    const logs: string[] = [];
    const tokens = {} as Record<TokenRole, string>;
    const req = (
      method: string,
      path: string,
      role?: TokenRole,
      body?: unknown,
      headers: Record<string, string> = {},
    ) =>
      api.app.request(path, {
        method,
        headers: {
          ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });

    beforeAll(async () => {
      db = await backend.open();
      for (const role of ['ingest', 'viewer', 'triager', 'admin'] as const) {
        tokens[role] = (await createToken(db, { name: `${role}-token`, role })).token;
      }
      api = createApi({ db, logger: jsonLogger((l) => logs.push(l)), tokenCacheMs: 0, maxBodyBytes: 64 * 1024 });
    });
    afterAll(async () => {
      await api.ctx.queue.idle();
      await backend.cleanup();
    });

    it('rejects unauthenticated requests on every non-public route (401)', async () => {
      const open = api.routes.filter((r) => r.need !== 'public');
      expect(open.length).toBeGreaterThan(15);
      for (const r of open) {
        const res = await req(r.method, concrete(r.path), undefined, r.method === 'GET' ? undefined : {});
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
      }
    });

    it('rejects a garbage or unknown token (401)', async () => {
      for (const auth of ['Bearer nope', `Bearer ${tokens.admin}x`, 'Basic YWRtaW46YWRtaW4=', tokens.admin]) {
        const res = await api.app.request('/v1/whoami', { headers: { authorization: auth } });
        expect(res.status).toBe(401);
      }
    });

    it('rejects wrong-role requests on every route (403)', async () => {
      for (const r of api.routes) {
        if (r.need === 'public') continue;
        const res = await req(r.method, concrete(r.path), WRONG[r.need], r.method === 'GET' ? undefined : {});
        expect(res.status, `${r.method} ${r.path} as ${WRONG[r.need]}`).toBe(403);
      }
    });

    it('sets security headers on every answer', async () => {
      for (const res of [
        await req('GET', '/healthz'),
        await req('GET', '/v1/whoami'),
        await req('GET', '/nope', 'viewer'),
      ]) {
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('limits request size (413)', async () => {
      const big = JSON.stringify({ state: 'fixed', reason: 'x'.repeat(100 * 1024) });
      const res = await req('POST', '/v1/findings/1/triage', 'triager', big);
      expect(res.status).toBe(413);
    });

    it('ingests a batch, acknowledges after commit, and is idempotent by event id', async () => {
      const events = Array.from({ length: 300 }, (_, i) => ({
        id: `api-${i}`,
        ts: '2026-02-01T10:00:00Z',
        kind: i % 2 ? 'gateway' : 'inference',
        model: 'chat',
        client: `key-${i % 4}`,
        ...(i % 2 ? { action: 'allow', status: 200 } : { features: { x: i } }),
      }));
      const before = await countEvents(db);
      const first = await req('POST', '/v1/events', 'ingest', { events });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ accepted: 300, rejected: [] });
      // The ack came after the commit: the rows are visible the moment the response is.
      const mid = await countEvents(db);
      expect(mid.guard + mid.inference - before.guard - before.inference).toBe(300);
      const again = await req('POST', '/v1/events', 'ingest', { events });
      expect(again.status).toBe(200);
      const after = await countEvents(db);
      expect(after).toEqual(mid);
    });

    it('accepts NDJSON and reports invalid events without failing the batch', async () => {
      const lines = [
        JSON.stringify({
          id: 'nd-1',
          ts: Date.UTC(2026, 1, 1),
          kind: 'guard',
          flagged: true,
          categories: ['injection'],
        }),
        JSON.stringify({ id: 'bad id!', ts: '2026-02-01T00:00:00Z', kind: 'guard' }),
        JSON.stringify({ id: 'nd-2', ts: 'yesterday', kind: 'guard' }),
      ].join('\n');
      const res = await req('POST', '/v1/events', 'ingest', lines, { 'content-type': 'application/x-ndjson' });
      const body = (await res.json()) as { accepted: number; rejected: { index: number }[] };
      expect(body.accepted).toBe(1);
      expect(body.rejected.map((r) => r.index)).toEqual([1, 2]);
      expect((await req('POST', '/v1/events', 'ingest', '{nope')).status).toBe(400);
      expect((await req('POST', '/v1/events', 'ingest', { events: [{ id: 'x' }] })).status).toBe(400);
    });

    it('admins can ingest too; viewers read the counts', async () => {
      const res = await req('POST', '/v1/events', 'admin', [
        { id: 'adm-1', ts: '2026-02-01T00:00:00Z', kind: 'guard' },
      ]);
      expect(res.status).toBe(200);
      const stats = (await (await req('GET', '/v1/events/stats', 'viewer')).json()) as { guard: number };
      expect(stats.guard).toBeGreaterThan(0);
    });

    it('takes a scan report and lets a triager change state, recorded with who', async () => {
      const report = {
        schemaVersion: '1.0.0',
        tool: { name: 'warden', version: '0.1.0' },
        startedAt: '2026-02-01T00:00:00Z',
        findings: [
          {
            ruleId: 'pickle/unsafe-global',
            severity: 'critical',
            message: 'calls os.system',
            path: 'model.pkl',
            references: [],
          },
        ],
      };
      const up = await req('POST', '/v1/runs?target=models', 'ingest', report);
      expect(up.status).toBe(201);
      const { runId } = (await up.json()) as { runId: number };
      const list = (await (await req('GET', `/v1/findings?run=${runId}`, 'viewer')).json()) as {
        findings: { id: number }[];
      };
      const id = list.findings[0]!.id;
      const bad = await req('POST', `/v1/findings/${id}/triage`, 'triager', { state: 'accepted', reason: 'x' });
      expect(bad.status).toBe(400);
      const ok = await req('POST', `/v1/findings/${id}/triage`, 'triager', {
        state: 'accepted',
        reason: 'isolated sandbox',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
      expect(ok.status).toBe(200);
      const h = (await (await req('GET', `/v1/findings/${id}/history`, 'viewer')).json()) as {
        history: { actor: string }[];
      };
      expect(h.history[0]!.actor).toMatch(/^token:\d+:triager-token$/);
      expect((await req('POST', '/v1/findings/999999/triage', 'triager', { state: 'fixed' })).status).toBe(404);
    });

    it('registers models and lists them', async () => {
      const res = await req('POST', '/v1/models', 'admin', {
        name: 'fraud',
        version: '2.0',
        digest: 'sha256:abc',
        signature: { kind: 'oms', identity: 'ci', verified: true },
        bom: { format: 'cyclonedx', uri: 'bom.json' },
      });
      expect(res.status).toBe(201);
      const m = (await (await req('GET', '/v1/models/fraud', 'viewer')).json()) as { model: { versions: unknown[] } };
      expect(m.model.versions).toHaveLength(1);
      expect((await req('GET', '/v1/models/none', 'viewer')).status).toBe(404);
    });

    it('creates and revokes tokens; a revoked token stops working', async () => {
      const res = await req('POST', '/v1/tokens', 'admin', { name: 'ci', role: 'viewer' });
      const t = (await res.json()) as { id: number; token: string };
      const who = await api.app.request('/v1/whoami', { headers: { authorization: `Bearer ${t.token}` } });
      expect(((await who.json()) as { role: string }).role).toBe('viewer');
      const listed = await (await req('GET', '/v1/tokens', 'admin')).text();
      expect(listed).not.toContain(t.token);
      expect((await req('DELETE', `/v1/tokens/${t.id}`, 'admin')).status).toBe(200);
      const after = await api.app.request('/v1/whoami', { headers: { authorization: `Bearer ${t.token}` } });
      expect(after.status).toBe(401);
    });

    it('serves over loopback HTTP on 127.0.0.1', async () => {
      const s = await listen(api, '127.0.0.1', 0);
      try {
        expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${s.url}/v1/whoami`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
        expect(res.status).toBe(200);
        expect((await fetch(`${s.url}/v1/whoami`)).status).toBe(401);
      } finally {
        await s.close();
      }
    });

    it('never writes a token to the logs', async () => {
      // Misplaced credentials too: in the query string and in a body that fails validation.
      await api.app.request(`/v1/whoami?token=${tokens.admin}`);
      await req('POST', '/v1/events', 'ingest', { events: [{ id: tokens.admin, kind: 'guard' }] });
      await req('POST', '/v1/tokens', 'admin', { name: tokens.viewer, role: 'nope' });
      const all = logs.join('');
      expect(logs.length).toBeGreaterThan(20);
      for (const t of Object.values(tokens)) {
        expect(all).not.toContain(t);
        expect(all).not.toContain(t.slice(4, 20));
      }
      expect(all).toContain('"path":"/v1/events"');
    });
  });
}

describe('ingest queue isolation', () => {
  it('a batch the database refuses fails alone, not the batches committed with it', async () => {
    const backend = BACKENDS[0]!();
    const db = await backend.open();
    try {
      const { IngestQueue } = await import('../../src/server/ingest-queue.js');
      const q = new IngestQueue(db);
      const ok = (id: string) => ({ id, ts: '2026-01-01T00:00:00.000Z', kind: 'guard' as const });
      // Bypass validation to reach the database with what it cannot store.
      const poison = { ...ok('poison'), client: 'x\u0000y' };
      const results = await Promise.allSettled([q.submit([ok('q-1')]), q.submit([poison]), q.submit([ok('q-2')])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const rows = await db.query<{ id: string }>("SELECT id FROM guard_events WHERE id LIKE 'q-%' ORDER BY id");
      expect(rows.rows.map((r) => r.id)).toEqual(['q-1', 'q-2']);
    } finally {
      await backend.cleanup();
    }
  });
});
