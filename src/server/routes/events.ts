import { checkEvent, EVENT_LIMITS, type MonitorEvent } from '../../monitor/event.js';
import { countEvents, recentGuardEvents } from '../../store/events-repo.js';
import { badRequest, intParam, type WardenApp } from '../app.js';
import { QueueFullError } from '../ingest-queue.js';

export interface Checked {
  readonly events: MonitorEvent[];
  readonly rejected: { index: number; error: string }[];
}

/** Validates a batch: an array, `{events: [...]}`, or NDJSON text. */
export function checkBatch(body: unknown): Checked | string {
  const list = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(list)) return 'expected {"events": [...]} or a JSON array';
  if (list.length > EVENT_LIMITS.batchEvents) return `at most ${EVENT_LIMITS.batchEvents} events per batch`;
  const events: MonitorEvent[] = [];
  const rejected: { index: number; error: string }[] = [];
  list.forEach((raw, index) => {
    const r = checkEvent(raw);
    if (r.ok) events.push(r.event);
    else if (rejected.length < 100) rejected.push({ index, error: r.error });
    else rejected.push({ index, error: 'invalid' });
  });
  return { events, rejected };
}

function parseNdjson(text: string): unknown[] | string {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      return 'a line is not JSON';
    }
  }
  return out;
}

export function eventRoutes(w: WardenApp): void {
  const { ctx } = w;
  w.route(
    {
      method: 'POST',
      path: '/v1/events',
      need: 'ingest',
      summary: 'ingest a batch of events (acknowledged after commit)',
    },
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      let body: unknown;
      try {
        body = type.includes('ndjson') ? parseNdjson(await c.req.text()) : await c.req.json();
      } catch {
        return badRequest(c, 'body is not JSON');
      }
      if (typeof body === 'string') return badRequest(c, body);
      const checked = checkBatch(body);
      if (typeof checked === 'string') return badRequest(c, checked);
      if (checked.events.length === 0 && checked.rejected.length > 0) {
        return badRequest(c, 'no valid events', checked.rejected.slice(0, 100));
      }
      try {
        await ctx.queue.submit(checked.events);
      } catch (e) {
        c.header('Retry-After', '1');
        if (e instanceof QueueFullError) return c.json({ error: { code: 'overloaded', message: 'retry later' } }, 503);
        ctx.logger.error('ingest failed', { requestId: c.get('requestId'), error: e });
        return c.json({ error: { code: 'unavailable', message: 'store unavailable, retry with the same ids' } }, 503);
      }
      return c.json({ accepted: checked.events.length, rejected: checked.rejected.slice(0, 100) });
    },
  );
  w.route({ method: 'GET', path: '/v1/events/stats', need: 'viewer', summary: 'event counts' }, async (c) =>
    c.json({ ...(await countEvents(ctx.db)), queueDepth: ctx.queue.depth }),
  );
  w.route(
    { method: 'GET', path: '/v1/events/recent', need: 'viewer', summary: 'latest guard/gateway events' },
    async (c) => c.json({ events: await recentGuardEvents(ctx.db, intParam(c.req.query('limit')) ?? 100) }),
  );
}
