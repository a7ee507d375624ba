import { detect } from '../data/detect/index.js';
import type { Guard, ScanResult } from '../guard/index.js';
import { RedactionSession } from './redact.js';
import type { TextSlot } from './texts.js';
import type { DataPolicy, InputPolicy, Verdict } from './types.js';

export interface InjectionVerdict extends Verdict {
  /** The first slot that crossed the threshold (OpenAI `param` style). */
  readonly param?: string;
}

export interface DataVerdict extends Verdict {
  readonly param?: string;
  readonly redactions: Readonly<Record<string, number>>;
}

const CACHE_ENTRIES = 4096;
const CACHE_MAX_CHARS = 64 * 1024;

/**
 * Chat clients resend the whole conversation on every turn, so most messages a gateway sees were scanned
 * a moment ago. A small LRU of verdicts keyed by the text itself (per gateway, no global state) turns
 * those repeats into one Map lookup.
 */
export class VerdictCache {
  private readonly map = new Map<string, ScanResult>();

  get(key: string): ScanResult | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: ScanResult): void {
    if (key.length > CACHE_MAX_CHARS) return;
    if (this.map.size >= CACHE_ENTRIES) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, v);
  }
}

export function scanInjection(
  guard: Guard,
  cache: VerdictCache,
  slots: readonly TextSlot[],
  policy: InputPolicy,
): InjectionVerdict {
  let score = 0;
  let param: string | undefined;
  const categories = new Set<string>();
  const opts = policy.threshold !== undefined ? { threshold: policy.threshold } : {};
  for (const s of slots) {
    if (!policy.roles.includes(s.role)) continue;
    const key = `${policy.threshold ?? ''}\u0000${s.text}`;
    let r = cache.get(key);
    if (!r) {
      r = guard.scanInput(s.text, opts);
      cache.set(key, r);
    }
    score = Math.max(score, r.score);
    if (r.flagged) {
      param ??= s.param;
      for (const c of r.categories) categories.add(c);
    }
  }
  const flagged = param !== undefined;
  const action = !flagged ? 'allow' : policy.action === 'block' ? 'block' : 'log';
  return { flagged, score, categories: [...categories].sort(), action, ...(param ? { param } : {}) };
}

/**
 * Secrets and PII in the request. With `redact`, every slot is rewritten in place (placeholders) and the
 * session returned restores them in the response.
 */
export function scanRequestData(
  slots: readonly TextSlot[],
  policy: DataPolicy,
): { verdict: DataVerdict; session: RedactionSession } {
  const all = slots.map((s) => s.text);
  const session = new RedactionSession((ph) => all.some((t) => t.includes(ph)));
  const opts = {
    kinds: policy.kinds,
    minScore: policy.minScore,
    ...(policy.detectors.length > 0 ? { detectors: policy.detectors } : {}),
  };
  let score = 0;
  let param: string | undefined;
  const categories = new Set<string>();
  for (const s of slots) {
    const found = detect(s.text, opts);
    if (found.length === 0) continue;
    param ??= s.param;
    for (const d of found) {
      score = Math.max(score, d.score);
      categories.add(d.kind === 'secret' ? 'secret' : 'pii');
    }
    if (policy.action === 'redact') s.set(session.redact(s.text, found));
    else for (const d of found) session.counts[d.detectorId] = (session.counts[d.detectorId] ?? 0) + 1;
  }
  const flagged = param !== undefined;
  const action = !flagged
    ? 'allow'
    : policy.action === 'block'
      ? 'block'
      : policy.action === 'redact'
        ? 'redact'
        : 'log';
  return {
    verdict: {
      flagged,
      score,
      categories: [...categories].sort(),
      action,
      redactions: session.counts,
      ...(param ? { param } : {}),
    },
    session,
  };
}
