import { GADGET_GLOBALS, isSensitiveName, LOADER_TAGS } from './names.js';

/**
 * The conservative fallback when @huggingface/jinja cannot parse a template that Python jinja2
 * might still accept (octal/`\N{}`/`\U` escapes, loader tags, exotic syntax). It looks only at the
 * code inside `{{ }}` and `{% %}` after decoding Python string escapes and NFKC-normalising, so
 * `'\137\137class\137\137'` and fullwidth underscores are seen as `__class__`.
 *
 * Hand-written with indexOf and single-pass regexes (no nested quantifiers) because it runs on
 * untrusted text of any length: it must stay linear.
 */
export interface TokenHit {
  readonly kind: 'sensitive' | 'dunder-fragment' | 'gadget' | 'attr' | 'attr-chain' | 'loader-tag';
  readonly word: string;
  readonly evidence: string;
}

interface Region {
  readonly kind: 'expr' | 'stmt';
  readonly code: string;
}

const MAX_REGIONS = 100_000;

/** `{{ … }}` and `{% … %}` bodies; `{# … #}` comments are skipped. An unclosed block runs to the end. */
export function codeRegions(text: string): Region[] {
  const out: Region[] = [];
  let i = 0;
  while (i < text.length && out.length < MAX_REGIONS) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const c = text[open + 1];
    const close = c === '{' ? '}}' : c === '%' ? '%}' : c === '#' ? '#}' : undefined;
    if (!close) {
      i = open + 1;
      continue;
    }
    const end = text.indexOf(close, open + 2);
    const stop = end < 0 ? text.length : end;
    if (c !== '#') out.push({ kind: c === '{' ? 'expr' : 'stmt', code: text.slice(open + 2, stop) });
    i = end < 0 ? text.length : end + 2;
  }
  return out;
}

const NAMED: Readonly<Record<string, string>> = {
  'LOW LINE': '_',
  'FULLWIDTH LOW LINE': '＿',
  'FULL STOP': '.',
  'LEFT SQUARE BRACKET': '[',
  'RIGHT SQUARE BRACKET': ']',
};

/** Python string-literal escapes, applied to the whole code region (harmless outside strings). */
export function decodePythonEscapes(code: string): string {
  return code.replace(
    /\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3}|N\{[A-Z0-9 -]{1,60}\})/g,
    (m, e: string) => {
      const h = e[0];
      if (h === 'x' || h === 'u' || h === 'U') {
        const cp = Number.parseInt(e.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      if (h === 'N') return NAMED[e.slice(2, -1)] ?? m;
      return String.fromCodePoint(Number.parseInt(e, 8));
    },
  );
}

const WORD = /[\p{L}\p{N}_]+/gu;
const ATTR_FILTER = /\|\s*attr\b/g;
const MAX_HITS = 200;

function around(code: string, at: number, len: number): string {
  return code.slice(Math.max(0, at - 30), Math.min(code.length, at + len + 30)).trim();
}

/**
 * Scans every code block. `fallback` also reports dunder fragments (`__cla`), gadget names and
 * `|attr`, which the AST analysis judges more precisely when the template parses.
 */
export function tokenScan(text: string, fallback: boolean): TokenHit[] {
  const hits: TokenHit[] = [];
  const push = (h: TokenHit) => hits.length < MAX_HITS && hits.push(h);
  for (const r of codeRegions(text)) {
    if (hits.length >= MAX_HITS) break;
    const code = decodePythonEscapes(r.code).normalize('NFKC');
    if (r.kind === 'stmt') {
      const tag = /^[-+]?\s*([A-Za-z_]+)/.exec(code)?.[1];
      if (tag && LOADER_TAGS.has(tag)) push({ kind: 'loader-tag', word: tag, evidence: around(code, 0, 40) });
    }
    for (const m of code.matchAll(WORD)) {
      const w = m[0];
      if (isSensitiveName(w)) push({ kind: 'sensitive', word: w, evidence: around(code, m.index, w.length) });
      else if (!fallback) continue;
      else if (w.length > 2 && (w.startsWith('__') || w.endsWith('__')) && /[^_]/.test(w))
        push({ kind: 'dunder-fragment', word: w, evidence: around(code, m.index, w.length) });
      else if (GADGET_GLOBALS.has(w)) push({ kind: 'gadget', word: w, evidence: around(code, m.index, w.length) });
    }
    if (fallback) {
      const attrs = [...code.matchAll(ATTR_FILTER)];
      const first = attrs[0];
      if (first)
        push({ kind: attrs.length > 1 ? 'attr-chain' : 'attr', word: 'attr', evidence: around(code, first.index, 6) });
    }
  }
  return hits;
}
