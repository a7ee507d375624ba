/**
 * A tiny escaping template for the server-rendered pages.
 *
 * Hand-written rather than Hono's `html` helper because output escaping is the dashboard's first
 * line against stored XSS (finding messages, evidence and model names come from scanned files and
 * ingested events, i.e. from attackers), and this version is synchronous, typed, escapes both quote
 * kinds for attributes, and is small enough to test exhaustively (html.test.ts).
 */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

type Part = Safe | string | number | boolean | null | undefined | Date | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof Date) return escapeHtml(Number.isNaN(v.getTime()) ? '' : v.toISOString());
  return escapeHtml(String(v));
}

/** `h\`<p>${text}</p>\`` escapes every interpolation unless it is already `Safe` (nested `h` output). */
export function h(strings: TemplateStringsArray, ...values: Part[]): Safe {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new Safe(out);
}

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` become \u escapes so no
 * string inside can close the element or open a comment; U+2028/9 are escaped for old parsers.
 */
export function jsonForScript(value: unknown): Safe {
  const text = JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Safe(text);
}

/** A value from a SQL row as display text: dates to ISO minutes, null to an en dash. */
export function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '–';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '–' : `${v.toISOString().slice(0, 16).replace('T', ' ')}Z`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
