import { h, jsonForScript, type Safe } from './html.js';

/**
 * Charts are drawn in the browser from JSON embedded in the page, by the script below: hand-written
 * SVG, no library, no network. It runs under the page's CSP nonce, touches no `style` attributes
 * (the CSP has no 'unsafe-inline' for styles either; colours come from CSS classes) and reads data
 * with JSON.parse, never eval or innerHTML, so hostile labels stay text.
 *
 * Kinds:
 *  - line:  {series: [{t, v, bad}], threshold?, yLabel, yMax?}  drift statistic or p-value per window
 *  - bars:  {buckets: [{t, values: {name: n}}], keys: [...]}  stacked counts per time bucket
 *  - hbars: {items: [{label, v, cls}]}                         horizontal bars (findings by severity)
 */
export const CHART_SCRIPT = `(() => {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 640, H = 200, L = 48, R = 12, T = 12, B = 28;
  const el = (name, attrs, parent) => {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  };
  const text = (parent, x, y, s, cls, anchor) => {
    const t = el('text', { x, y, class: cls || 'axis', 'text-anchor': anchor || 'start' }, parent);
    t.textContent = s;
    return t;
  };
  const tip = (node, s) => { el('title', {}, node).textContent = s; };
  const fmt = (v) => (Math.abs(v) >= 100 || v === 0 ? String(Math.round(v)) : v.toPrecision(3));
  const day = (t) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  const svgFor = (fig, w, hgt) => {
    const svg = el('svg', { viewBox: '0 0 ' + w + ' ' + hgt, role: 'img', 'aria-label': fig.dataset.label || 'chart' });
    fig.insertBefore(svg, fig.firstChild);
    return svg;
  };
  function line(fig, d) {
    const pts = d.series.filter((p) => Number.isFinite(p.v));
    const svg = svgFor(fig, W, H);
    if (!pts.length) { text(svg, W / 2, H / 2, 'no data', 'axis', 'middle'); return; }
    const ts = pts.map((p) => Date.parse(p.t));
    const t0 = Math.min(...ts), t1 = Math.max(...ts);
    const vmax = Number.isFinite(d.yMax) ? d.yMax : Math.max(...pts.map((p) => p.v), Number.isFinite(d.threshold) ? d.threshold : 0) * 1.1 || 1;
    const x = (t) => L + (t1 === t0 ? (W - L - R) / 2 : ((t - t0) / (t1 - t0)) * (W - L - R));
    const y = (v) => H - B - (v / vmax) * (H - T - B);
    el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'frame' }, svg);
    el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'frame' }, svg);
    text(svg, L - 4, y(vmax) + 10, fmt(vmax), 'axis', 'end');
    text(svg, L - 4, H - B, '0', 'axis', 'end');
    text(svg, L, H - 8, day(t0), 'axis');
    text(svg, W - R, H - 8, day(t1), 'axis', 'end');
    if (Number.isFinite(d.threshold)) {
      const th = el('line', { x1: L, y1: y(d.threshold), x2: W - R, y2: y(d.threshold), class: 'threshold' }, svg);
      tip(th, 'threshold ' + fmt(d.threshold));
    }
    el('polyline', { points: pts.map((p, i) => x(ts[i]) + ',' + y(p.v)).join(' '), class: 'series' }, svg);
    pts.forEach((p, i) => {
      const c = el('circle', { cx: x(ts[i]), cy: y(p.v), r: p.bad ? 4 : 2.5, class: p.bad ? 'pt bad' : 'pt' }, svg);
      tip(c, day(ts[i]) + '  ' + (d.yLabel || 'value') + ' ' + fmt(p.v) + (p.bad ? '  drifted' : ''));
    });
  }
  function bars(fig, d) {
    const svg = svgFor(fig, W, H);
    const n = d.buckets.length;
    if (!n) { text(svg, W / 2, H / 2, 'no events', 'axis', 'middle'); return; }
    const totals = d.buckets.map((b) => d.keys.reduce((s, k) => s + (b.values[k] || 0), 0));
    const vmax = Math.max(1, ...totals);
    const bw = (W - L - R) / n;
    el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'frame' }, svg);
    text(svg, L - 4, T + 10, fmt(vmax), 'axis', 'end');
    text(svg, L, H - 8, day(d.buckets[0].t), 'axis');
    text(svg, W - R, H - 8, day(d.buckets[n - 1].t), 'axis', 'end');
    d.buckets.forEach((b, i) => {
      let base = H - B;
      d.keys.forEach((k, j) => {
        const v = b.values[k] || 0;
        if (!v) return;
        const hh = (v / vmax) * (H - T - B);
        base -= hh;
        const r = el('rect', { x: L + i * bw + 1, y: base, width: Math.max(1, bw - 2), height: hh, class: 'k' + j }, svg);
        tip(r, day(b.t) + '  ' + k + ' ' + v);
      });
    });
    const legend = document.createElement('p');
    legend.className = 'legend';
    d.keys.forEach((k, j) => {
      const s = document.createElement('span');
      s.className = 'key k' + j;
      s.textContent = k;
      legend.appendChild(s);
    });
    fig.appendChild(legend);
  }
  function hbars(fig, d) {
    const rowH = 24, hgt = d.items.length * rowH + 8, lw = 90;
    const svg = svgFor(fig, W, hgt);
    const vmax = Math.max(1, ...d.items.map((i) => i.v));
    d.items.forEach((it, i) => {
      const yy = 4 + i * rowH;
      text(svg, lw - 6, yy + 16, it.label, 'axis', 'end');
      const r = el('rect', { x: lw, y: yy + 4, width: Math.max(it.v ? 2 : 0, (it.v / vmax) * (W - lw - 60)), height: rowH - 8, class: 'sev ' + it.cls }, svg);
      tip(r, it.label + ' ' + it.v);
      text(svg, lw + (it.v / vmax) * (W - lw - 60) + 6, yy + 16, String(it.v), 'axis');
    });
  }
  const kinds = { line, bars, hbars };
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    const src = document.getElementById(fig.dataset.src);
    const draw = kinds[fig.dataset.chart];
    if (!src || !draw) continue;
    try { draw(fig, JSON.parse(src.textContent)); fig.classList.add('drawn'); }
    catch (e) { fig.classList.add('failed'); }
  }
})();`;

let seq = 0;

/** A figure the script fills in, with its data beside it and a caption. */
export function chart(kind: 'line' | 'bars' | 'hbars', label: string, data: unknown, caption?: Safe | string): Safe {
  seq = (seq + 1) % 1_000_000;
  const id = `chart-data-${seq}`;
  return h`<figure class="chart" data-chart="${kind}" data-src="${id}" data-label="${label}">
<script type="application/json" id="${id}">${jsonForScript(data)}</script>
<figcaption>${caption ?? label}</figcaption></figure>`;
}
