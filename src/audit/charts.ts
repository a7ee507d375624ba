/**
 * Inline SVG charts for the HTML report: drawn here as markup, so the report needs no script or
 * library to show them and works offline and in mail clients. Every label goes through `esc`.
 */
import { SEVERITIES, type Severity } from '../core/severity.js';

export const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: '#b91c1c',
  high: '#ea580c',
  medium: '#ca8a04',
  low: '#0284c7',
  info: '#6b7280',
};

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Escapes text for HTML and SVG content and attribute values; control and bidi characters shown as escapes. */
export function esc(text: string): string {
  return text
    .replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface StackRow {
  readonly label: string;
  readonly sublabel?: string;
  /** Counts per severity. */
  readonly counts: Readonly<Partial<Record<Severity, number>>>;
  /** Shown at the end of the row instead of the total (e.g. "3 rules"). */
  readonly note?: string;
}

/** Horizontal bars stacked by severity, one row per label, scaled to the largest total. */
export function stackedBars(title: string, rows: readonly StackRow[], opts: { labelWidth?: number } = {}): string {
  const labelW = opts.labelWidth ?? 150;
  const barW = 300;
  const rowH = 22;
  const width = labelW + barW + 90;
  const height = rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => total(r.counts)));
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="lbl">${esc(r.label)}${r.sublabel ? `<tspan class="sub"> ${esc(r.sublabel)}</tspan>` : ''}</text>`,
    );
    parts.push(`<rect x="${labelW}" y="${y + 3}" width="${barW}" height="${rowH - 8}" class="track"/>`);
    let x = labelW;
    for (const s of SEVERITIES) {
      const n = r.counts[s] ?? 0;
      if (n === 0) continue;
      const w = Math.max(2, (n / max) * barW);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${SEVERITY_COLOR[s]}"><title>${esc(`${r.label}: ${n} ${s}`)}</title></rect>`,
      );
      x += w;
    }
    const t = total(r.counts);
    parts.push(`<text x="${labelW + barW + 8}" y="${y + 15}" class="num">${esc(r.note ?? String(t))}</text>`);
  });
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function total(c: Readonly<Partial<Record<Severity, number>>>): number {
  return SEVERITIES.reduce((n, s) => n + (c[s] ?? 0), 0);
}

/** A ring showing the posture score out of 100, coloured by band. */
export function scoreRing(score: number, grade: string): string {
  const r = 52;
  const c = 2 * Math.PI * r;
  const clamped = Math.max(0, Math.min(100, score));
  const color = clamped >= 75 ? '#15803d' : clamped >= 60 ? '#ca8a04' : clamped >= 40 ? '#ea580c' : '#b91c1c';
  const dash = ((clamped / 100) * c).toFixed(1);
  return (
    `<svg class="ring" role="img" aria-label="${esc(`posture score ${clamped} of 100, grade ${grade}`)}" viewBox="0 0 128 128" width="128" height="128" xmlns="http://www.w3.org/2000/svg">` +
    `<circle cx="64" cy="64" r="${r}" class="ring-track"/>` +
    `<circle cx="64" cy="64" r="${r}" fill="none" stroke="${color}" stroke-width="12" stroke-linecap="round" stroke-dasharray="${dash} ${c.toFixed(1)}" transform="rotate(-90 64 64)"/>` +
    `<text x="64" y="66" text-anchor="middle" class="ring-score">${clamped}</text>` +
    `<text x="64" y="88" text-anchor="middle" class="ring-grade">grade ${esc(grade)}</text></svg>`
  );
}
