import { evaluateAlerts, listAlerts } from '../../alerts/engine.js';
import { DEFAULT_SCHEDULE, runDrift, runExtraction, runRates, runScheduledDrift } from '../../monitor/analyses.js';
import { findingCounts } from '../../store/findings-repo.js';
import { listDetections, listDrift } from '../../store/results-repo.js';
import { badRequest, intParam, jsonBody, type WardenApp } from '../app.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function date(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

export function monitorRoutes(w: WardenApp): void {
  const { ctx } = w;
  w.route(
    { method: 'GET', path: '/v1/drift', need: 'viewer', summary: 'drift results per model and feature' },
    async (c) => {
      const model = c.req.query('model');
      const feature = c.req.query('feature');
      const limit = intParam(c.req.query('limit'));
      return c.json({
        drift: await listDrift(ctx.db, {
          ...(model ? { model } : {}),
          ...(feature ? { feature } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
      });
    },
  );
  w.route(
    { method: 'GET', path: '/v1/detections', need: 'viewer', summary: 'rate anomalies and extraction suspects' },
    async (c) => {
      const kind = c.req.query('kind');
      const flagged = c.req.query('flagged');
      return c.json({
        detections: await listDetections(ctx.db, {
          ...(kind ? { kind } : {}),
          ...(flagged === 'true' || flagged === 'false' ? { flagged: flagged === 'true' } : {}),
        }),
      });
    },
  );
  w.route({ method: 'GET', path: '/v1/alerts', need: 'viewer', summary: 'alerts, newest first' }, async (c) => {
    const state = c.req.query('state');
    return c.json({
      alerts: await listAlerts(ctx.db, state === 'firing' || state === 'resolved' ? { state } : {}),
    });
  });
  w.route(
    { method: 'GET', path: '/v1/overview', need: 'viewer', summary: 'counts for the dashboard overview' },
    async (c) => {
      const [counts, firing, flagged] = await Promise.all([
        findingCounts(ctx.db),
        listAlerts(ctx.db, { state: 'firing', limit: 20 }),
        listDetections(ctx.db, { flagged: true, since: new Date(Date.now() - 86_400_000), limit: 50 }),
      ]);
      return c.json({ findings: counts, firingAlerts: firing, recentDetections: flagged });
    },
  );
  w.route(
    {
      method: 'POST',
      path: '/v1/analyses/run',
      need: 'triager',
      summary: 'run drift, rate, extraction analyses and alert rules now',
    },
    async (c) => {
      const body = (await jsonBody(c)) ?? {};
      if (!isObj(body)) return badRequest(c, 'expected an object');
      const kind = typeof body.kind === 'string' ? body.kind : 'all';
      if (!['all', 'drift', 'rates', 'extraction', 'alerts'].includes(kind)) return badRequest(c, 'unknown analysis');
      const now = date(body.now) ?? new Date();
      const schedule = { ...DEFAULT_SCHEDULE, ...ctx.schedule };
      const out: Record<string, unknown> = {};
      // An explicit drift job: one model, explicit windows.
      if (kind === 'drift' && typeof body.model === 'string') {
        const rf = date(body.referenceFrom);
        const rt = date(body.referenceTo);
        const cf = date(body.currentFrom);
        const ct = date(body.currentTo);
        if (!rf || !rt || !cf || !ct) return badRequest(c, 'referenceFrom/To and currentFrom/To are ISO dates');
        out.drift = await runDrift(ctx.db, {
          model: body.model,
          reference: { from: rf, to: rt },
          current: { from: cf, to: ct },
        });
        return c.json(out);
      }
      if (kind === 'all' || kind === 'drift') out.drift = await runScheduledDrift(ctx.db, now, schedule);
      if (kind === 'all' || kind === 'rates') out.rates = await runRates(ctx.db, now, schedule);
      if (kind === 'all' || kind === 'extraction') {
        out.extraction = (await runExtraction(ctx.db, now, schedule)).map((r) => ({
          model: r.model,
          flagged: r.clients.filter((x) => x.flagged),
          clients: r.clients.length,
        }));
      }
      if ((kind === 'all' || kind === 'alerts') && ctx.alerts)
        out.alerts = await evaluateAlerts(ctx.db, ctx.alerts, now);
      return c.json(out);
    },
  );
}
