import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertsConfig } from '../../src/alerts/config.js';
import { evaluateAlerts, listAlerts } from '../../src/alerts/engine.js';
import type { Db } from '../../src/store/db.js';
import { insertEvents } from '../../src/store/events-repo.js';
import { BACKENDS } from '../store/backends.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A webhook receiver on 127.0.0.1 that records what it gets; /fail answers 500 twice, then 200. */
async function receiver(): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(data) });
      if (req.url === '/fail' && failures++ < 2) res.writeHead(500).end();
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

const policy = (url: string) => ({
  routes: {
    ops: { type: 'webhook', url: `${url}/hook`, headers: { 'X-Team': 'ml' } },
    chat: { type: 'slack', url: `${url}/slack` },
    flaky: { type: 'webhook', url: `${url}/fail` },
  },
  rules: [
    {
      id: 'injection-spike',
      metric: 'guard.flagged',
      threshold: 5,
      window: '10m',
      severity: 'high',
      route: ['ops', 'chat'],
    },
    {
      id: 'errors',
      metric: 'guard.errors',
      threshold: 1,
      window: '10m',
      severity: 'medium',
      route: 'flaky',
      repeat: '5m',
    },
  ],
});

describe('alert rules from the policy file', () => {
  it('reports every problem with its path', () => {
    const r = parseAlertsConfig({
      routes: { ops: { type: 'pager', url: 'ftp://x' } },
      rules: [{ id: 'A b', metric: 'cpu', threshold: 'high', window: 'soon', route: 'nowhere' }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual([
      '/alerts/routes/ops/type',
      '/alerts/routes/ops/url',
      '/alerts/rules/0/id',
      '/alerts/rules/0/metric',
      '/alerts/rules/0/threshold',
      '/alerts/rules/0/window',
      '/alerts/rules/0/route',
    ]);
  });
});

for (const make of BACKENDS) {
  const backend = make();
  describe(`alerts on ${backend.name}`, () => {
    let db: Db;
    let hook: Awaited<ReturnType<typeof receiver>>;
    beforeAll(async () => {
      db = await backend.open();
      hook = await receiver();
    });
    afterAll(async () => {
      hook.server.close();
      await backend.cleanup();
    });

    it('fires once, de-duplicates while firing, reminds after repeat, and sends a recovery notice', async () => {
      const parsed = parseAlertsConfig(policy(hook.url));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const config = parsed.config;
      const t0 = Date.UTC(2026, 3, 1, 12, 0);
      const at = (min: number) => new Date(t0 + min * 60_000);
      await insertEvents(
        db,
        Array.from({ length: 8 }, (_, i) => ({
          id: `al-${i}`,
          ts: at(-1).toISOString(),
          kind: 'guard' as const,
          flagged: true,
          status: i === 0 ? 502 : 200,
        })),
      );
      const first = await evaluateAlerts(db, config, at(0));
      expect(first.map((t) => [t.ruleId, t.kind])).toEqual([
        ['injection-spike', 'fired'],
        ['errors', 'fired'],
      ]);
      const second = await evaluateAlerts(db, config, at(1));
      expect(second.map((t) => t.kind)).toEqual(['still-firing', 'still-firing']);
      const third = await evaluateAlerts(db, config, at(6));
      expect(third.map((t) => t.kind)).toEqual(['still-firing', 'repeated']);
      // Ten minutes after the events the window is empty again: both recover.
      const fourth = await evaluateAlerts(db, config, at(12));
      expect(fourth.map((t) => t.kind)).toEqual(['resolved', 'resolved']);
      expect(await evaluateAlerts(db, config, at(13))).toEqual([]);

      const hookMsgs = hook.got.filter((g) => g.path === '/hook');
      expect(hookMsgs.map((m) => m.body.status)).toEqual(['firing', 'resolved']);
      expect(hookMsgs[0]!.body).toMatchObject({
        version: 1,
        source: 'warden',
        ruleId: 'injection-spike',
        severity: 'high',
        value: 8,
      });
      expect(hookMsgs[0]!.headers['x-team']).toBe('ml');
      const slack = hook.got.filter((g) => g.path === '/slack');
      expect(slack).toHaveLength(2);
      expect(String(slack[0]!.body.text)).toMatch(/Firing: injection-spike \(high\)/);
      expect(String(slack[1]!.body.text)).toMatch(/Resolved: injection-spike/);
      // The flaky route answered 500 twice: retried, then delivered.
      const flaky = hook.got.filter((g) => g.path === '/fail');
      expect(flaky.length).toBe(5);
      const deliveries = await db.query<{ route: string; ok: boolean }>(
        'SELECT route, ok FROM alert_deliveries ORDER BY id',
      );
      expect(deliveries.rows.every((d) => d.ok)).toBe(true);
      const alerts = await listAlerts(db);
      expect(alerts.map((a) => a.state)).toEqual(['resolved', 'resolved']);
    });

    it('the database refuses a second firing alert for the same key', async () => {
      await db.query(
        "INSERT INTO alerts (rule_id, dedup_key, state, severity, message) VALUES ('r', 'k', 'firing', 'low', 'm')",
      );
      await expect(
        db.query(
          "INSERT INTO alerts (rule_id, dedup_key, state, severity, message) VALUES ('r', 'k', 'firing', 'low', 'm')",
        ),
      ).rejects.toThrow(/duplicate|unique/i);
    });
  });
}
