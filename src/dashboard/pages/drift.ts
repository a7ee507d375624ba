import type { Db } from '../../store/db.js';
import { listDrift } from '../../store/results-repo.js';
import { chart } from '../charts.js';
import { h, type Safe, show } from '../html.js';
import { type PageContext, page } from '../layout.js';
import { driftSubjects } from '../queries.js';

export async function driftIndexPage(ctx: PageContext, db: Db): Promise<Safe> {
  const subjects = await driftSubjects(db);
  const models = [...new Set(subjects.map((s) => s.model))];
  const body = h`<h1>Drift</h1>
${
  models.length
    ? h`<table id="drift-models"><tr><th>Model</th><th>Feature</th><th>Windows</th><th>Drifted windows</th><th>Latest window</th></tr>
${subjects.map(
  (s) => h`<tr><td><a href="/ui/drift/${encodeURIComponent(s.model)}">${s.model}</a></td>
<td><a href="/ui/drift/${encodeURIComponent(s.model)}?feature=${encodeURIComponent(s.feature)}">${s.feature}</a></td>
<td class="num">${s.windows}</td><td class="num">${s.drifted ? h`<strong>${s.drifted}</strong>` : 0}</td><td>${show(s.last)}</td></tr>`,
)}</table>`
    : h`<p class="muted">No drift results yet: the drift analysis writes them once a model has reference and current windows.</p>`
}`;
  return page(ctx, 'Drift', '/ui/drift', body);
}

interface Point {
  readonly t: string;
  readonly v: number;
  readonly bad: boolean;
}

/** One chart per feature and method: the statistic per window against its threshold, drifted windows in red. */
export async function driftModelPage(ctx: PageContext, db: Db, model: string, feature?: string): Promise<Safe> {
  const rows = await listDrift(db, { model, ...(feature ? { feature } : {}), limit: 5000 });
  const series = new Map<
    string,
    { feature: string; method: string; threshold: number; pValues: boolean; points: Point[] }
  >();
  for (const r of rows) {
    const key = `${String(r.feature)}\u0000${String(r.method)}`;
    let s = series.get(key);
    if (!s) {
      // p-value methods (KS, chi-squared) flag below the threshold, so their chart shows the p-value.
      const pValues = r.p_value !== null && r.p_value !== undefined;
      s = { feature: String(r.feature), method: String(r.method), threshold: Number(r.threshold), pValues, points: [] };
      series.set(key, s);
    }
    const end = r.window_end instanceof Date ? r.window_end.toISOString() : String(r.window_end);
    s.points.push({ t: end, v: Number(s.pValues ? r.p_value : r.statistic), bad: r.drifted === true });
  }
  const charts = [...series.values()]
    .sort((a, b) => (a.feature === b.feature ? (a.method < b.method ? -1 : 1) : a.feature < b.feature ? -1 : 1))
    .map((s) => {
      const points = s.points.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
      const drifted = points.filter((p) => p.bad).length;
      return h`<section class="drift" data-feature="${s.feature}" data-method="${s.method}">
<h2>${s.feature} <span class="muted">· ${s.method}</span></h2>
${chart(
  'line',
  `Drift of ${s.feature} (${s.method})`,
  {
    series: points,
    threshold: s.threshold,
    yLabel: s.pValues ? 'p-value' : s.method,
    ...(s.pValues ? { yMax: 1 } : {}),
  },
  `${s.pValues ? `${s.method} p-value per window (drift below` : `${s.method} statistic per window (drift at or above`} the dashed threshold ${s.threshold}); ${drifted} of ${points.length} windows drifted`,
)}</section>`;
    });
  const body = h`<p><a href="/ui/drift">← Drift</a> · <a href="/ui/models/${encodeURIComponent(model)}">Model</a></p>
<h1>Drift of ${model}${feature ? h` · ${feature}` : ''}</h1>
${charts.length ? charts : h`<p class="muted">No drift results for this model.</p>`}`;
  return page(ctx, `Drift ${model}`, '/ui/drift', body, { charts: true });
}
