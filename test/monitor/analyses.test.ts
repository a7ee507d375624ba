import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExtraction, runRates, runScheduledDrift } from '../../src/monitor/analyses.js';
import type { MonitorEvent } from '../../src/monitor/event.js';
import { createApi } from '../../src/server/api.js';
import { createToken } from '../../src/store/auth-repo.js';
import type { Db } from '../../src/store/db.js';
import { insertEvents } from '../../src/store/events-repo.js';
import { listDetections, listDrift } from '../../src/store/results-repo.js';
import { box, gaussian, mixture, rng, uniformSweep } from '../builders/synthetic-traffic.js';
import { BACKENDS } from '../store/backends.js';

const T0 = Date.UTC(2026, 4, 1, 12, 0);
const HOUR = 3_600_000;

function inference(
  model: string,
  i: number,
  ts: number,
  client: string,
  features: Record<string, number | string>,
): MonitorEvent {
  return { id: `${model}-${i}`, ts: new Date(ts).toISOString(), kind: 'inference', model, client, features };
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`analyses over the store on ${backend.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(() => backend.cleanup());

    it('finds the drifted features of a model between the reference and the current hour', async () => {
      const r = rng(5);
      const n = gaussian(r);
      const events: MonitorEvent[] = [];
      for (let i = 0; i < 3000; i++) {
        const current = i >= 2000;
        const ts = current ? T0 - HOUR + (i - 2000) * 3000 : T0 - 2 * HOUR + i * 1500;
        events.push(
          inference('pricing', i, ts, 'svc', {
            age: 40 + 10 * n() + (current ? 6 : 0),
            income: 50 + 8 * n(),
            plan: r() < 0.5 ? 'a' : 'b',
          }),
        );
      }
      await insertEvents(db, events);
      const out = await runScheduledDrift(db, new Date(T0), { windowMinutes: 60, referenceMinutes: 60 });
      expect(out).toEqual([expect.objectContaining({ model: 'pricing', features: 3 })]);
      const rows = await listDrift(db, { model: 'pricing' });
      const byFeature = Object.fromEntries(rows.map((x) => [x.feature, x.drifted]));
      expect(byFeature).toEqual({ age: true, income: false, plan: false });
      // Re-running the same window replaces its results instead of adding rows.
      await runScheduledDrift(db, new Date(T0), { windowMinutes: 60, referenceMinutes: 60 });
      expect(await listDrift(db, { model: 'pricing' })).toHaveLength(3);
    });

    it('flags the sweeping client of a model, with evidence, and not its ordinary users', async () => {
      const gen = mixture(9, 4);
      const r = rng(99);
      const events: MonitorEvent[] = [];
      let i = 0;
      const feats = (v: number[]) => Object.fromEntries(v.map((x, j) => [`f${j}`, x]));
      const reference = Array.from({ length: 3000 }, () => gen(r));
      for (const v of reference)
        events.push(inference('scorer', i++, T0 - 2 * HOUR + i * 1000, `user-${i % 30}`, feats(v)));
      for (let u = 0; u < 30; u++)
        for (let k = 0; k < 150; k++)
          events.push(inference('scorer', i++, T0 - HOUR + i * 100, `user-${u}`, feats(gen(r))));
      const [lo, hi] = box(reference);
      for (const v of uniformSweep(r, lo, hi, 1000))
        events.push(inference('scorer', i++, T0 - HOUR + (i % 3000) * 1000, 'key-7f3a', feats(v)));
      await insertEvents(db, events);
      await runExtraction(db, new Date(T0), { windowMinutes: 60, referenceMinutes: 60 });
      const flagged = await listDetections(db, { kind: 'extraction', flagged: true });
      expect(flagged.map((d) => d.subject)).toEqual(['scorer:key-7f3a']);
      const evidence = flagged[0]!.evidence as { offReferenceShare: number; reasons: string[]; features: string[] };
      expect(evidence.offReferenceShare).toBeGreaterThan(0.3);
      expect(evidence.features).toEqual(['f0', 'f1', 'f2', 'f3']);
      expect(evidence.reasons.length).toBeGreaterThan(0);
      const clear = (await listDetections(db, { kind: 'extraction', flagged: false })).filter((d) =>
        String(d.subject).startsWith('scorer:'),
      );
      expect(clear).toHaveLength(30);
    });

    it('flags a burst of blocked requests against the same hour of earlier days', async () => {
      const events: MonitorEvent[] = [];
      const start = T0 - 5 * 24 * HOUR;
      let i = 0;
      for (let h = 0; h < 5 * 24; h++) {
        const blocked = h === 5 * 24 - 1 ? 60 : 3 + (h % 3);
        for (let k = 0; k < blocked; k++) {
          events.push({
            id: `blk-${i++}`,
            ts: new Date(start + h * HOUR + k * 1000).toISOString(),
            kind: 'gateway',
            action: 'block',
            flagged: true,
            categories: ['injection'],
          });
        }
      }
      await insertEvents(db, events);
      const rows = await runRates(db, new Date(T0 + 60_000), {
        windowMinutes: 60,
        referenceMinutes: 60,
        rateBucketSeconds: 3600,
        rateSeason: 24,
      });
      const blocked = rows.find((x) => x.kind === 'rate:blocked')!;
      expect(blocked.flagged).toBe(true);
      expect(blocked.evidence).toMatchObject({ value: 60 });
      expect(rows.find((x) => x.kind === 'rate:errors')!.flagged).toBe(false);
    });

    it('runs analyses on demand through the API for a triager', async () => {
      const { token } = await createToken(db, { name: 't', role: 'triager' });
      const api = createApi({ db, schedule: { windowMinutes: 60, referenceMinutes: 60 } });
      const res = await api.app.request('/v1/analyses/run', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'extraction', now: new Date(T0).toISOString() }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { extraction: { model: string; flagged: { client: string }[] }[] };
      const scorer = body.extraction.find((x) => x.model === 'scorer')!;
      expect(scorer.flagged.map((f) => f.client)).toEqual(['key-7f3a']);
    });
  });
}
