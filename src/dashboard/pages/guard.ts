import type { Db } from '../../store/db.js';
import { guardBuckets, recentGuardEvents } from '../../store/events-repo.js';
import { listDetections } from '../../store/results-repo.js';
import { chart } from '../charts.js';
import { h, type Safe, show } from '../html.js';
import { type PageContext, page } from '../layout.js';

const RANGES: Record<string, { hours: number; bucket: number }> = {
  '24h': { hours: 24, bucket: 3600 },
  '7d': { hours: 24 * 7, bucket: 6 * 3600 },
  '30d': { hours: 24 * 30, bucket: 24 * 3600 },
};

export async function guardPage(ctx: PageContext, db: Db, now: Date, range: string | undefined): Promise<Safe> {
  const key = range && range in RANGES ? range : '24h';
  const r = RANGES[key]!;
  const from = new Date(now.getTime() - r.hours * 3600_000);
  const [buckets, events, detections] = await Promise.all([
    guardBuckets(db, r.bucket, from, now),
    recentGuardEvents(db, 100),
    listDetections(db, { flagged: true, since: from, limit: 100 }),
  ]);
  const keys = ['allowed', 'flagged', 'blocked', 'errors'];
  const data = {
    keys,
    buckets: buckets.map((b) => ({
      t: new Date(b.bucket * r.bucket * 1000).toISOString(),
      // Stacked parts must not overlap: blocked events are flagged too, so count each once.
      values: {
        allowed: Math.max(0, b.total - b.flagged - b.errors),
        flagged: Math.max(0, b.flagged - b.blocked),
        blocked: b.blocked,
        errors: b.errors,
      },
    })),
  };
  const totals = buckets.reduce(
    (s, b) => ({ total: s.total + b.total, blocked: s.blocked + b.blocked, refusals: s.refusals + b.refusals }),
    { total: 0, blocked: 0, refusals: 0 },
  );
  const body = h`<h1>Guard activity</h1>
<p>${Object.keys(RANGES).map((k) => (k === key ? h`<strong>${k}</strong> ` : h`<a href="/ui/guard?range=${k}">${k}</a> `))}
<span class="muted">${totals.total} events, ${totals.blocked} blocked, ${totals.refusals} refusals in this range</span></p>
${chart('bars', `Gateway and guard events per ${r.bucket / 3600} h`, data)}
<h2>Flagged detections</h2>
${
  detections.length
    ? h`<table id="detections"><tr><th>Kind</th><th>Subject</th><th>Window</th><th>Score</th><th>Evidence</th></tr>
${detections.map(
  (
    d,
  ) => h`<tr><td>${show(d.kind)}</td><td class="mono">${show(d.subject)}</td><td>${show(d.window_start)} – ${show(d.window_end)}</td>
<td class="num">${show(d.score)}</td><td class="mono">${show(d.evidence)}</td></tr>`,
)}</table>`
    : h`<p class="muted">No rate anomalies or extraction suspects in this range.</p>`
}
<h2>Recent events</h2>
<table id="events"><tr><th>Time</th><th>Kind</th><th>Model</th><th>Client</th><th>Action</th><th>Status</th><th>Categories</th></tr>
${events.map(
  (e) => h`<tr><td>${show(e.ts)}</td><td>${e.kind}</td><td>${show(e.model)}</td><td class="mono">${show(e.client)}</td>
<td>${e.flagged ? h`<strong>${show(e.action)}</strong>` : show(e.action)}</td><td>${show(e.status)}</td>
<td>${(e.categories ?? []).join(', ')}</td></tr>`,
)}</table>`;
  return page(ctx, 'Guard activity', '/ui/guard', body, { charts: true });
}
