import { detect } from '../data/detect/index.js';
import { findCanary } from './canary.js';
import { findExfiltration } from './exfil.js';
import { LeakDetector, leakScore } from './leakage.js';
import type { GuardCategory, GuardSpan, ScanOutputOptions, ScanResult } from './types.js';

export interface OutputScanner {
  scan(text: string, opts: ScanOutputOptions): ScanResult;
}

/** Default decision threshold for output signals (each signal's score is already a confidence). */
export const OUTPUT_THRESHOLD = 0.5;
const MAX_SPANS = 64;

interface Scored extends GuardSpan {
  readonly score: number;
}

/**
 * Output scanning: secrets and PII (the data module's detectors — not re-implemented here), canary
 * tokens, fuzzy system-prompt leakage and exfiltration links. Each signal yields spans with a score;
 * the result's score is the maximum.
 */
export function createOutputScanner(): OutputScanner {
  const leaks = new LeakDetector();
  return {
    scan(text, opts) {
      const threshold = opts.threshold ?? OUTPUT_THRESHOLD;
      const hits: Scored[] = [];
      if (opts.detectData !== false) {
        for (const d of detect(text)) {
          const category: GuardCategory = d.kind === 'secret' ? 'secret-leak' : 'pii-leak';
          hits.push({ start: d.start, end: d.end, category, signal: d.detectorId, score: d.score });
        }
      }
      for (const c of opts.canaries ?? []) {
        const at = findCanary(text, c);
        if (at) hits.push({ ...at, category: 'canary-leak', signal: 'canary', score: 1 });
      }
      const prompts = (opts.systemPrompts ?? []).filter((p) => p.trim().length > 0);
      if (prompts.length > 0) {
        const prepared = leaks.prepare(text);
        for (const p of prompts) {
          const m = leaks.match(prepared.norm, prepared.words, p);
          if (m)
            hits.push({
              start: m.start,
              end: m.end,
              category: 'system-prompt-leak',
              signal: 'shingle-containment',
              score: Math.round(leakScore(m) * 1e4) / 1e4,
            });
        }
      }
      for (const e of findExfiltration(text, opts.allowedHosts ?? [])) {
        hits.push({
          start: e.start,
          end: e.end,
          category: 'exfiltration-link',
          signal: `${e.kind}:${e.host}`,
          score: e.score,
        });
      }
      const score = hits.reduce((m, h) => Math.max(m, h.score), 0);
      const flaggedHits = hits.filter((h) => h.score >= threshold).sort((a, b) => a.start - b.start || a.end - b.end);
      const spans: GuardSpan[] = flaggedHits
        .slice(0, MAX_SPANS)
        .map(({ start, end, category, signal }) => ({ start, end, category, signal }));
      return {
        flagged: flaggedHits.length > 0,
        score,
        threshold,
        categories: [...new Set(spans.map((s) => s.category))].sort(),
        spans,
      };
    },
  };
}
