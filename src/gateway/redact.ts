import { type Detection, maskFor } from '../data/detect/index.js';

/** The longest placeholder this module issues; a stream never cuts text inside one. */
export const MAX_PLACEHOLDER = 48;

// Placeholders look like `[EMAIL_1]`: short, bracketed, upper case — models copy them verbatim far more
// reliably than random tokens, and they contain nothing JSON or SSE would escape.
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]{0,38}_\d{1,5}\]/g;

interface Entry {
  readonly value: string;
  readonly detectorId: string;
}

/**
 * One request's redactions: values replaced by placeholders before the request leaves, and the map to
 * put them back (or mask them) in the response. The same value always gets the same placeholder, so
 * the model can still tell "the same e-mail twice" from two different ones.
 */
export class RedactionSession {
  private readonly entries = new Map<string, Entry>();
  private readonly byValue = new Map<string, string>();
  private readonly next = new Map<string, number>();
  readonly counts: Record<string, number> = {};

  /** `taken` says whether a candidate placeholder already appears in the request (never reuse it). */
  constructor(private readonly taken: (placeholder: string) => boolean = () => false) {}

  get size(): number {
    return this.entries.size;
  }

  private placeholderFor(value: string, detectorId: string): string {
    const known = this.byValue.get(value);
    if (known) return known;
    const stem =
      detectorId
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .slice(0, 32) || 'DATA';
    let n = this.next.get(stem) ?? 1;
    let ph = `[${stem}_${n}]`;
    while (this.taken(ph)) ph = `[${stem}_${++n}]`;
    this.next.set(stem, n + 1);
    this.entries.set(ph, { value, detectorId });
    this.byValue.set(value, ph);
    return ph;
  }

  /** Replaces each detection (non-overlapping, earliest first) with its placeholder. */
  redact(text: string, detections: readonly Pick<Detection, 'start' | 'end' | 'detectorId'>[]): string {
    const sorted = [...detections].filter((d) => d.end > d.start).sort((a, b) => a.start - b.start);
    let out = '';
    let pos = 0;
    for (const d of sorted) {
      if (d.start < pos) continue;
      out += text.slice(pos, d.start) + this.placeholderFor(text.slice(d.start, d.end), d.detectorId);
      this.counts[d.detectorId] = (this.counts[d.detectorId] ?? 0) + 1;
      pos = d.end;
    }
    return out + text.slice(pos);
  }

  /** Puts original values back (`restore`) or replaces placeholders with `[REDACTED:<detector>]` (`mask`). */
  restore(text: string, mode: 'restore' | 'mask'): string {
    if (this.entries.size === 0 || !text.includes('[')) return text;
    return text.replace(PLACEHOLDER, (ph) => {
      const e = this.entries.get(ph);
      if (!e) return ph;
      return mode === 'restore' ? e.value : maskFor(e.detectorId);
    });
  }
}

/**
 * The largest cut ≤ `cut` that splits neither a surrogate pair nor a possible placeholder: text up to the
 * cut can be restored and sent now, the rest waits for the next chunk.
 */
export function safeCut(text: string, cut: number): number {
  if (cut <= 0) return 0;
  if (cut >= text.length) return text.length;
  const open = text.lastIndexOf('[', cut - 1);
  if (open >= 0 && cut - open < MAX_PLACEHOLDER) {
    const close = text.indexOf(']', open);
    if (close < 0 || close >= cut) cut = open;
  }
  const c = text.charCodeAt(cut - 1);
  if (cut > 0 && c >= 0xd800 && c <= 0xdbff) cut--;
  return cut;
}
