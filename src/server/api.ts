import { dashboardRoutes } from '../dashboard/routes.js';
import { type AppOptions, createApp, type WardenApp } from './app.js';
import { adminRoutes } from './routes/admin.js';
import { eventRoutes } from './routes/events.js';
import { findingRoutes } from './routes/findings.js';
import { monitorRoutes } from './routes/monitor.js';

/** The HTTP API: every route, registered in one place (the dashboard adds its pages through `route`). */
export function createApi(opts: AppOptions): WardenApp {
  const w = createApp(opts);
  w.route({ method: 'GET', path: '/healthz', need: 'public', summary: 'liveness (no data)' }, async (c) =>
    c.json({ ok: true }),
  );
  w.route({ method: 'GET', path: '/v1/whoami', need: 'viewer', summary: 'the caller and its role' }, async (c) => {
    const p = c.get('principal');
    return c.json({ actor: p.actor, role: p.role });
  });
  eventRoutes(w);
  findingRoutes(w);
  monitorRoutes(w);
  adminRoutes(w);
  w.app.route('/', dashboardRoutes({ db: w.ctx.db, logger: w.ctx.logger, resolvers: w.ctx.resolvers }));
  return w;
}
